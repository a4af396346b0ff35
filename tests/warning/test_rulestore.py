"""Grading and dispatch rules published from the web: versioned with who and when, audited, used
by the running grader at its next batch, rolled back by publishing an earlier version again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fanzha.audit.models import AuditRecord
from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.errors import Forbidden, Invalid
from fanzha.core.rbac import Principal, Role
from fanzha.warning import grading, ingest, rulestore
from fanzha.warning.models import RuleFileVersion, WarningInstruction
from tests.factories import make_person, make_world
from tests.warning.helpers import signal

ALL_LOW = """
rules:
  - {id: never, level: 高, reason: 不会命中, when: {sources: [none]}}
default: {level: 低, reason: 本县试行：一律先由机器人外呼}
"""
ADMIN = Principal.for_user(user_id=1, username="admin", role=Role.ADMIN, area_code="C", area_path="/C/")


def _ingest_urgent(database: Database) -> WarningInstruction:
    with database.session() as s:
        person = make_person(s, area_code="G111")
        report = ingest.ingest(s, [signal(person_id=person.id, flags=["ongoing_call"],
                                          occurred_at=clock.now() - timedelta(minutes=3))],
                               actor=Principal.system("t"))
        w = s.get(WarningInstruction, report.items[0].warning_id)
        assert w is not None
        s.expunge(w)
        return w


def test_without_a_published_version_the_packaged_rules_apply(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        assert rulestore.grading_rules(s) is grading.default_rules()
        assert rulestore.active_source(s, "dispatch") == rulestore.packaged_source("dispatch")
    assert _ingest_urgent(database).level == "高"


def test_a_published_version_grades_the_next_batch_and_is_audited(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        row = rulestore.publish(s, actor=ADMIN, kind="grading", source=ALL_LOW, note="试行")
        assert (row.version, row.status, row.created_by) == (1, "published", "admin")
    w = _ingest_urgent(database)
    assert w.level == "低" and w.reasons == ["本县试行：一律先由机器人外呼"]
    with database.session() as s:
        audit = s.scalars(select(AuditRecord).where(AuditRecord.action == "warning.rules.publish")).one()
        assert audit.actor == "admin" and '"version": 1' in audit.detail and '"kind": "grading"' in audit.detail


def test_a_version_with_problems_is_not_saved_and_every_problem_is_named(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        with pytest.raises(Invalid) as exc:
            rulestore.publish(s, actor=ADMIN, kind="grading", source=ALL_LOW.replace("低", "很低"), note="")
        problems = exc.value.fields["source"]["problems"]
        assert any("默认等级 → 等级：取值须为" in p for p in problems)
        assert "请填写修改说明（为何修改）" in problems
        assert s.scalars(select(RuleFileVersion)).all() == []


def test_rollback_publishes_the_earlier_text_as_a_new_version(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        first = rulestore.publish(s, actor=ADMIN, kind="grading", source=ALL_LOW, note="试行")
        rulestore.publish(s, actor=ADMIN, kind="grading", source=rulestore.packaged_source("grading"), note="还原")
        back = rulestore.rollback(s, actor=ADMIN, kind="grading", version_id=first.id)
        assert (back.version, back.note, back.source) == (3, "回滚至 v1", ALL_LOW)
        statuses = {v.version: v.status for v in rulestore.list_versions(s, actor=ADMIN, kind="grading")}
        assert statuses == {3: "published", 2: "retired", 1: "retired"}
        with pytest.raises(Invalid):  # the live version cannot be "rolled back" to
            rulestore.rollback(s, actor=ADMIN, kind="grading", version_id=back.id)
        assert rulestore.grading_rules(s).default.level == "低"
        rulestore.reset_to_packaged(s, actor=ADMIN, kind="grading")
        assert rulestore.grading_rules(s) == grading.default_rules()


def test_grading_and_dispatch_versions_are_numbered_separately(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        rulestore.publish(s, actor=ADMIN, kind="grading", source=ALL_LOW, note="试行")
        dispatch_text = rulestore.packaged_source("dispatch").replace("name: 反诈中心}", "name: 反诈中心（试行）}", 1)
        row = rulestore.publish(s, actor=ADMIN, kind="dispatch", source=dispatch_text, note="改名")
        assert row.version == 1
        assert rulestore.live_version(s, "grading") is not None
        assert "反诈中心（试行）" in rulestore.dispatch_rules(s).tier_names().values()


def test_only_rule_writers_publish(database: Database) -> None:
    make_world(database)
    leader = Principal.for_user(user_id=2, username="leader", role=Role.LEADER, area_code="C", area_path="/C/")
    with database.session() as s, pytest.raises(Forbidden):
        rulestore.publish(s, actor=leader, kind="grading", source=ALL_LOW, note="x")


def test_a_dispatch_version_may_rename_tiers_but_not_drop_one_in_use(database: Database) -> None:
    make_world(database)
    packaged = rulestore.packaged_source("dispatch")
    with database.session() as s:
        with pytest.raises(Invalid) as exc:
            rulestore.publish(s, actor=ADMIN, kind="dispatch", note="合并层级",
                              source=packaged.replace("  - {code: command, name: 带班领导}\n", ""))
        assert exc.value.fields["source"]["problems"] == ["层级：不能删除使用中的层级编码 command（可改名称）"]
        renamed = packaged.replace("name: 带班领导", "name: 值班局领导")
        assert rulestore.publish(s, actor=ADMIN, kind="dispatch", source=renamed, note="改名").version == 1
