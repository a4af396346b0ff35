"""红黄蓝 ratings: a colour per area from per-capita cases and their trend.

Pure rules over plain numbers; thresholds come from `config/ratings.yaml`. Every rating
carries the reason that produced it, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fanzha.core.errors import Invalid

CONFIG = Path(__file__).parent / "config" / "ratings.yaml"


class Colour(StrEnum):
    RED = "红"
    YELLOW = "黄"
    BLUE = "蓝"
    NONE = "无数据"


COLOUR_CSS = {Colour.RED: "#d93025", Colour.YELLOW: "#f2a600", Colour.BLUE: "#1a73e8", Colour.NONE: "#b0b0b0"}


@dataclass(frozen=True)
class RatingConfig:
    basis: str
    red_rate: float
    yellow_rate: float
    red_rise: float
    yellow_rise: float
    min_cases: int


@dataclass(frozen=True)
class Rating:
    colour: Colour
    reason_zh: str


def parse_config(data: dict[str, Any]) -> RatingConfig:
    try:
        config = RatingConfig(str(data.get("basis", "relative")), float(data["red_rate"]), float(data["yellow_rate"]),
                              float(data["red_rise"]), float(data["yellow_rise"]), int(data["min_cases"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid(f"红黄蓝配置不完整：{exc}", f"ratings config incomplete: {exc}") from None
    if config.basis not in ("relative", "absolute") or config.red_rate < config.yellow_rate:
        raise Invalid("红黄蓝配置无效：basis 须为 relative/absolute，红色阈值不得低于黄色",
                      "ratings config invalid: basis relative/absolute, red_rate >= yellow_rate")
    return config


@cache
def load_config(path: Path = CONFIG) -> RatingConfig:
    return parse_config(yaml.safe_load(path.read_text(encoding="utf-8")))


def rate(config: RatingConfig, *, rate_per_10k: float | None, parent_rate: float | None, cases: int | None,
         previous_cases: int | None, days: int = 30) -> Rating:
    """The colour of one area in one period.

    `rate_per_10k` is the area's 万人发案率, `parent_rate` its parent's in the same period
    (used when basis is relative), `previous_cases` the cases of the period before (环比).
    """
    if rate_per_10k is None or cases is None:
        return Rating(Colour.NONE, "无发案或人口数据")
    if config.basis == "relative":
        if not parent_rate:
            level, shown = (0.0, "上级辖区本期无发案") if not cases else (float("inf"), "上级辖区本期无发案")
        else:
            level = rate_per_10k / parent_rate
            shown = f"万人发案率 {rate_per_10k:.2f}，为上级的 {level:.0%}"
    else:
        level = rate_per_10k * 30 / days
        shown = f"万人发案率 {rate_per_10k:.2f}（折合每月 {level:.2f}）"
    rise = None
    if previous_cases is not None and cases >= config.min_cases:
        rise = (cases - previous_cases) / previous_cases if previous_cases else float("inf")
    rise_text = "" if rise is None else ("，环比由零转增" if rise == float("inf") else f"，环比 {rise:+.0%}")
    if level >= config.red_rate:
        return Rating(Colour.RED, f"{shown}，达到红色线{rise_text}")
    if level >= config.yellow_rate and rise is not None and rise >= config.red_rise:
        return Rating(Colour.RED, f"{shown}，高于黄色线且发案上升{rise_text}")
    if level >= config.yellow_rate:
        return Rating(Colour.YELLOW, f"{shown}，达到黄色线{rise_text}")
    if rise is not None and rise >= config.yellow_rise:
        return Rating(Colour.YELLOW, f"{shown}，发案明显上升{rise_text}")
    return Rating(Colour.BLUE, f"{shown}{rise_text}")
