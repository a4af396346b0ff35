"""The rule language: conditions parsed, never evaluated as Python."""

from __future__ import annotations

import pytest

from fanzha.risk.dsl import RuleSyntaxError, compile_condition, parse_ruleset, render_reason
from fanzha.risk.features import FEATURE_NAMES

NAMES = frozenset({"a", "b", "flag", "channel", "missing"})


@pytest.mark.parametrize(("expr", "features", "expected"), [
    ("a > 3", {"a": 4}, True),
    ("a >= 3 and b < 2", {"a": 3, "b": 1}, True),
    ("a >= 3 and b < 2", {"a": 3, "b": 2}, False),
    ("not flag or a == 1", {"flag": True, "a": 1}, True),
    ("(a > 1 or b > 1) and flag", {"a": 0, "b": 2, "flag": True}, True),
    ("channel in ['counter', 'atm']", {"channel": "atm"}, True),
    ("channel == \"mobile\"", {"channel": "atm"}, False),
    ("missing > 3", {}, False),  # a feature that is absent never matches
    ("a > 'x'", {"a": 1}, False),  # comparing a number with text never matches, never raises
    ("flag == true", {"flag": True}, True),
    ("a != -1.5", {"a": 2}, True),
])
def test_conditions(expr: str, features: dict[str, object], expected: bool) -> None:
    assert compile_condition(expr, NAMES)(features) is expected


@pytest.mark.parametrize(("expr", "problem"), [
    ("__import__('os').system('id')", "无法识别"),
    ("__import__ > 1", "未知特征"),
    ("a.__class__", "无法识别"),
    ("a >", "不完整"),
    ("a > 1 b", "多余"),
    ("unknown_feature > 1", "未知特征"),
    ("a in [1, flag]", "列表中只能是数字或字符串"),
    ("(a > 1", "不完整"),
])
def test_unsafe_or_broken_conditions_are_rejected(expr: str, problem: str) -> None:
    with pytest.raises(RuleSyntaxError) as err:
        compile_condition(expr, NAMES)
    assert problem in str(err.value)


def test_a_rule_set_reports_every_problem_at_once() -> None:
    text = """
thresholds: {verify: 50, hold: 40, block: 90}
rules:
  - {code: A, when: "amount_fen > 1", score: 10, reason: 甲}
  - {code: A, when: "nope > 1", score: 10, reason: 乙}
  - {code: C, when: "amount_fen > 1", score: 999, reason: 丙}
  - {code: D, when: "amount_fen > 1", score: 10}
"""
    with pytest.raises(RuleSyntaxError) as err:
        parse_ruleset(text, FEATURE_NAMES)
    problems = " ".join(err.value.problems)
    for expected in ("verify < hold < block", "编号重复", "未知特征「nope」", "score 须为", "缺少中文理由"):
        assert expected in problems


def test_reasons_fill_features_and_show_money_in_yuan() -> None:
    assert render_reason("累计 {amount_fen}，{count_1h} 笔，{unknown}", {"amount_fen": 1_234_500, "count_1h": 3}) \
        == "累计 12,345元，3 笔，{unknown}"
