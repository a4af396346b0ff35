"""Metrics and evaluation runs: per-type P/R/F1, macro-F1, confusion matrix, FPR, ECE, entity F1."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fanzha.detect.engine import Detector
from fanzha.detect.lookalike import host_of
from fanzha.detect.schemas import Verdict

NOT_FRAUD = "N"


@dataclass
class ClassReport:
    labels: list[str]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    macro_f1: float
    accuracy: float
    confusion: dict[str, Counter[str]] = field(default_factory=dict)

    def format(self, title: str) -> str:
        lines = [f"== {title}", f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}{'n':>7}"]
        for lb in self.labels:
            lines.append(
                f"{lb:<14}{self.precision[lb]:>7.3f}{self.recall[lb]:>7.3f}{self.f1[lb]:>7.3f}{self.support[lb]:>7}"
            )
        lines.append(f"macro-F1 {self.macro_f1:.3f}  accuracy {self.accuracy:.3f}")
        predicted = sorted({p for row in self.confusion.values() for p in row} | set(self.labels))
        lines.append("confusion (rows = gold, cols = predicted)")
        lines.append(" " * 14 + "".join(f"{p[:6]:>7}" for p in predicted))
        for lb in self.labels:
            lines.append(f"{lb:<14}" + "".join(f"{self.confusion[lb][p]:>7}" for p in predicted))
        return "\n".join(lines)


def class_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None) -> ClassReport:
    labels = sorted(set(gold)) if labels is None else list(labels)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    predicted = Counter(pred)
    precision, recall, f1, support = {}, {}, {}, {}
    for lb in labels:
        tp = confusion[lb][lb]
        support[lb] = sum(confusion[lb].values())
        precision[lb] = tp / predicted[lb] if predicted[lb] else 0.0
        recall[lb] = tp / support[lb] if support[lb] else 0.0
        s = precision[lb] + recall[lb]
        f1[lb] = 2 * precision[lb] * recall[lb] / s if s else 0.0
    macro = sum(f1.values()) / len(labels) if labels else 0.0
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0
    return ClassReport(list(labels), precision, recall, f1, support, macro, accuracy, dict(confusion))


def binary_scores(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    negatives = sum(not g for g in gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fp / negatives if negatives else 0.0}


def expected_calibration_error(gold: Sequence[bool], prob: Sequence[float], bins: int = 10) -> float:
    """ECE of the fraud probability: mean |accuracy - confidence| over equal-width bins, weighted."""
    buckets: dict[int, list[tuple[bool, float]]] = defaultdict(list)
    for g, p in zip(gold, prob, strict=True):
        buckets[min(int(p * bins), bins - 1)].append((g, p))
    total = len(gold)
    ece = 0.0
    for items in buckets.values():
        frac_pos = sum(g for g, _ in items) / len(items)
        confidence = sum(p for _, p in items) / len(items)
        ece += len(items) / total * abs(frac_pos - confidence)
    return ece


def predicted_code(v: Verdict) -> str:
    return v.type_code if v.is_fraud and v.type_code else NOT_FRAUD


ENTITY_KINDS_EVALUATED = frozenset(
    {"mobile", "landline", "service_number", "url", "bank_card", "id_number", "qq", "wechat"}
)


def _entity_key(kind: str, value: str) -> tuple[str, str]:
    if kind == "url":
        host = host_of(value)
        return kind, host[4:] if host.startswith("www.") else host
    return kind, value.upper() if kind == "id_number" else value.lower()


def entity_scores(items: Sequence[dict[str, Any]], verdicts: Sequence[Verdict]) -> dict[str, float]:
    """Micro P/R/F1 over (kind, value) of valid entities of the evaluated kinds (gold labels of other
    kinds, e.g. `app` or deliberately invalid numbers, are not counted); counts invalid IDs/cards
    reported valid."""
    tp = fp = fn = 0
    invalid_accepted = 0
    for item, v in zip(items, verdicts, strict=True):
        gold = Counter(_entity_key(k, val) for k, val in item.get("entities", []) if k in ENTITY_KINDS_EVALUATED)
        found = Counter(
            _entity_key(str(e.kind), e.value) for e in v.entities if e.valid and str(e.kind) in ENTITY_KINDS_EVALUATED
        )
        tp += sum((gold & found).values())
        fp += sum((found - gold).values())
        fn += sum((gold - found).values())
        from fanzha.detect.checksums import luhn_valid, resident_id_valid

        for e in v.entities:
            if e.valid and (
                (e.kind == "bank_card" and not luhn_valid(e.value))
                or (e.kind == "id_number" and not resident_id_valid(e.value))
            ):
                invalid_accepted += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "invalid_accepted": invalid_accepted}


def evaluate_realistic(detector: Detector, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    verdicts = detector.detect_batch([str(it["text"]) for it in items])
    gold = [bool(it["is_fraud"]) for it in items]
    pred = [v.is_fraud for v in verdicts]
    evasion = [(g, p) for it, g, p in zip(items, gold, pred, strict=True) if it["category"] == "evasion"]
    hard_neg = [p for it, p in zip(items, pred, strict=True) if str(it["category"]).startswith("hn_")]
    fraud_pairs = [(it["type_code"], v) for it, v in zip(items, verdicts, strict=True) if it["is_fraud"]]
    detected = [(c, v) for c, v in fraud_pairs if v.is_fraud]
    errors = [
        {"id": it["id"], "gold": it["type_code"] or NOT_FRAUD, "pred": predicted_code(v),
         "p": v.probability, "text": it["text"]}
        for it, v in zip(items, verdicts, strict=True)
        if (it["type_code"] or NOT_FRAUD) != predicted_code(v)
    ]  # fmt: skip
    return {
        "n": len(items),
        "binary": binary_scores(gold, pred),
        "evasion_recall": sum(p for _, p in evasion) / len(evasion) if evasion else 0.0,
        "hard_negative_fpr": sum(hard_neg) / len(hard_neg) if hard_neg else 0.0,
        "type_accuracy_detected": sum(c == v.type_code for c, v in detected) / len(detected) if detected else 0.0,
        "type_accuracy_all": sum(c == v.type_code for c, v in fraud_pairs) / len(fraud_pairs) if fraud_pairs else 0.0,
        "ece": expected_calibration_error(gold, [v.probability for v in verdicts]),
        "entities": entity_scores(items, verdicts),
        "types": class_report([it["type_code"] or NOT_FRAUD for it in items], [predicted_code(v) for v in verdicts]),
        "errors": errors,
    }


def stratified_split(labels: Sequence[str], test_share: float = 0.2, seed: int = 42) -> tuple[list[int], list[int]]:
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, lb in enumerate(labels):
        by_label[lb].append(i)
    rng = random.Random(seed)
    train: list[int] = []
    test: list[int] = []
    for lb in sorted(by_label):
        idx = by_label[lb][:]
        rng.shuffle(idx)
        k = round(len(idx) * test_share)
        test.extend(idx[:k])
        train.extend(idx[k:])
    return sorted(train), sorted(test)
