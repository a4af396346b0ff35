"""Velocity features as incremental state, and the pure decision: tables of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fanzha.risk.engine import Scorer, default_ruleset
from fanzha.risk.features import HashedAccountSet, Transfer, VelocityState
from fanzha.risk.scoring import evaluate

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def tr(n: int, minutes: float, amount_yuan: int = 500, payer: str = "A", payee: str = "P", **kw: object) -> Transfer:
    return Transfer(id=f"t{n}", at=T0 + timedelta(minutes=minutes), amount_fen=amount_yuan * 100, payer=payer,
                    payee=payee, **kw)  # type: ignore[arg-type]


def run(*transfers: Transfer) -> dict[str, object]:
    state = VelocityState(risk_list=HashedAccountSet({"LISTED"}))
    for t in transfers[:-1]:
        state.apply(t)
    return state.features(transfers[-1])


@pytest.mark.parametrize(("history", "feature", "expected"), [
    # sliding windows include the transfer itself and only what happened before it
    ([tr(1, 0), tr(2, 30), tr(3, 50)], "count_1h", 3),
    ([tr(1, 0), tr(2, 70)], "count_1h", 1),
    ([tr(1, 0), tr(2, 70)], "count_24h", 2),
    ([tr(1, 0, 300), tr(2, 60 * 30, 200)], "amount_24h_fen", 20_000),
    ([tr(1, 0, 300), tr(2, 60 * 30, 200)], "amount_7d_fen", 50_000),
    ([tr(1, 0), tr(2, 60 * 24 * 8)], "count_7d", 1),
    # relationship with the payee
    ([tr(1, 0)], "first_to_payee", True),
    ([tr(1, 0, payee="Q"), tr(2, 10, payee="P")], "first_to_payee", True),
    ([tr(1, 0), tr(2, 10)], "first_to_payee", False),
    ([tr(1, 0, 3000), tr(2, 60 * 24 * 2, 4000)], "to_payee_amount_7d_fen", 700_000),
    ([tr(1, 0), tr(2, 60 * 24 * 3)], "payee_relation_days", 3),
    # mule pattern: distinct payers into one payee within 24 hours
    ([tr(1, 0, payer="B"), tr(2, 5, payer="C"), tr(3, 9, payer="B"), tr(4, 10)], "payee_payers_24h", 3),
    ([tr(1, 0, payer="B"), tr(2, 60 * 25)], "payee_payers_24h", 1),
    # amount against the payer's own habit
    ([tr(1, 0, 100), tr(2, 10, 300), tr(3, 20, 2000)], "amount_ratio", 10.0),
    ([tr(1, 0)], "amount_ratio", None),
    # split transfers just under a limit (49,000 and 9,500 are within 10% under 5万 and 1万)
    ([tr(1, 0, 49_000), tr(2, 5, 9_500)], "near_limit_count_24h", 2),
    ([tr(1, 0, 30_000), tr(2, 5, 9_500)], "near_limit_count_24h", 1),
    # devices, night, risk list, profile
    ([tr(1, 0, device="d1"), tr(2, 5, device="d2")], "new_device", True),
    ([tr(1, 0, device="d1"), tr(2, 5, device="d1")], "new_device", False),
    ([tr(1, 0, device="d1")], "new_device", False),
    ([tr(1, 60 * 14)], "night", True),  # 00:00 in Shanghai
    ([tr(1, 0)], "night", False),
    ([tr(1, 0, payee="LISTED")], "payee_on_risk_list", True),
    ([tr(1, 0, payer_age=66)], "payer_elderly", True),
    ([tr(1, 0, payer_tags=("老人",))], "payer_elderly", True),
    ([tr(1, 0, payer_age=40)], "payer_elderly", False),
    ([tr(1, 0, screen_sharing=True)], "any_remote", True),
])
def test_feature_table(history: list[Transfer], feature: str, expected: object) -> None:
    assert run(*history)[feature] == expected


def test_applying_the_same_transfer_twice_changes_nothing() -> None:
    state = VelocityState()
    first = tr(1, 0, 1000)
    assert state.apply(first) is True
    assert state.apply(first) is False
    assert state.features(tr(2, 1))["count_1h"] == 2


def test_a_late_transfer_sees_only_its_past_and_later_ones_see_it() -> None:
    state = VelocityState()
    state.apply(tr(1, 120, 100))
    late = tr(2, 0, 200)
    assert state.features(late)["count_24h"] == 1
    state.apply(late)
    assert state.features(tr(3, 121, 300))["amount_24h_fen"] == 60_000


def test_prune_forgets_old_payers_but_keeps_recent_ones() -> None:
    state = VelocityState()
    state.apply(tr(1, 0, payer="old"))
    state.apply(tr(2, 60 * 24 * 100, payer="new"))
    assert state.prune() == 1
    assert state.features(tr(3, 60 * 24 * 100 + 1, payer="new"))["payer_first_seen"] is False


@pytest.mark.parametrize(("features", "decision", "reason"), [
    ({}, "allow", None),
    ({"payee_on_risk_list": True}, "block", "收款账户在涉诈账户名单中"),
    ({"any_remote": True}, "verify", "转账时手机处于屏幕共享/远程控制状态"),
    ({"any_remote": True, "on_call": True, "amount_fen": 1_000_000}, "hold", "边通话边转账（金额 10,000元）"),
    ({"near_limit_count_24h": 3}, "allow", None),  # 30 alone is under verify (35): the model must agree
    ({"near_limit_count_24h": 3, "model_score": 0.3}, "allow", None),
    ({"near_limit_count_24h": 3, "model_score": 0.62, "model_reasons": "24小时内3笔贴近限额"}, "hold",
     "24 小时内 3 笔金额贴近限额，疑似拆分转账规避限额"),
    ({"model_score": 0.93, "model_reasons": "首次向该收款人转账、收款账户24小时内6人转入"}, "verify",
     "模型评分 0.93：首次向该收款人转账、收款账户24小时内6人转入"),
    ({"payee_payers_24h": 8, "first_to_payee": True, "amount_fen": 300_000}, "verify", "疑似过渡（跑分）账户"),
    ({"any_remote": True, "checklist_answered": True, "checklist_points": 0}, "allow", "柜面问询未发现诈骗特征"),
])
def test_decision_table(features: dict[str, object], decision: str, reason: str | None) -> None:
    base: dict[str, object] = {"amount_fen": 10_000, "first_to_payee": False, "checklist_answered": False,
                               "checklist_points": 0, "checklist_red_flags": 0}
    verdict = evaluate(default_ruleset(), {**base, **features})
    assert verdict.decision == decision
    assert len(verdict.executions) == len(default_ruleset().rules)
    if reason:
        assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_the_scorer_marks_a_held_payee_for_the_next_payer() -> None:
    scorer = Scorer(state=VelocityState(risk_list=HashedAccountSet()))
    scorer.decide(tr(1, 0, 20_000, payer="V1", screen_sharing=True, on_call=True, payer_age=70))
    _, verdict = scorer.decide(tr(2, 30, 5_000, payer="V2"))
    assert any("已有 1 笔转入被预警" in r for r in verdict.reasons)
