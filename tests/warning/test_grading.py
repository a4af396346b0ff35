"""The grading table (DESIGN §5) and rule-file validation."""

from __future__ import annotations

import pytest

from fanzha.core.errors import Invalid
from fanzha.warning import dispatch, grading
from fanzha.warning.grading import Facts

F = frozenset


@pytest.mark.parametrize(("facts", "level", "reason"), [
    (Facts("telecom", 20, F({"ongoing_call"})), "高", "1 小时内与涉诈对象接触，且资金仍可能转出"),
    (Facts("app", 45, F({"remote_app"})), "高", "1 小时内与涉诈对象接触，且资金仍可能转出"),
    (Facts("bank", 600, F(), decision="hold"), "高", "银行拦截可疑转账（暂缓/拒绝），需立即劝阻"),
    (Facts("bank", 600, F(), decision="verify"), "中", "24 小时内与涉诈对象有接触"),
    (Facts("telecom", 30, F()), "中", "24 小时内与涉诈对象有接触"),
    (Facts("telecom", 90, F({"money_movement"})), "中", "24 小时内与涉诈对象有接触"),
    (Facts("app", 3000, F({"risky_url"})), "中", "下载涉诈App或访问涉诈网址"),
    (Facts("telecom", 3000, F()), "低", "接触时间较早或为间接信号"),
    (Facts("telecom", 3000, F(), tags=F({"老人"})), "中", "易受骗人群（老人），提升一级"),
    (Facts("telecom", 300, F(), tags=F({"学生"})), "高", "易受骗人群（学生），提升一级"),
    (Facts("telecom", 3000, F(), signal_count=3), "中", "同一涉诈对象多次接触（3 次），提升一级"),
    (Facts("telecom", 3000, F(), signal_count=3, tags=F({"宝妈"})), "高", "同一涉诈对象多次接触（3 次），提升一级"),
    (Facts("telecom", 10, F({"safe_account"}), tags=F({"老人"})), "高", "1 小时内与涉诈对象接触，且资金仍可能转出"),
])
def test_default_grading_table(facts: Facts, level: str, reason: str) -> None:
    g = grading.grade(facts)
    assert g.level == level
    assert reason in g.reasons


@pytest.mark.parametrize(("text", "problem"), [
    ("rules: [", "不是有效的 YAML"),
    ("rules: []\n", "default"),
    ("rules:\n- {id: x, level: 很高, reason: r, when: {}}\ndefault: {level: 低, reason: r}\n", "rules.0.level"),
    ("rules: []\ndefault: {level: 低, reason: r}\nraises:\n- {id: x, reason: r, when: {tags: [老人]}}\n",
     "raises.0.when.tags"),
])
def test_bad_grading_rules_are_refused_with_the_offending_path(text: str, problem: str) -> None:
    with pytest.raises(Invalid) as exc:
        grading.parse_rules(text)
    assert problem in exc.value.message_zh


def test_dispatch_rules_must_cover_every_level_and_name_known_tiers() -> None:
    base = "tiers: [{code: grid, name: 网格员}]\neffort_minutes: {电话: 10}\nladder:\n"
    with pytest.raises(Invalid, match="no ladder rule covers level"):
        dispatch.parse_rules(base + "- {when: {levels: [高]}, tier: grid, channel: 电话, deadlines: []}\n")
    with pytest.raises(Invalid, match="unknown tier"):
        dispatch.parse_rules(base + "- {when: {}, tier: center, channel: 电话, deadlines: []}\n")
    with pytest.raises(Invalid, match="has no SLA clock"):
        dispatch.parse_rules(base + "- {when: {}, tier: grid, channel: 电话, deadlines: "
                                    "[{step: 关闭, minutes: 5, tier: grid, label: x}]}\n")


@pytest.mark.parametrize(("level", "tier", "channel", "deadlines"), [
    ("高", "center", "电话", {"电话劝阻": 5, "已签收": 10, "上门劝阻": 30}),
    ("中", "station", "电话", {"电话劝阻": 30, "上门劝阻": 1440}),
    ("低", "grid", "机器人外呼", {"上门劝阻": 10080}),
])
def test_default_dispatch_ladder(level: str, tier: str, channel: str, deadlines: dict[str, int]) -> None:
    from datetime import UTC, datetime

    from fanzha.warning.models import Level

    at = datetime(2026, 3, 2, tzinfo=UTC)
    p = dispatch.plan(level=Level(level), source="telecom", type_code="F01", received_at=at)
    assert (p.tier, p.channel) == (tier, channel)
    assert {d.step: (d.due_at - at).total_seconds() / 60 for d in p.deadlines} == deadlines


def test_escalation_goes_one_tier_up_and_stops_at_the_top() -> None:
    rules = dispatch.default_rules()
    assert [rules.tier_above(t) for t in ("grid", "station", "center", "command")] == \
        ["station", "center", "command", "command"]
