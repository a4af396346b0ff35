"""Backtesting a draft rule set over stored transfers, before it is enabled.

Pure: it takes the feature snapshots stored with each transfer (features as they were when
the transfer was scored) and the known outcome, and replays the rules. Precision and recall
count only transfers whose outcome is known (`is_fraud` not null).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fanzha.risk.dsl import RuleSet
from fanzha.risk.scoring import DECISION_RANK, evaluate


@dataclass(frozen=True, slots=True)
class Labeled:
    features: Mapping[str, Any]
    is_fraud: bool | None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def run(ruleset: RuleSet, rows: Iterable[Labeled]) -> dict[str, Any]:
    total = labeled = fraud = flagged = tp = fp = 0
    decisions = dict.fromkeys(DECISION_RANK, 0)
    per_rule: dict[str, dict[str, Any]] = {r.code: {"code": r.code, "name": r.name, "hits": 0, "fraud_hits": 0,
                                                   "labeled_hits": 0} for r in ruleset.rules}
    for row in rows:
        total += 1
        verdict = evaluate(ruleset, row.features)
        decisions[verdict.decision] += 1
        is_flagged = DECISION_RANK[verdict.decision] >= DECISION_RANK["verify"]
        flagged += is_flagged
        if row.is_fraud is not None:
            labeled += 1
            fraud += row.is_fraud
            tp += is_flagged and row.is_fraud
            fp += is_flagged and not row.is_fraud
        for ex in verdict.executions:
            if ex.hit and ex.code in per_rule:
                stats = per_rule[ex.code]
                stats["hits"] += 1
                if row.is_fraud is not None:
                    stats["labeled_hits"] += 1
                    stats["fraud_hits"] += bool(row.is_fraud)
    for stats in per_rule.values():
        stats["precision"] = _ratio(stats["fraud_hits"], stats["labeled_hits"])
        stats["recall"] = _ratio(stats["fraud_hits"], fraud)
    return {
        "ruleset": ruleset.label, "transactions": total, "labeled": labeled, "fraud": fraud,
        "flagged": flagged, "true_positives": tp, "false_positives": fp,
        "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, fraud),
        "normal_flagged_share": _ratio(fp, labeled - fraud),
        "decisions": decisions, "rules": list(per_rule.values()),
    }
