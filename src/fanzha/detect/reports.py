"""Printed evaluation reports behind `fanzha detect eval` (realistic set + every corpus)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fanzha.detect.corpora import CORPORA, HAND_WRITTEN_SETS, REPO_ROOT, load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import (
    NOT_FRAUD,
    binary_scores,
    class_report,
    evaluate_realistic,
    expected_calibration_error,
    predicted_code,
)
from fanzha.detect.model import LinearModel


def realistic_summary(result: dict[str, Any], name: str = "realistic.jsonl") -> str:
    b, e = result["binary"], result["entities"]
    return "\n".join(
        [
            f"== hand-written set (tests/detect/data/{name}, n={result['n']})",
            f"binary  P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}  FPR {b['fpr']:.3f}",
            f"evasion recall {result['evasion_recall']:.3f}   hard-negative FPR {result['hard_negative_fpr']:.3f}",
            f"type accuracy (detected fraud) {result['type_accuracy_detected']:.3f}"
            f"   (all fraud, misses count wrong) {result['type_accuracy_all']:.3f}",
            f"entities  P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}"
            f"  invalid IDs/cards accepted {e['invalid_accepted']}",
            f"ECE {result['ece']:.3f}",
        ]
    )


def corpus_report(detector: Detector, name: str, root: Path, limit: int | None = None) -> str:
    samples = CORPORA[name](root)
    if not samples:
        return f"== {name}: absent under {root}, skipped"
    if limit is not None and len(samples) > limit:
        step = len(samples) / limit
        samples = [samples[int(i * step)] for i in range(limit)]
    verdicts = detector.detect_batch([s.text for s in samples])
    gold = [s.code != NOT_FRAUD for s in samples]
    pred = [v.is_fraud for v in verdicts]
    b = binary_scores(gold, pred)
    lines = [f"== {name} (n={len(samples)}, shipped model, never trained on it unless teleantifraud)"]
    n_fraud = sum(gold)
    if n_fraud:
        lines.append(f"fraud recall {b['recall']:.3f}  (n={n_fraud})")
    if n_fraud < len(samples):
        lines.append(f"FPR on normal texts {b['fpr']:.4f}  (n={len(samples) - n_fraud})")
    lines.append(f"ECE {expected_calibration_error(gold, [v.probability for v in verdicts]):.3f}")
    codes = [s.code for s in samples]
    labels = sorted(set(codes))
    lines.append(class_report(codes, [predicted_code(v) for v in verdicts], labels).format(f"{name} DESIGN codes"))
    return "\n".join(lines)


def print_evaluation(root: Path, model_path: Path | None, corpora: bool = True) -> None:
    detector = Detector(LinearModel.load(model_path) if model_path else None)
    for name in HAND_WRITTEN_SETS:
        items = load_realistic(REPO_ROOT / "tests" / "detect" / "data" / name)
        if items:
            result = evaluate_realistic(detector, items)
            print(realistic_summary(result, name))
            print(result["types"].format(f"{name}, DESIGN codes (N = not fraud)"))
    if corpora:
        for name in CORPORA:
            print(corpus_report(detector, name, root))
