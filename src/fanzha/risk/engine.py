"""The real-time scorer: velocity state + the active rule set + the packaged model (optional).

`decide()` is the hot path: features from in-memory state, rules over a dict, no database.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from fanzha.risk.dsl import RuleSet, parse_ruleset
from fanzha.risk.features import FEATURE_NAMES, Transfer, VelocityState
from fanzha.risk.model import LogisticModel, packaged_model
from fanzha.risk.scoring import DECISION_RANK, Verdict, evaluate

DEFAULT_RULES_FILE = Path(__file__).parent / "rules" / "default.yaml"


def compile_rules(text: str, *, label: str = "draft") -> RuleSet:
    return parse_ruleset(text, FEATURE_NAMES, label=label)


@lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    return compile_rules(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), label="默认规则")


class Scorer:
    """`model`: the packaged trained model by default (`risk/model.py`); None scores with the
    rules alone (`model_score` stays None, so R16 never fires)."""

    def __init__(self, ruleset: RuleSet | None = None, state: VelocityState | None = None,
                 model: LogisticModel | Literal["packaged"] | None = "packaged") -> None:
        self.ruleset = ruleset if ruleset is not None else default_ruleset()
        self.state = state if state is not None else VelocityState()
        self.model = packaged_model() if model == "packaged" else model

    def features(self, t: Transfer) -> dict[str, Any]:
        f = self.state.features(t)
        if self.model is not None:
            f["model_score"], f["model_reasons"] = self.model.assess(f)
        return f

    def decide(self, t: Transfer, *, apply: bool = True) -> tuple[dict[str, Any], Verdict]:
        f = self.features(t)
        verdict = evaluate(self.ruleset, f)
        if apply:
            # Only holds and blocks mark the accounts: a verify is often cleared at the counter.
            self.state.apply(t, flagged=DECISION_RANK[verdict.decision] >= DECISION_RANK["hold"])
        return f, verdict
