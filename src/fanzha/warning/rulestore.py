"""Grading and dispatch rules in force: the version an admin published from the web (kept in the
database with who and when, audited), else the YAML packaged with the system. Rolling back
publishes an earlier version's text again as a new version, so the history only ever grows.

The grader and dispatcher ask here on every batch: one indexed lookup of the live version's id;
its text is parsed once per process and reused, so a publish takes effect in every worker at
its next batch, no restart."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core import clock, versions
from fanzha.core.errors import Invalid, NotFound
from fanzha.core.rbac import Permission, Principal
from fanzha.warning import dispatch, grading, rulefile
from fanzha.warning.models import RuleFileVersion


@dataclass(frozen=True)
class RuleKind:
    name_zh: str
    file: str  # packaged default, under fanzha.warning
    model: type[BaseModel]


KINDS: dict[str, RuleKind] = {
    "grading": RuleKind("预警分级规则", "rules/grading.yaml", grading.GradingRules),
    "dispatch": RuleKind("派发阶梯与时限", "rules/dispatch.yaml", dispatch.DispatchRules),
}

_lock = threading.Lock()
_parsed: dict[tuple[str, int], BaseModel] = {}  # (database url, version row id) → rules


def _kind(kind: str) -> RuleKind:
    if kind not in KINDS:
        raise Invalid("规则类别须为 grading 或 dispatch", f"unknown rule kind {kind!r}", fields={"kind": kind})
    return KINDS[kind]


def packaged_source(kind: str) -> str:
    return resources.files("fanzha.warning").joinpath(_kind(kind).file).read_text("utf-8")


def live_version(session: Session, kind: str) -> RuleFileVersion | None:
    return session.scalars(select(RuleFileVersion).where(
        RuleFileVersion.kind == kind, RuleFileVersion.status == versions.PUBLISHED)).first()


def _active(session: Session, kind: str) -> BaseModel | None:
    """The published rules of a kind, parsed (cached per row), or None when none is published."""
    row_id = session.scalar(select(RuleFileVersion.id).where(
        RuleFileVersion.kind == kind, RuleFileVersion.status == versions.PUBLISHED))
    if row_id is None:
        return None
    key = (str(session.get_bind().engine.url), int(row_id))
    hit = _parsed.get(key)
    if hit is None:
        source = session.scalar(select(RuleFileVersion.source).where(RuleFileVersion.id == row_id)) or ""
        hit = _kind(kind).model.model_validate(yaml.safe_load(source))
        with _lock:
            _parsed[key] = hit
    return hit


def grading_rules(session: Session) -> grading.GradingRules:
    active = _active(session, "grading")
    return active if isinstance(active, grading.GradingRules) else grading.default_rules()


def dispatch_rules(session: Session) -> dispatch.DispatchRules:
    active = _active(session, "dispatch")
    return active if isinstance(active, dispatch.DispatchRules) else dispatch.default_rules()


def active_source(session: Session, kind: str) -> str:
    row = live_version(session, kind)
    return row.source if row is not None else packaged_source(kind)


def check(kind: str, text: str) -> tuple[list[str], BaseModel | None]:
    """Chinese problems of an edited rules file, or the parsed rules when there are none."""
    return rulefile.problems(text, _kind(kind).model)


def list_versions(session: Session, *, actor: Principal, kind: str) -> Sequence[RuleFileVersion]:
    actor.require(Permission.RULES_WRITE)
    _kind(kind)
    return session.scalars(select(RuleFileVersion).where(RuleFileVersion.kind == kind)
                           .order_by(RuleFileVersion.version.desc())).all()


def _publish(session: Session, *, actor: Principal, kind: str, source: str, note: str,
             detail: dict[str, Any]) -> RuleFileVersion:
    row = RuleFileVersion(kind=kind, version=versions.next_version(session, RuleFileVersion,
                                                                   RuleFileVersion.kind == kind),
                          note=note, source=source, status=versions.PUBLISHED, created_by=actor.username,
                          created_at=clock.now())
    session.add(row)
    session.flush()
    versions.make_live(session, RuleFileVersion, row, RuleFileVersion.kind == kind, at=row.created_at)
    audit.record(session, actor=actor, action="warning.rules.publish", object_type="warning_rules",
                 object_id=row.id, detail={"kind": kind, "version": row.version, "note": note, **detail})
    return row


def publish(session: Session, *, actor: Principal, kind: str, source: str, note: str) -> RuleFileVersion:
    """Publish an edited rules file as the next version; nothing is saved when it has a problem."""
    actor.require(Permission.RULES_WRITE)
    problems, parsed = check(kind, source)
    if isinstance(parsed, dispatch.DispatchRules):
        # Open instructions carry tier codes (and the escalation ladder walks them): keep every code.
        dropped = set(dispatch_rules(session).tier_names()) - set(parsed.tier_names())
        if dropped:
            problems = [*problems, f"层级：不能删除使用中的层级编码 {'、'.join(sorted(dropped))}（可改名称）"]
    note = note.strip()
    if not note:
        problems = [*problems, "请填写修改说明（为何修改）"]
    if len(note) > 200:
        problems = [*problems, "修改说明最多 200 字"]
    if problems:
        raise Invalid("规则有误，未发布：" + "；".join(problems[:5]), "rules invalid, not published",
                      fields={"source": {"message_zh": "；".join(problems), "message_en": "invalid rules",
                                         "problems": problems}})
    return _publish(session, actor=actor, kind=kind, source=source, note=note, detail={})


def rollback(session: Session, *, actor: Principal, kind: str, version_id: int) -> RuleFileVersion:
    """Put an earlier version back in force (published again as the next version number)."""
    actor.require(Permission.RULES_WRITE)
    old = session.get(RuleFileVersion, version_id)
    if old is None or old.kind != kind:
        raise NotFound("规则版本", "Rule version", version_id)
    if old.status == versions.PUBLISHED:
        raise Invalid(f"{old.label} 已是生效版本，无需回滚", f"{old.label} is already in force")
    return _publish(session, actor=actor, kind=kind, source=old.source, note=f"回滚至 {old.label}",
                    detail={"rollback_to": old.version})


def reset_to_packaged(session: Session, *, actor: Principal, kind: str) -> RuleFileVersion:
    """Publish the YAML packaged with the system again (the way back from every edit)."""
    actor.require(Permission.RULES_WRITE)
    return _publish(session, actor=actor, kind=kind, source=packaged_source(kind), note="恢复系统内置规则",
                    detail={"packaged": True})
