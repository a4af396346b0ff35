"""The shipped model on the project's hand-written realistic set (docs/detect.md has the figures).

Floors here sit just under the measured figures so a regression fails loudly; the issue's targets
that are not met yet are listed in docs/detect.md, not hidden by these floors.
"""

import pytest

from fanzha.detect.corpora import datasets_root, load_realistic, load_spam
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic
from fanzha.detect.generator import generate
from fanzha.detect.model import DEFAULT_MODEL_PATH

# Measured (docs/detect.md, third round): F1 0.978, evasion recall 1.0, hard-negative FPR 0.0, type
# accuracy 0.947. This set was used for development (lexicon/generator choices); the clean figures are
# those of tests/detect/data/holdout.jsonl (test_held_out_sets.py).
FLOORS = {"f1": 0.96, "evasion": 0.90, "hn_fpr": 0.02, "type": 0.92, "spam_fpr": 0.01}


@pytest.fixture(scope="module")
def result() -> dict:
    items = load_realistic()
    assert len(items) >= 250
    return evaluate_realistic(Detector(), items)


def test_every_type_and_hard_negative_kind_is_covered() -> None:
    items = load_realistic()
    assert {it["type_code"] for it in items if it["is_fraud"]} >= {f"F{i:02d}" for i in range(1, 13)}
    kinds = {it["category"] for it in items}
    assert {"evasion", "fbs", "call", "chat", "sms", "hn_police", "hn_bank", "hn_code", "hn_news"} <= kinds


def test_realistic_binary_f1(result: dict) -> None:
    assert result["binary"]["f1"] >= FLOORS["f1"]


def test_realistic_evasion_recall(result: dict) -> None:
    assert result["evasion_recall"] >= FLOORS["evasion"]


def test_realistic_hard_negative_fpr(result: dict) -> None:
    assert result["hard_negative_fpr"] <= FLOORS["hn_fpr"]


def test_realistic_type_accuracy(result: dict) -> None:
    assert result["type_accuracy_detected"] >= FLOORS["type"]


def test_realistic_entities(result: dict) -> None:
    assert result["entities"]["f1"] >= 0.95
    assert result["entities"]["invalid_accepted"] == 0


def test_shipped_model_is_small() -> None:
    assert DEFAULT_MODEL_PATH.stat().st_size < 2 * 1024 * 1024


def test_generator_is_deterministic() -> None:
    assert generate(50, seed=3) == generate(50, seed=3)


@pytest.mark.skipif(not (datasets_root() / "spam-sms-80w-subsets").is_dir(), reason="spam-sms-80w-subsets absent")
def test_ads_and_normal_sms_are_not_fraud() -> None:
    samples = load_spam(datasets_root())[:5000]
    verdicts = Detector().detect_batch([s.text for s in samples])
    fpr = sum(v.is_fraud for v in verdicts) / len(verdicts)
    assert fpr <= FLOORS["spam_fpr"]
