"""反诈指数: a weighted index of percentile ranks across sibling areas (0–100, higher is better).

Pure functions over plain numbers; the YAML (`config/index.yaml`) says which indicators,
which direction is better, and their weights. Each score keeps its contributions so the
page and the report can say why an area ranks where it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from fanzha.core.errors import Invalid
from fanzha.stats.indicators import BY_CODE

CONFIG = Path(__file__).parent / "config" / "index.yaml"
# An area whose available weight falls below this share gets no index rather than a skewed one.
MIN_WEIGHT_SHARE = 0.5


@dataclass(frozen=True)
class Component:
    code: str
    weight: float
    higher_is_better: bool


@dataclass(frozen=True)
class IndexConfig:
    name: str
    components: tuple[Component, ...]

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.components]


@dataclass(frozen=True)
class Contribution:
    code: str
    name_zh: str
    value: float | None
    percentile: float | None  # 0–1, 1 = best among siblings
    weight: float


@dataclass(frozen=True)
class Score:
    area_code: str
    score: float | None
    rank: int | None
    contributions: tuple[Contribution, ...]

    @property
    def reasons_zh(self) -> list[str]:
        """Strongest and weakest components, in words."""
        known = [c for c in self.contributions if c.percentile is not None]
        if not known:
            return ["各项指标均无数据"]
        best = max(known, key=lambda c: c.percentile or 0.0)
        worst = min(known, key=lambda c: c.percentile or 0.0)
        out = [f"{best.name_zh}在同级中排名靠前（百分位 {best.percentile:.0%}）"]
        if worst.code != best.code:
            out.append(f"{worst.name_zh}相对落后（百分位 {worst.percentile:.0%}）")
        missing = [c.name_zh for c in self.contributions if c.percentile is None]
        if missing:
            out.append(f"无数据未计入：{'、'.join(missing)}")
        return out


def parse_config(data: dict[str, Any]) -> IndexConfig:
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        raise Invalid("反诈指数配置缺少指标列表", "index config needs a list of indicators")
    components = []
    for item in items:
        code, direction, weight = item.get("code"), item.get("direction"), item.get("weight")
        if code not in BY_CODE:
            raise Invalid(f"反诈指数配置中的指标 {code} 不存在", f"unknown indicator {code!r} in index config")
        if direction not in ("lower_better", "higher_better"):
            raise Invalid(f"指标 {code} 的 direction 须为 lower_better 或 higher_better",
                          f"direction of {code} must be lower_better or higher_better")
        if not isinstance(weight, int | float) or weight <= 0:
            raise Invalid(f"指标 {code} 的权重须为正数", f"weight of {code} must be positive")
        components.append(Component(code, float(weight), direction == "higher_better"))
    return IndexConfig(str(data.get("name", "反诈指数")), tuple(components))


@cache
def load_config(path: Path = CONFIG) -> IndexConfig:
    return parse_config(yaml.safe_load(path.read_text(encoding="utf-8")))


def percentiles(values: dict[str, float | None], *, higher_is_better: bool) -> dict[str, float | None]:
    """Mid-rank percentile among the areas that have a value: 1 = best, 0 = worst, ties share."""
    known = {k: v for k, v in values.items() if v is not None}
    out: dict[str, float | None] = {k: None for k in values}
    if not known:
        return out
    if len(known) == 1:
        out.update({k: 1.0 for k in known})
        return out
    keys = list(known)
    signed = [known[k] if higher_is_better else -known[k] for k in keys]
    ranks = _average_ranks(signed)
    for k, r in zip(keys, ranks, strict=True):
        out[k] = float((r - 1) / (len(keys) - 1))
    return out


def _average_ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties sharing their mean rank (a few sibling areas: no need for SciPy,
    whose import alone costs seconds of a report's run)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for pos in range(start, end + 1):
            ranks[order[pos]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def score(config: IndexConfig, values: dict[str, dict[str, float | None]]) -> list[Score]:
    """`values`: area code → indicator code → value, for one set of siblings. Best first."""
    pct = {c.code: percentiles({a: v.get(c.code) for a, v in values.items()}, higher_is_better=c.higher_is_better)
           for c in config.components}
    total_weight = sum(c.weight for c in config.components)
    scores: list[Score] = []
    for area, vals in values.items():
        parts = tuple(Contribution(c.code, BY_CODE[c.code].name_zh, _float(vals.get(c.code)), pct[c.code][area],
                                   c.weight) for c in config.components)
        used = [p for p in parts if p.percentile is not None]
        weight = sum(p.weight for p in used)
        value = (round(100 * sum(p.weight * (p.percentile or 0.0) for p in used) / weight, 1)
                 if weight >= MIN_WEIGHT_SHARE * total_weight else None)
        scores.append(Score(area, value, None, parts))
    ranked = sorted((s for s in scores if s.score is not None), key=lambda s: -(s.score or 0.0))
    out = []
    for s in scores:
        rank = 1 + sum(1 for r in ranked if (r.score or 0) > (s.score or 0)) if s.score is not None else None
        out.append(Score(s.area_code, s.score, rank, s.contributions))
    return sorted(out, key=lambda s: (s.rank is None, s.rank or 0, s.area_code))


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)
