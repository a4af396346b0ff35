"""The shipped model on the third held-out set (tests/detect/data/holdout3.jsonl).

holdout3 was written after holdout2's errors had been read and before round four, which used those
errors (look-alike brand aliases, reminder-opener guards); it was evaluated before and after round four
(docs/detect.md). Floors sit just under the measured figures; never raise them by tuning on this set.
"""

from pathlib import Path

import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic

HOLDOUT3 = Path(__file__).parent / "data" / "holdout3.jsonl"
# Measured before and after round four: F1 0.825, evasion recall 0.833, hard-negative FPR 0.065, type
# accuracy 0.875, entity F1 1.0. Issue targets F1 0.95 / evasion 0.90 / FPR 0.03 are not met here.
FLOORS = {"f1": 0.80, "evasion": 0.75, "hn_fpr": 0.09, "type": 0.84, "entity_f1": 0.95}


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_realistic(Detector(), load_realistic(HOLDOUT3))


def test_holdout3_covers_every_type_and_hard_negative_kind() -> None:
    items = load_realistic(HOLDOUT3)
    assert len(items) >= 100
    assert {it["type_code"] for it in items if it["is_fraud"]} >= {f"F{i:02d}" for i in range(1, 13)} | {"F99"}
    kinds = {it["category"] for it in items}
    assert {"evasion", "fbs", "call", "chat", "sms"} <= kinds
    assert {"hn_police", "hn_bank", "hn_code", "hn_news", "hn_ad", "hn_family", "hn_delivery", "hn_service"} <= kinds


def test_holdout3_binary_f1(result: dict) -> None:
    assert result["binary"]["f1"] >= FLOORS["f1"]


def test_holdout3_evasion_recall(result: dict) -> None:
    assert result["evasion_recall"] >= FLOORS["evasion"]


def test_holdout3_hard_negative_fpr(result: dict) -> None:
    assert result["hard_negative_fpr"] <= FLOORS["hn_fpr"]


def test_holdout3_type_accuracy(result: dict) -> None:
    assert result["type_accuracy_detected"] >= FLOORS["type"]


def test_holdout3_entities_and_no_checksum_invalid_ids_or_cards(result: dict) -> None:
    assert result["entities"]["f1"] >= FLOORS["entity_f1"]
    assert result["entities"]["invalid_accepted"] == 0
