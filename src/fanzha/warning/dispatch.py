"""Dispatch: who must act on an instruction, through which channel, by when.

The ladder (rules/dispatch.yaml) follows DESIGN §5: 高 → the center calls within 5 min, the
station accepts within 10, a door visit within 30 if unreachable; 中 → call within 30 min,
visit within 24 h; 低 → robot call/SMS, visit in the next grid round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fanzha.warning import rulefile
from fanzha.warning.models import STATUS_RANK, Channel, Level, Status

DEADLINE_STEPS = (Status.ACCEPTED, Status.CALLING, Status.VISITING, Status.VERIFYING, Status.FEEDBACK)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tier(_Strict):
    code: str
    name: str


class When(_Strict):
    levels: list[Level] | None = None
    sources: list[str] | None = None
    type_codes: list[str] | None = None

    def holds(self, *, level: Level, source: str, type_code: str | None) -> bool:
        return ((self.levels is None or level in self.levels)
                and (self.sources is None or source in self.sources)
                and (self.type_codes is None or type_code in self.type_codes))


class DeadlineRule(_Strict):
    step: Status
    minutes: float = Field(gt=0)
    tier: str
    label: str

    @model_validator(mode="after")
    def _step_has_a_clock(self) -> DeadlineRule:
        if self.step not in DEADLINE_STEPS:
            raise ValueError(f"step {self.step} has no SLA clock; use one of {[s.value for s in DEADLINE_STEPS]}")
        return self


class LadderRule(_Strict):
    when: When
    tier: str
    channel: Channel
    deadlines: list[DeadlineRule]


class DispatchRules(_Strict):
    tiers: list[Tier] = Field(min_length=1)
    ladder: list[LadderRule] = Field(min_length=1)
    effort_minutes: dict[Channel, float]

    @model_validator(mode="after")
    def _known_tiers(self) -> DispatchRules:
        known = {t.code for t in self.tiers}
        used = {r.tier for r in self.ladder} | {d.tier for r in self.ladder for d in r.deadlines}
        if used - known:
            raise ValueError(f"unknown tier(s): {sorted(used - known)}")
        for level in Level:
            if not any(r.when.levels is None or level in r.when.levels for r in self.ladder):
                raise ValueError(f"no ladder rule covers level {level}")
        return self

    def tier_names(self) -> dict[str, str]:
        return {t.code: t.name for t in self.tiers}

    def tier_above(self, code: str) -> str:
        order = [t.code for t in self.tiers]
        i = order.index(code) if code in order else 0
        return order[min(i + 1, len(order) - 1)]


def parse_rules(text: str, *, origin: str = "dispatch.yaml") -> DispatchRules:
    return rulefile.parse(text, DispatchRules, origin=origin, what_zh="派发规则")


@lru_cache(maxsize=1)
def default_rules() -> DispatchRules:
    return parse_rules(resources.files("fanzha.warning").joinpath("rules/dispatch.yaml").read_text("utf-8"))


def load_rules(path: Path | None = None) -> DispatchRules:
    return default_rules() if path is None else parse_rules(path.read_text("utf-8"), origin=str(path))


@dataclass(frozen=True)
class PlannedDeadline:
    step: Status
    step_rank: int
    tier: str
    label: str
    due_at: datetime


@dataclass(frozen=True)
class Plan:
    tier: str
    channel: Channel
    deadlines: list[PlannedDeadline]

    @property
    def next_due_at(self) -> datetime | None:
        return min((d.due_at for d in self.deadlines), default=None)


def plan(*, level: Level, source: str, type_code: str | None, received_at: datetime,
         rules: DispatchRules | None = None) -> Plan:
    rules = rules or default_rules()
    rule = next(r for r in rules.ladder if r.when.holds(level=level, source=source, type_code=type_code))
    return Plan(tier=rule.tier, channel=rule.channel, deadlines=[
        PlannedDeadline(d.step, STATUS_RANK[d.step], d.tier, d.label, received_at + timedelta(minutes=d.minutes))
        for d in rule.deadlines
    ])


@dataclass(frozen=True)
class Assignment:
    station_code: str | None
    grid_code: str | None


def assign(chain: list[tuple[str, str]]) -> Assignment:
    """From the subject's area chain [(code, level)], root first: their station (town) and grid."""
    station = next((c for c, lv in chain if lv == "town"), None)
    grid = next((c for c, lv in chain if lv == "grid"), None)
    return Assignment(station_code=station, grid_code=grid)
