"""The shipped model on the hand-written held-out sets (tests/detect/data/holdout*.jsonl).

Each set was written before the round it measured and evaluated once before and once after it
(docs/detect.md has every figure and the history). Once a round reads a set's errors, the set becomes
development data and the next one is the honest figure:
- holdout (205): after the first model; errors listed in round three.
- holdout2 (197): before round three; errors used by round four (test_holdout2.py keeps its no-copy rule).
- holdout3 (100): before round four; errors used by round five.
- holdout4 (208): by an independent author who read none of our code or sets; before round five;
  errors used by round six.
- holdout5 (219): by a second independent author, before round six; errors used by round seven.
- holdout6 (218): by a third independent author, before round seven; errors used by round eight.
- holdout7 (228) and holdout8 (221): by a fourth and a fifth independent author, written at once before round
  eight; holdout7's errors were used by round eight, holdout8's by round nine.
- holdout9 (220) and holdout10 (220): by a sixth and a seventh independent author, written at once before
  round nine and scored once with round eight and once with round nine (its honest figure); their errors
  were read by round ten, which was not shipped.
- holdout11 (221) and holdout12 (225): by an eighth and a ninth independent author, written at once before
  round ten, scored with round nine (shipped) and round ten; their errors were read by round eleven.
- holdout13-16 (221, 220, 220, 220): by four more independent authors; 13/14 written before round eleven
  (two of its candidate fits were also compared on them: docs/detect.md), 15/16 during it (never used to
  choose anything); scored with round nine and round eleven. Round twelve read
  holdout13/14's errors and trains on them; holdout15/16 were scored with round twelve, then read by round
  thirteen, which trains on them.
- holdout17/18 (220 each): by two more independent authors, written after round twelve was shipped; scored with
  round nine, round twelve and round thirteen; read by round fourteen, which trains on them.
- holdout19-22 (220 each): by four more independent authors, written before round fourteen changed anything;
  scored once with round thirteen and once with round fourteen (their honest figures); read by round fifteen,
  which trains on them.
- holdout23-26 (220 each): by four more independent authors, written during round fourteen, before round
  fifteen; scored once with round fourteen and once with round fifteen, never read: **the clean sets**.
From round nine the hand-written sets whose errors a round has read also train the shipped model
(corpora.HAND_TRAINING_SETS: up to holdout22 from round fifteen), so their figures are in-sample; holdout23-26
are never trained on. Floors sit just under the measured figures so a regression fails loudly; they are
regression guards, never to be raised by tuning on a set. The issue's targets (F1 0.95, evasion recall 0.90,
hard-negative FPR 0.03, type accuracy 0.85, entity F1 0.95): on the clean sets holdout23-26 round fifteen meets
evasion and entity F1 on all four, FPR on three (not holdout26, 4 of 100), type accuracy on three (not
holdout26, 0.833), F1 on two (0.948 and 0.939 on holdout23/24); pooled over the 880 texts F1 0.95 and FPR
2.25% (docs/detect.md has the exact figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.evaluation import evaluate_realistic

DATA = Path(__file__).parent / "data"
EVERY_TYPE = {f"F{i:02d}" for i in range(1, 13)}
FRAUD_KINDS = {"evasion", "fbs", "call", "chat", "sms"}
HARD_NEGATIVE_KINDS = {"hn_police", "hn_bank", "hn_code", "hn_news", "hn_ad", "hn_family", "hn_delivery",
                       "hn_service"}


@dataclass(frozen=True)
class HeldOut:
    name: str
    min_items: int
    f1: float
    evasion: float
    hn_fpr: float
    type_accuracy: float
    entity_f1: float
    has_f99: bool = True
    measured: str = ""  # the figures the floors sit under


SETS = [
    HeldOut("holdout", 200, f1=0.91, evasion=0.85, hn_fpr=0.045, type_accuracy=0.87, entity_f1=0.95, has_f99=False,
            measured="round three: F1 0.934, evasion 0.882, FPR 0.032, type 0.889, entity 1.0; round six 0.972"),
    HeldOut("holdout2", 190, f1=0.82, evasion=0.75, hn_fpr=0.07, type_accuracy=0.84, entity_f1=0.95,
            measured="round three: F1 0.842, evasion 0.812, FPR 0.052, type 0.870, entity 0.986; round six 0.932"),
    HeldOut("holdout3", 100, f1=0.80, evasion=0.75, hn_fpr=0.09, type_accuracy=0.84, entity_f1=0.95,
            measured="round four: F1 0.837, evasion 0.833, FPR 0.065, type 0.878, entity 1.0; round six 0.962"),
    HeldOut("holdout4", 200, f1=0.84, evasion=0.80, hn_fpr=0.19, type_accuracy=0.76, entity_f1=0.93,
            measured="round five (honest): F1 0.866, evasion 0.857, FPR 0.156, type 0.794, entity 0.951; "
                     "round six (read its errors): F1 0.935, FPR 0.021, type 0.780"),
    HeldOut("holdout5", 210, f1=0.83, evasion=0.80, hn_fpr=0.09, type_accuracy=0.83, entity_f1=0.92,
            measured="round six (honest): F1 0.854 (P 0.929 / R 0.791), evasion 0.842, FPR 0.067, type 0.857, "
                     "entity 0.938 (0.988 after the extraction fixes that read its misses); "
                     "round seven (read its errors): F1 0.955, FPR 0.010, evasion 1.0, type 0.868, entity 0.994"),
    HeldOut("holdout6", 210, f1=0.90, evasion=0.80, hn_fpr=0.04, type_accuracy=0.85, entity_f1=0.93,
            measured="round seven (honest): F1 0.924 (P 0.981 / R 0.874), evasion 0.850, FPR 0.020, type 0.875, "
                     "entity 0.952; round four 0.899, round six 0.920; round eight (read its errors): F1 0.938, "
                     "type 0.925, entity 0.973"),
    HeldOut("holdout7", 220, f1=0.94, evasion=0.85, hn_fpr=0.05, type_accuracy=0.94, entity_f1=0.96,
            measured="round seven (honest): F1 0.910 (P 0.949 / R 0.874), evasion 0.833, FPR 0.059, type 0.847, "
                     "entity 0.894; round eight (read its errors): F1 0.960, evasion 0.875, FPR 0.030, type 0.967, "
                     "entity 0.979"),
    HeldOut("holdout8", 215, f1=0.90, evasion=0.70, hn_fpr=0.06, type_accuracy=0.81, entity_f1=0.89,
            measured="round seven (honest): F1 0.912, evasion 0.739, FPR 0.040, type 0.837, entity 0.874; "
                     "round eight (honest): F1 0.917 (P 0.963 / R 0.875), evasion 0.739, FPR 0.040, type 0.838, "
                     "entity 0.915; round nine (read its errors, trained on it): F1 0.949, FPR 0.030, type 0.919"),
    HeldOut("holdout9", 215, f1=0.90, evasion=0.75, hn_fpr=0.10, type_accuracy=0.90, entity_f1=0.95,
            measured="round eight (honest): F1 0.908, evasion 0.840, FPR 0.110, type 0.936, entity 0.962; "
                     "round nine (honest): F1 0.924 (P 0.932 / R 0.917), evasion 0.800, FPR 0.080, type 0.936, "
                     "entity 0.975"),
    HeldOut("holdout10", 215, f1=0.90, evasion=0.92, hn_fpr=0.09, type_accuracy=0.89, entity_f1=0.95,
            measured="round eight (honest): F1 0.908, evasion 0.960, FPR 0.100, type 0.861, entity 0.957; "
                     "round nine (honest): F1 0.928 (P 0.940 / R 0.917), evasion 0.960, FPR 0.070, type 0.918, "
                     "entity 0.970"),
    HeldOut("holdout11", 215, f1=0.91, evasion=0.92, hn_fpr=0.06, type_accuracy=0.92, entity_f1=0.94,
            measured="round nine (honest): F1 0.931 (P 0.964 / R 0.900), evasion 0.960, FPR 0.040, type 0.944, "
                     "entity 0.951"),
    HeldOut("holdout12", 215, f1=0.92, evasion=0.88, hn_fpr=0.07, type_accuracy=0.92, entity_f1=0.94,
            measured="round nine (honest): F1 0.938 (P 0.958 / R 0.919), evasion 0.923, FPR 0.049, type 0.947, "
                     "entity 0.961"),
    HeldOut("holdout13", 215, f1=0.90, evasion=0.84, hn_fpr=0.06, type_accuracy=0.89, entity_f1=0.95,
            measured="round nine: F1 0.896 (P 0.945 / R 0.851), evasion 0.808, FPR 0.060; round eleven (honest): "
                     "F1 0.922 (P 0.964 / R 0.884), evasion 0.885, FPR 0.040, type 0.916, entity 0.967; "
                     "round twelve read its errors and trains on it"),
    HeldOut("holdout14", 215, f1=0.88, evasion=0.80, hn_fpr=0.08, type_accuracy=0.86, entity_f1=0.95,
            measured="round nine: F1 0.851 (P 0.931 / R 0.783), evasion 0.720, FPR 0.070; round eleven (honest): "
                     "F1 0.900 (P 0.945 / R 0.858), evasion 0.840, FPR 0.060, type 0.893, entity 0.977; "
                     "round twelve read its errors and trains on it"),
    HeldOut("holdout15", 215, f1=0.94, evasion=0.87, hn_fpr=0.04, type_accuracy=0.88, entity_f1=0.96,
            measured="round nine: F1 0.944 (P 0.973 / R 0.917), FPR 0.030; round eleven: F1 0.953 (P 0.982 / "
                     "R 0.925), evasion 0.917, FPR 0.020, type 0.901; round twelve (honest): F1 0.962 (P 0.983 / "
                     "R 0.942), evasion 0.917, FPR 0.020, type 0.912, entity 0.986; round thirteen read its errors and "
                     "trains on it"),
    HeldOut("holdout16", 215, f1=0.93, evasion=0.80, hn_fpr=0.04, type_accuracy=0.86, entity_f1=0.95,
            measured="round nine: F1 0.912 (P 0.963 / R 0.867), evasion 0.680, FPR 0.040; round eleven: F1 0.931 "
                     "(P 0.964 / R 0.900), evasion 0.760, FPR 0.040, type 0.917; round twelve (honest): F1 0.957 "
                     "(P 0.982 / R 0.933), evasion 0.840, FPR 0.020, type 0.893, entity 0.976 (a first fit with "
                     "one lexicon phrase more: 0.939 / 0.720 / 0.020 / 0.917); round thirteen read its errors "
                     "and trains on it"),
    HeldOut("holdout17", 215, f1=0.93, evasion=0.92, hn_fpr=0.08, type_accuracy=0.90, entity_f1=0.94,
            measured="round nine: F1 0.845 (P 0.875 / R 0.817), evasion 0.640, FPR 0.140; round twelve: F1 0.908, "
                     "FPR 0.100; round thirteen (honest): F1 0.912 (P 0.916 / R 0.908), evasion 0.720, FPR 0.100, "
                     "type 0.927, entity 0.960; round fourteen (read its errors, trains on it): F1 0.954, "
                     "evasion 0.960, FPR 0.060, type 0.930"),
    HeldOut("holdout18", 215, f1=0.92, evasion=0.92, hn_fpr=0.04, type_accuracy=0.90, entity_f1=0.96,
            measured="round nine: F1 0.887 (P 0.970 / R 0.817), evasion 0.920, FPR 0.030; round twelve: F1 0.935, "
                     "FPR 0.030; round thirteen (honest): F1 0.935 (P 0.973 / R 0.900), evasion 0.960, FPR 0.030, "
                     "type 0.917, entity 0.980; round fourteen (read its errors, trains on it): F1 0.948, "
                     "evasion 0.960, FPR 0.020, type 0.927"),
    HeldOut("holdout19", 215, f1=0.94, evasion=0.92, hn_fpr=0.06, type_accuracy=0.90, entity_f1=0.96,
            measured="round thirteen: F1 0.949 (P 0.966 / R 0.933), evasion 0.889, FPR 0.040; round fourteen "
                     "(honest): F1 0.962 (P 0.966 / R 0.958), evasion 1.000, FPR 0.040, type 0.930, entity 0.980"),
    HeldOut("holdout20", 215, f1=0.96, evasion=0.90, hn_fpr=0.02, type_accuracy=0.89, entity_f1=0.96,
            measured="round thirteen: F1 0.957 (P 0.991 / R 0.925), evasion 0.880, FPR 0.010; round fourteen "
                     "(honest): F1 0.979 (P 1.000 / R 0.958), evasion 0.960, FPR 0.000, type 0.913, entity 0.978"),
    HeldOut("holdout21", 215, f1=0.94, evasion=0.92, hn_fpr=0.05, type_accuracy=0.86, entity_f1=0.94,
            measured="round thirteen: F1 0.958 (P 0.974 / R 0.942), evasion 1.000, FPR 0.030; round fourteen "
                     "(honest): F1 0.966 (P 0.975 / R 0.958), evasion 1.000, FPR 0.030, type 0.887, entity 0.960"),
    HeldOut("holdout22", 215, f1=0.92, evasion=0.90, hn_fpr=0.06, type_accuracy=0.90, entity_f1=0.94,
            measured="round thirteen: F1 0.930 (P 0.981 / R 0.883), evasion 0.769, FPR 0.020; round fourteen "
                     "(honest): F1 0.940 (P 0.965 / R 0.917), evasion 0.962, FPR 0.040, type 0.927, entity 0.962"),
    HeldOut("holdout23", 215, f1=0.93, evasion=0.92, hn_fpr=0.03, type_accuracy=0.87, entity_f1=0.96,
            measured="round fourteen: F1 0.944 (P 0.982 / R 0.908), evasion 0.963, FPR 0.020, type 0.872, entity "
                     "0.971; round fifteen (honest): F1 0.948 (P 0.991 / R 0.908), evasion 1.000, FPR 0.010, type "
                     "0.899, entity 0.986"),
    HeldOut("holdout24", 215, f1=0.92, evasion=0.90, hn_fpr=0.03, type_accuracy=0.83, entity_f1=0.96,
            measured="round fourteen: F1 0.934 (P 0.991 / R 0.883), evasion 0.923, FPR 0.010, type 0.858, entity "
                     "0.970; round fifteen (honest): F1 0.939 (P 0.991 / R 0.892), evasion 0.962, FPR 0.010, type "
                     "0.860, entity 0.988"),
    HeldOut("holdout25", 215, f1=0.94, evasion=0.88, hn_fpr=0.05, type_accuracy=0.91, entity_f1=0.94,
            measured="round fourteen: F1 0.962 (P 0.974 / R 0.950), evasion 0.920, FPR 0.030, type 0.930, entity "
                     "0.945; round fifteen (honest): F1 0.962 (P 0.974 / R 0.950), evasion 0.920, FPR 0.030, type "
                     "0.947, entity 0.962"),
    HeldOut("holdout26", 215, f1=0.94, evasion=0.92, hn_fpr=0.06, type_accuracy=0.81, entity_f1=0.94,
            measured="round fourteen: F1 0.954 (P 0.966 / R 0.942), evasion 1.000, FPR 0.040, type 0.841, entity "
                     "0.943; round fifteen (honest): F1 0.958 (P 0.966 / R 0.950), evasion 1.000, FPR 0.040, type "
                     "0.833, entity 0.967"),
]


def items_of(held: HeldOut) -> list[dict[str, Any]]:
    return load_realistic(DATA / f"{held.name}.jsonl")


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def measured(request: pytest.FixtureRequest) -> tuple[HeldOut, dict[str, Any]]:
    held: HeldOut = request.param
    return held, evaluate_realistic(Detector(), items_of(held))


@pytest.mark.parametrize("held", SETS, ids=[s.name for s in SETS])
def test_each_set_covers_every_type_and_hard_negative_kind(held: HeldOut) -> None:
    items = items_of(held)
    assert len(items) >= held.min_items
    types = {it["type_code"] for it in items if it["is_fraud"]}
    assert types >= (EVERY_TYPE | {"F99"} if held.has_f99 else EVERY_TYPE)
    kinds = {it["category"] for it in items}
    assert kinds >= FRAUD_KINDS | HARD_NEGATIVE_KINDS


def test_binary_f1_holds(measured: tuple[HeldOut, dict[str, Any]]) -> None:
    held, result = measured
    assert result["binary"]["f1"] >= held.f1, held.measured


def test_recall_on_evasion_spellings_holds(measured: tuple[HeldOut, dict[str, Any]]) -> None:
    held, result = measured
    assert result["evasion_recall"] >= held.evasion, held.measured


def test_false_alarms_on_hard_negatives_stay_under_the_floor(measured: tuple[HeldOut, dict[str, Any]]) -> None:
    held, result = measured
    assert result["hard_negative_fpr"] <= held.hn_fpr, held.measured


def test_type_accuracy_holds(measured: tuple[HeldOut, dict[str, Any]]) -> None:
    held, result = measured
    assert result["type_accuracy_detected"] >= held.type_accuracy, held.measured


def test_entities_hold_and_no_checksum_invalid_id_or_card_is_accepted(
        measured: tuple[HeldOut, dict[str, Any]]) -> None:
    held, result = measured
    assert result["entities"]["f1"] >= held.entity_f1, held.measured
    assert result["entities"]["invalid_accepted"] == 0
