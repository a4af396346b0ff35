"""The shipped model on the second held-out set (tests/detect/data/holdout2.jsonl).

holdout2 was written (fresh wording, every type, evasions, hard negatives) after the first held-out set
had been read and before the third round of lexicon/generator work; it was evaluated once on the
model of round two and once on the model of round three, and its errors were never used to choose
phrases or templates in round three (docs/detect.md has both results and the no-overlap rule). Round four
did use its errors, so since then holdout3.jsonl is the clean set. Floors sit just under
the measured figures so a regression fails loudly; they must never be raised by tuning on this set.
"""

from pathlib import Path

import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic
from fanzha.detect.lexicon import LEXICON
from fanzha.detect.normalize import normalize

HOLDOUT2 = Path(__file__).parent / "data" / "holdout2.jsonl"
# Measured (docs/detect.md): round-two model F1 0.842, evasion recall 0.812, hard-negative FPR 0.052, type
# accuracy 0.857; round-three model (shipped) F1 0.842, evasion 0.812, FPR 0.052, type accuracy 0.870,
# entity F1 0.986; after round four (which used its errors) F1 0.848. Issue targets F1 0.95 / evasion 0.90 /
# FPR 0.03 are not met on this set.
FLOORS = {"f1": 0.82, "evasion": 0.75, "hn_fpr": 0.07, "type": 0.84, "entity_f1": 0.95}
# Phrases added in round three (after holdout2 was written) start here in LEXICON.
ROUND_THREE_FIRST_PHRASE = "身上钱不够"


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_realistic(Detector(), load_realistic(HOLDOUT2))


def test_holdout2_covers_every_type_and_hard_negative_kind() -> None:
    items = load_realistic(HOLDOUT2)
    assert len(items) >= 190
    assert {it["type_code"] for it in items if it["is_fraud"]} >= {f"F{i:02d}" for i in range(1, 13)} | {"F99"}
    kinds = {it["category"] for it in items}
    assert {"evasion", "fbs", "call", "chat", "sms"} <= kinds
    assert {"hn_police", "hn_bank", "hn_code", "hn_news", "hn_ad", "hn_family", "hn_delivery", "hn_service"} <= kinds


def test_no_round_three_phrase_was_copied_from_holdout2() -> None:
    texts = [normalize(str(it["text"])).text for it in load_realistic(HOLDOUT2)]
    phrases = [c.phrase for c in LEXICON]
    start = phrases.index(ROUND_THREE_FIRST_PHRASE)
    round_three = [c.phrase for c in LEXICON[start:] if c.weight > 0]
    assert [p for p in round_three if any(p in t for t in texts)] == []


def test_holdout2_binary_f1(result: dict) -> None:
    assert result["binary"]["f1"] >= FLOORS["f1"]


def test_holdout2_evasion_recall(result: dict) -> None:
    assert result["evasion_recall"] >= FLOORS["evasion"]


def test_holdout2_hard_negative_fpr(result: dict) -> None:
    assert result["hard_negative_fpr"] <= FLOORS["hn_fpr"]


def test_holdout2_type_accuracy(result: dict) -> None:
    assert result["type_accuracy_detected"] >= FLOORS["type"]


def test_holdout2_entities_and_no_checksum_invalid_ids_or_cards(result: dict) -> None:
    assert result["entities"]["f1"] >= FLOORS["entity_f1"]
    assert result["entities"]["invalid_accepted"] == 0
