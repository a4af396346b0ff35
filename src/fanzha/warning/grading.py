"""高/中/低 grading: configurable rules over plain facts, every grade with its reasons.

Defaults (rules/grading.yaml) follow DESIGN §5: 高 = contact within the hour while money can
still move; 中 = contact within a day or a risky App/URL; 低 = older or indirect signals;
vulnerable people and repeated contact raise one level each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fanzha.warning import rulefile
from fanzha.warning.models import LEVEL_RANK, Level

Flag = Literal["money_movement", "remote_app", "safe_account", "ongoing_call", "risky_url"]


@dataclass(frozen=True)
class Facts:
    """What is known about one instruction, already merged over its signals."""

    source: str
    minutes_since_contact: float
    flags: frozenset[str] = frozenset()
    decision: str | None = None
    signal_count: int = 1
    tags: frozenset[str] = frozenset()
    age: int | None = None


@dataclass(frozen=True)
class Grade:
    level: Level
    reasons: list[str] = field(default_factory=list)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Condition(_Strict):
    within_minutes: float | None = Field(default=None, gt=0)
    sources: list[str] | None = None
    decisions: list[str] | None = None
    any_of: list[Flag] | None = None
    all_of: list[Flag] | None = None
    min_signals: int | None = Field(default=None, ge=1)
    tags_any: list[str] | None = None
    min_age: int | None = Field(default=None, ge=0, le=120)

    def holds(self, f: Facts) -> bool:
        checks = [
            self.within_minutes is None or f.minutes_since_contact <= self.within_minutes,
            self.sources is None or f.source in self.sources,
            self.decisions is None or f.decision in self.decisions,
            self.any_of is None or any(x in f.flags for x in self.any_of),
            self.all_of is None or all(x in f.flags for x in self.all_of),
            self.min_signals is None or f.signal_count >= self.min_signals,
            self.tags_any is None or bool(f.tags.intersection(self.tags_any)),
            self.min_age is None or (f.age is not None and f.age >= self.min_age),
        ]
        return all(checks)


class Rule(_Strict):
    id: str
    level: Level
    reason: str
    when: Condition


class Default(_Strict):
    level: Level
    reason: str


class Raise(_Strict):
    id: str
    reason: str
    when: Condition


class GradingRules(_Strict):
    rules: list[Rule]
    default: Default
    raises: list[Raise] = Field(default_factory=list)


def parse_rules(text: str, *, origin: str = "grading.yaml") -> GradingRules:
    """Validate a rules file; any problem names the file and the offending path."""
    return rulefile.parse(text, GradingRules, origin=origin, what_zh="分级规则")


@lru_cache(maxsize=1)
def default_rules() -> GradingRules:
    return parse_rules(resources.files("fanzha.warning").joinpath("rules/grading.yaml").read_text("utf-8"))


def load_rules(path: Path | None = None) -> GradingRules:
    return default_rules() if path is None else parse_rules(path.read_text("utf-8"), origin=str(path))


_BY_RANK = {rank: level for level, rank in LEVEL_RANK.items()}


def grade(facts: Facts, rules: GradingRules | None = None) -> Grade:
    rules = rules or default_rules()
    hits = [r for r in rules.rules if r.when.holds(facts)]
    if hits:
        rank = max(LEVEL_RANK[r.level] for r in hits)
        reasons = [r.reason for r in hits if LEVEL_RANK[r.level] == rank]
    else:
        rank, reasons = LEVEL_RANK[rules.default.level], [rules.default.reason]
    for r in rules.raises:
        if r.when.holds(facts) and rank < LEVEL_RANK[Level.HIGH]:
            rank += 1
            reasons.append(r.reason.format(tags="、".join(sorted(facts.tags.intersection(r.when.tags_any or []))),
                                           signals=facts.signal_count))
    return Grade(level=_BY_RANK[rank], reasons=reasons)
