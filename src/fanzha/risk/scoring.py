"""From features and rules to a decision: pure, no session, no clock.

Like Marble's decisions, a verdict keeps every rule execution that produced it — hit or
not, with the score it added — so the teller, the auditor and the backtest all see the
same explanation. Counter-checklist answers enter as executions of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fanzha.risk.dsl import RuleSet, render_reason

DECISION_NAMES_ZH = {"allow": "放行", "verify": "核实", "hold": "暂缓", "block": "拦截"}
DECISION_RANK = {"allow": 0, "verify": 1, "hold": 2, "block": 3}
MAX_SCORE = 100


@dataclass(frozen=True, slots=True)
class RuleExecution:
    code: str
    name: str
    hit: bool
    score: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:  # by hand: dataclasses.asdict deep-copies, 20 times per decision
        return {"code": self.code, "name": self.name, "hit": self.hit, "score": self.score, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str
    score: int
    reasons: list[str]
    executions: list[RuleExecution]
    ruleset: str

    @property
    def decision_zh(self) -> str:
        return DECISION_NAMES_ZH[self.decision]


def evaluate(ruleset: RuleSet, features: Mapping[str, Any],
             extra: Iterable[RuleExecution] = ()) -> Verdict:
    """Run every rule; the score is the sum of hits (plus checklist answers) clamped to 0..100."""
    executions: list[RuleExecution] = []
    total = 0
    for rule in ruleset.rules:
        if rule.condition(features):
            total += rule.score
            executions.append(RuleExecution(rule.code, rule.name, True, rule.score,
                                            render_reason(rule.reason, features)))
        else:
            executions.append(RuleExecution(rule.code, rule.name, False, 0))
    for ex in extra:
        total += ex.score
        executions.append(ex)
    score = max(0, min(MAX_SCORE, total))
    hits = sorted((e for e in executions if e.hit and e.reason), key=lambda e: -abs(e.score))
    return Verdict(ruleset.decision_for(score), score, [e.reason for e in hits if e.reason], executions,
                   ruleset.label)


def flagged(decision: str) -> bool:
    """Sent to the counter (verify) or worse."""
    return DECISION_RANK[decision] >= DECISION_RANK["verify"]
