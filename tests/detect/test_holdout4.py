"""The shipped model on the fourth held-out set (tests/detect/data/holdout4.jsonl).

holdout4 (208 items) was written by a different author who read none of the lexicon, the generator,
the earlier sets or docs/detect.md, and never ran the detector; it was evaluated once on the round-four
model and once on the round-five model (docs/detect.md, "Round five"). Floors sit just under the
measured round-five figures; they are regression guards, never to be raised by tuning on this set.
"""

from pathlib import Path

import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic

HOLDOUT4 = Path(__file__).parent / "data" / "holdout4.jsonl"
# Measured (round five): F1 0.866 (P 0.866 / R 0.866), evasion recall 0.857, hard-negative FPR 0.156,
# type accuracy 0.794, entity F1 0.951. The targets (0.95 / 0.90 / 0.03 / 0.85) are not met here.
FLOORS = {"f1": 0.84, "evasion": 0.80, "hn_fpr": 0.19, "type": 0.76, "entity_f1": 0.93}


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_realistic(Detector(), load_realistic(HOLDOUT4))


def test_holdout4_covers_every_type_and_hard_negative_kind() -> None:
    items = load_realistic(HOLDOUT4)
    assert len(items) >= 200
    assert {it["type_code"] for it in items if it["is_fraud"]} >= {f"F{i:02d}" for i in range(1, 13)} | {"F99"}
    kinds = {it["category"] for it in items}
    assert {"evasion", "fbs", "call", "chat", "sms"} <= kinds
    assert {"hn_police", "hn_bank", "hn_code", "hn_news", "hn_ad", "hn_family", "hn_delivery", "hn_service"} <= kinds


def test_holdout4_binary_f1(result: dict) -> None:
    assert result["binary"]["f1"] >= FLOORS["f1"]


def test_holdout4_evasion_recall(result: dict) -> None:
    assert result["evasion_recall"] >= FLOORS["evasion"]


def test_holdout4_hard_negative_fpr(result: dict) -> None:
    assert result["hard_negative_fpr"] <= FLOORS["hn_fpr"]


def test_holdout4_type_accuracy(result: dict) -> None:
    assert result["type_accuracy_detected"] >= FLOORS["type"]


def test_holdout4_entities_and_no_checksum_invalid_ids_or_cards(result: dict) -> None:
    assert result["entities"]["f1"] >= FLOORS["entity_f1"]
    assert result["entities"]["invalid_accepted"] == 0
