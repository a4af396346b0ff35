"""The shipped model on the held-out set (tests/detect/data/holdout.jsonl).

The holdout set was written after the first model shipped and never used to choose lexicon phrases,
generator templates or thresholds; it was evaluated once before and once after the second round of
improvements (docs/detect.md has both). Floors sit just under the measured figures so a regression
fails loudly; they must never be raised by tuning on this set.
"""

from pathlib import Path

import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic

HOLDOUT = Path(__file__).parent / "data" / "holdout.jsonl"
# Measured after the third round (docs/detect.md): F1 0.934, evasion recall 0.882, hard-negative FPR 0.032,
# type accuracy 0.889 (0.929 after round two: the round-three model routes more of these to neighbouring
# types), entity F1 1.0. Issue targets F1 0.95 / FPR 0.03 / evasion 0.90 are not met here. Since round
# three this set is no longer untouched (its errors were listed in docs/detect.md); holdout2.jsonl is.
FLOORS = {"f1": 0.91, "evasion": 0.85, "hn_fpr": 0.045, "type": 0.87, "entity_f1": 0.95}


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_realistic(Detector(), load_realistic(HOLDOUT))


def test_holdout_covers_every_type_and_hard_negative_kind() -> None:
    items = load_realistic(HOLDOUT)
    assert len(items) >= 200
    assert {it["type_code"] for it in items if it["is_fraud"]} >= {f"F{i:02d}" for i in range(1, 13)}
    kinds = {it["category"] for it in items}
    assert {"evasion", "fbs", "call", "chat", "sms"} <= kinds
    assert {"hn_police", "hn_bank", "hn_code", "hn_news", "hn_ad", "hn_family", "hn_delivery"} <= kinds


def test_holdout_binary_f1(result: dict) -> None:
    assert result["binary"]["f1"] >= FLOORS["f1"]


def test_holdout_evasion_recall(result: dict) -> None:
    assert result["evasion_recall"] >= FLOORS["evasion"]


def test_holdout_hard_negative_fpr(result: dict) -> None:
    assert result["hard_negative_fpr"] <= FLOORS["hn_fpr"]


def test_holdout_type_accuracy(result: dict) -> None:
    assert result["type_accuracy_detected"] >= FLOORS["type"]


def test_holdout_entities_and_no_checksum_invalid_ids_or_cards(result: dict) -> None:
    assert result["entities"]["f1"] >= FLOORS["entity_f1"]
    assert result["entities"]["invalid_accepted"] == 0
