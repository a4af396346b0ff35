"""Versioned rule sets: draft → backtest → publish. A decision names the version that made it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core import clock, versions
from fanzha.core.errors import Invalid, NotFound, TransitionNotAllowed
from fanzha.core.rbac import Permission, Principal
from fanzha.risk import backtest, realtime
from fanzha.risk.dsl import RuleSet, RuleSyntaxError
from fanzha.risk.engine import DEFAULT_RULES_FILE, compile_rules, default_ruleset
from fanzha.risk.models import RULESET_STATUS_ZH, RuleSetStatus, RuleSetVersion, Transaction

BACKTEST_DAYS = 90
BACKTEST_LIMIT = 200_000


def _newest_published(what: Any) -> Select[Any]:
    return select(what).where(RuleSetVersion.status == RuleSetStatus.PUBLISHED).order_by(RuleSetVersion.version.desc())


def active_ruleset(session: Session) -> RuleSet:
    row = session.scalars(_newest_published(RuleSetVersion)).first()
    return compile_rules(row.source, label=row.label) if row else default_ruleset()


def published_label(session: Session) -> str:
    """The label of the rule set in force, without compiling it (the scoring process polls this)."""
    version = session.scalars(_newest_published(RuleSetVersion.version)).first()
    return versions.version_label(version) if version is not None else default_ruleset().label


def default_source() -> str:
    return DEFAULT_RULES_FILE.read_text(encoding="utf-8")


def list_versions(session: Session, *, actor: Principal) -> Sequence[RuleSetVersion]:
    if not actor.can(Permission.RULES_WRITE):
        actor.require(Permission.RISK_SCORE)
    return session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())).all()


def get(session: Session, *, actor: Principal, ruleset_id: int) -> RuleSetVersion:
    if not actor.can(Permission.RULES_WRITE):
        actor.require(Permission.RISK_SCORE)
    row = session.get(RuleSetVersion, ruleset_id)
    if row is None:
        raise NotFound("规则版本", "Rule set", ruleset_id)
    return row


def _compile_or_422(source: str, label: str) -> RuleSet:
    try:
        return compile_rules(source, label=label)
    except RuleSyntaxError as exc:
        raise Invalid("规则有误，未保存：" + "；".join(exc.problems[:5]),
                      "rule set invalid: " + "; ".join(exc.problems),
                      fields={"source": {"message_zh": "；".join(exc.problems), "message_en": "invalid rules",
                                         "problems": exc.problems}}) from None


def create_draft(session: Session, *, actor: Principal, title: str, source: str) -> RuleSetVersion:
    actor.require(Permission.RULES_WRITE)
    version = versions.next_version(session, RuleSetVersion)
    _compile_or_422(source, f"v{version}")
    row = RuleSetVersion(version=version, title=title.strip(), source=source, status=RuleSetStatus.DRAFT,
                         created_by=actor.username, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="risk.ruleset.create", object_type="ruleset", object_id=row.id,
                 detail={"version": version, "title": row.title})
    return row


def run_backtest(session: Session, *, actor: Principal, ruleset_id: int) -> RuleSetVersion:
    """Replay the version over the stored transfers of the last 90 days; keep the result on the row."""
    actor.require(Permission.RULES_WRITE)
    row = get(session, actor=actor, ruleset_id=ruleset_id)
    ruleset = _compile_or_422(row.source, row.label)
    since = clock.now() - timedelta(days=BACKTEST_DAYS)
    stored = session.execute(select(Transaction.features, Transaction.is_fraud)
                             .where(Transaction.occurred_at >= since)
                             .order_by(Transaction.occurred_at.desc()).limit(BACKTEST_LIMIT))
    result = backtest.run(ruleset, (backtest.Labeled(f or {}, fraud) for f, fraud in stored))
    current = active_ruleset(session)
    if current.source != ruleset.source:
        stored = session.execute(select(Transaction.features, Transaction.is_fraud)
                                 .where(Transaction.occurred_at >= since)
                                 .order_by(Transaction.occurred_at.desc()).limit(BACKTEST_LIMIT))
        baseline = backtest.run(current, (backtest.Labeled(f or {}, fraud) for f, fraud in stored))
        result["baseline"] = {k: baseline[k] for k in ("ruleset", "flagged", "precision", "recall",
                                                        "normal_flagged_share", "decisions")}
    result["ran_at"] = clock.now().isoformat()
    result["days"] = BACKTEST_DAYS
    row.backtest = result
    session.flush()
    audit.record(session, actor=actor, action="risk.ruleset.backtest", object_type="ruleset", object_id=row.id,
                 detail={"precision": result["precision"], "recall": result["recall"],
                         "transactions": result["transactions"]})
    return row


def publish(session: Session, *, actor: Principal, ruleset_id: int) -> RuleSetVersion:
    """Only a backtested draft may go live; the previous version is retired."""
    actor.require(Permission.RULES_WRITE)
    row = get(session, actor=actor, ruleset_id=ruleset_id)
    if row.status != RuleSetStatus.DRAFT:
        raise TransitionNotAllowed(RULESET_STATUS_ZH[RuleSetStatus(row.status)],
                                   RULESET_STATUS_ZH[RuleSetStatus.PUBLISHED])
    if not row.backtest:
        raise Invalid("请先回测再发布", "run a backtest before publishing")
    versions.make_live(session, RuleSetVersion, row, at=clock.now())
    realtime.use_ruleset_after_commit(session, compile_rules(row.source, label=row.label))
    audit.record(session, actor=actor, action="risk.ruleset.publish", object_type="ruleset", object_id=row.id,
                 detail={"version": row.version})
    return row
