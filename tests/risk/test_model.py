"""The optional trained score: a small packaged artifact, a dot product at scoring time, its
score and top reasons exposed to the rules as `model_score`, retrained deterministically."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fanzha.risk.cli import app
from fanzha.risk.engine import Scorer
from fanzha.risk.features import Transfer
from fanzha.risk.model import INPUTS, MODEL_FILE, Example, LogisticModel, fit, packaged_model
from tests.risk.builders import card

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def tr(n: int, amount_fen: int, *, payer: str = "P", payee: str = "Q", minutes: float = 0,
       **kw: object) -> Transfer:
    return Transfer(id=f"t{n}", at=T0 + timedelta(minutes=minutes), amount_fen=amount_fen, payer=payer, payee=payee,
                    **kw)  # type: ignore[arg-type]


def test_the_packaged_model_is_a_few_kilobytes_of_json_scored_without_numpy_or_sklearn() -> None:
    assert MODEL_FILE.stat().st_size < 8_000
    doc = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert doc["kind"] == "logistic" and [tuple(x) for x in doc["inputs"]] == list(INPUTS)
    assert doc["meta"]["trained_on"]["simulator_seeds"] == [5, 6, 7]
    assert doc["meta"]["train_normal_flagged"] <= 0.019
    probe = ("import sys, fanzha.risk.engine as e; e.Scorer().decide(__import__('fanzha.risk.features', "
             "fromlist=['x']).Transfer('a', __import__('datetime').datetime.now(__import__('datetime').UTC), 100, "
             "'p', 'q')); print('sklearn' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_scam_shaped_transfer_is_held_with_the_model_reason_naming_its_top_features() -> None:
    _, verdict = Scorer().decide(tr(1, 300_000, screen_sharing=True))
    assert verdict.decision == "hold"  # screen sharing 45 + model 35
    model_reason = next(r for r in verdict.reasons if r.startswith("模型评分"))
    assert model_reason.startswith("模型评分 0.9")
    assert "首次向该收款人转账" in model_reason and "屏幕共享/远程控制中" in model_reason


def test_without_the_model_the_score_is_absent_and_the_model_rule_never_fires() -> None:
    f, verdict = Scorer(model=None).decide(tr(1, 300_000, screen_sharing=True))
    assert f["model_score"] is None and "model_reasons" not in f
    assert verdict.decision == "verify"
    assert not any(e.hit for e in verdict.executions if e.code == "R16")


def test_an_everyday_payment_to_a_known_payee_scores_low_and_carries_no_reason() -> None:
    scorer = Scorer()
    for day in range(5):
        scorer.decide(tr(day, 20_000, minutes=day * 24 * 60, device="d1"))
    f, verdict = scorer.decide(tr(9, 20_000, minutes=5 * 24 * 60, device="d1"))
    assert f["model_score"] < 0.2 and f["model_reasons"] == ""
    assert verdict.decision == "allow"


def test_the_artifact_round_trips_and_a_broken_one_is_refused() -> None:
    model = packaged_model()
    assert model is not None
    again = LogisticModel.from_json(model.to_json())
    features = Scorer(model=None).features(tr(1, 1_500_000, on_call=True))
    assert again.assess(features) == model.assess(features)
    doc = json.loads(model.to_json())
    doc["weights"] = doc["weights"][:-1]
    with pytest.raises(ValueError, match="inconsistent"):
        LogisticModel.from_json(json.dumps(doc))


def _synthetic(n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        fraud = rng.random() < 0.05
        features = {"first_to_payee": rng.random() < (0.8 if fraud else 0.1),
                    "on_call": rng.random() < (0.4 if fraud else 0.03),
                    "amount_fen": int(rng.lognormvariate(13 if fraud else 10, 1)),
                    "count_7d": rng.randint(1, 3 if fraud else 20)}
        out.append(Example(features, 40 if fraud and rng.random() < 0.3 else 0, fraud))
    return out


def test_training_is_deterministic_and_its_operating_point_respects_the_budget() -> None:
    rows = _synthetic(4_000, 1)
    first, second = fit(rows, verify_at=35, budget=0.02), fit(rows, verify_at=35, budget=0.02)
    assert first.to_json() == second.to_json()
    flagged = [r.rules_score >= 35 or first.score(r.features) >= 0.5 for r in rows]
    normal = [f for f, r in zip(flagged, rows, strict=True) if not r.is_fraud]
    fraud = [f for f, r in zip(flagged, rows, strict=True) if r.is_fraud]
    assert sum(normal) / len(normal) <= 0.02 + 1e-3  # rounding of the stored score to 3 decimals
    assert sum(fraud) / len(fraud) > 0.5
    assert first.meta["train_normal_flagged"] <= 0.02


def test_fanzha_risk_train_writes_an_artifact_the_cli_scorer_can_use(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", "--seeds", "9", "--residents", "2000", "--days", "7",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已写入" in result.output and "召回" in result.output
    trained = LogisticModel.from_json(out.read_text(encoding="utf-8"))
    assert trained.meta["trained_on"] == {"simulator_seeds": [9], "residents": 2000, "days": 7}
    line = json.dumps({"id": "X1", "occurred_at": T0.isoformat(), "amount_fen": 300_000, "currency": "CNY",
                       "payer": {"account": card()}, "payee_account": card("622848"),
                       "screen_sharing": True})
    with_model = CliRunner().invoke(app, ["score", "--model", str(out), "--explain"], input=line + "\n")
    rules_only = CliRunner().invoke(app, ["score", "--no-model", "--explain"], input=line + "\n")
    r16 = [next(e for e in json.loads(r.output)["executions"] if e["code"] == "R16")
           for r in (with_model, rules_only)]
    assert r16[1]["hit"] is False
    assert json.loads(rules_only.output)["decision"] == "verify"
    assert "error" not in json.loads(with_model.output)
