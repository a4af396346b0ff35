"""Warning use cases for people: list, load, claim, record attempts, advance, close, reassign.

Machine ingest lives in `ingest.py`; each human action here is one audited step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import ImportRejected, Invalid, NotFound
from fanzha.core.events import WARNING_CLOSED, emit
from fanzha.core.pii import scrub
from fanzha.core.rbac import Permission, Principal
from fanzha.warning import ingest as ingest_mod
from fanzha.warning import notifiers, rulestore, sla, workflow
from fanzha.warning import queues as queues_mod
from fanzha.warning.models import (
    OPEN_STATUSES,
    STATUS_RANK,
    Channel,
    Level,
    Outcome,
    Status,
    WarningAttempt,
    WarningDeadline,
    WarningInstruction,
    WarningSignal,
    WarningStep,
)
from fanzha.warning.schemas import AttemptIn, CloseIn, FeedbackIn, ReassignIn, SignalIn


class WarningNotFound(NotFound):
    def __init__(self, warning_id: object) -> None:
        super().__init__("预警指令", "Warning instruction", warning_id)


def ingest_all_or_nothing(session: Session, *, actor: Principal, signals: list[SignalIn]) -> ingest_mod.IngestReport:
    """API ingest: any rejected row rejects the batch (resending is safe: ingest is idempotent)."""
    report = ingest_mod.ingest(session, signals, actor=actor)
    if report.rejected:
        raise ImportRejected(report.rejected)
    return report


@dataclass(frozen=True)
class Filters:
    level: str | None = None
    status: str | None = None
    source: str | None = None
    type_code: str | None = None
    area_code: str | None = None
    open_only: bool = False
    mine: bool = False
    overdue: bool = False


def list_warnings(session: Session, *, actor: Principal, filters: Filters = Filters(), limit: int = 50,
                  offset: int = 0) -> tuple[int, Sequence[WarningInstruction]]:
    actor.require(Permission.WARNING_READ)
    stmt = select(WarningInstruction).where(actor.scope.clause(WarningInstruction.area_path))
    if filters.level:
        stmt = stmt.where(WarningInstruction.level == filters.level)
    if filters.status:
        stmt = stmt.where(WarningInstruction.status == filters.status)
    if filters.open_only:
        stmt = stmt.where(WarningInstruction.status.in_(OPEN_STATUSES))
    if filters.source:
        stmt = stmt.where(WarningInstruction.source == filters.source)
    if filters.type_code:
        stmt = stmt.where(WarningInstruction.type_code == filters.type_code)
    if filters.area_code:
        area = areas.get(session, code=filters.area_code, scope=actor.scope)
        stmt = stmt.where(WarningInstruction.area_path.startswith(area.path, autoescape=True))
    if filters.mine:
        stmt = stmt.where(WarningInstruction.assignee_id == actor.user_id)
    if filters.overdue:
        stmt = stmt.where(WarningInstruction.next_due_at <= clock.now(),
                          WarningInstruction.status.in_(OPEN_STATUSES))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rank = {Level.HIGH.value: 0, Level.MEDIUM.value: 1, Level.LOW.value: 2}
    order = case(rank, value=WarningInstruction.level, else_=3)
    rows = session.scalars(stmt.order_by(order, WarningInstruction.received_at.desc(), WarningInstruction.id.desc())
                           .limit(limit).offset(offset)).all()
    return total, rows


def get(session: Session, *, actor: Principal, warning_id: int, for_update: bool = False) -> WarningInstruction:
    actor.require(Permission.WARNING_READ)
    w = session.get(WarningInstruction, warning_id, with_for_update=for_update)
    if w is None or not actor.scope.contains(w.area_path):
        raise WarningNotFound(warning_id)
    return w


@dataclass
class Detail:
    warning: WarningInstruction
    deadlines: Sequence[WarningDeadline]
    attempts: Sequence[WarningAttempt]
    steps: Sequence[WarningStep]
    signals: Sequence[WarningSignal]


def detail(session: Session, *, actor: Principal, warning_id: int) -> Detail:
    w = get(session, actor=actor, warning_id=warning_id)
    return Detail(
        warning=w,
        deadlines=session.scalars(select(WarningDeadline).where(WarningDeadline.warning_id == w.id)
                                  .order_by(WarningDeadline.due_at)).all(),
        attempts=session.scalars(select(WarningAttempt).where(WarningAttempt.warning_id == w.id)
                                 .order_by(WarningAttempt.at, WarningAttempt.id)).all(),
        steps=session.scalars(select(WarningStep).where(WarningStep.warning_id == w.id)
                              .order_by(WarningStep.at, WarningStep.id)).all(),
        signals=session.scalars(select(WarningSignal).where(WarningSignal.warning_id == w.id)
                                .order_by(WarningSignal.occurred_at)).all(),
    )


def _handle(session: Session, actor: Principal, warning_id: int) -> WarningInstruction:
    actor.require(Permission.WARNING_HANDLE)
    return get(session, actor=actor, warning_id=warning_id, for_update=True)


def _move(session: Session, w: WarningInstruction, *, actor: Principal, to: Status, now: datetime,
          note: str | None, kind: str = "advanced", outcome: str | None = None) -> None:
    current = Status(w.status)
    workflow.check(current, to, outcome=outcome)
    w.status = to
    stamp = workflow.STAMPS.get(to)
    if stamp and getattr(w, stamp) is None:
        setattr(w, stamp, now)
    if to is not Status.ACCEPTED and w.accepted_at is None:
        w.accepted_at = now
    sla.mark_met(session, warning=w, rank=STATUS_RANK[to], now=now)
    session.add(WarningStep(warning_id=w.id, at=now, actor=actor.username, kind=kind, from_status=current.value,
                            to_status=to.value, note=scrub(note) if note else None))
    audit.record(session, actor=actor, action=f"warning.{kind}", object_type="warning", object_id=w.id,
                 detail={"from": current.value, "to": to.value})


def claim(session: Session, *, actor: Principal, warning_id: int) -> WarningInstruction:
    """签收: the caller takes the instruction."""
    w = _handle(session, actor, warning_id)
    now = clock.now()
    w.assignee_id = actor.user_id
    if w.status == Status.NEW:
        _move(session, w, actor=actor, to=Status.ACCEPTED, now=now, note=None, kind="claimed")
    else:
        session.add(WarningStep(warning_id=w.id, at=now, actor=actor.username, kind="claimed",
                                from_status=w.status, to_status=w.status, note=None))
        audit.record(session, actor=actor, action="warning.claimed", object_type="warning", object_id=w.id)
    session.flush()
    return w


_STEP_OF_CHANNEL = {Channel.PHONE: Status.CALLING, Channel.VISIT: Status.VISITING, Channel.MEET: Status.VISITING,
                    Channel.ROBOT_CALL: Status.CALLING, Channel.SMS: None}


def record_attempt(session: Session, *, actor: Principal, warning_id: int, data: AttemptIn) -> WarningAttempt:
    """One call or visit with its result; the first one moves the instruction to that step."""
    w = _handle(session, actor, warning_id)
    if w.status == Status.CLOSED:
        raise Invalid("指令已关闭，不能再登记劝阻", "warning is closed")
    now = clock.now()
    step = _STEP_OF_CHANNEL[data.channel]
    if step is not None and STATUS_RANK[Status(w.status)] < STATUS_RANK[step]:
        _move(session, w, actor=actor, to=step, now=now, note=f"{data.channel.value}：{data.result.value}")
    if w.assignee_id is None:
        w.assignee_id = actor.user_id
    attempt = WarningAttempt(warning_id=w.id, channel=data.channel.value, result=data.result.value,
                             note=scrub(data.note) if data.note else None, actor=actor.username, at=now)
    session.add(attempt)
    audit.record(session, actor=actor, action="warning.attempt", object_type="warning", object_id=w.id,
                 detail={"channel": data.channel.value, "result": data.result.value})
    session.flush()
    return attempt


def advance(session: Session, *, actor: Principal, warning_id: int, to: Status,
            note: str | None = None) -> WarningInstruction:
    if to in (Status.FEEDBACK, Status.CLOSED):
        raise Invalid("反馈和关闭须填写劝阻结果，请使用对应操作", "use feedback/close for these steps",
                      fields={"to": to.value})
    w = _handle(session, actor, warning_id)
    _move(session, w, actor=actor, to=to, now=clock.now(), note=note)
    session.flush()
    return w


def feedback(session: Session, *, actor: Principal, warning_id: int, data: FeedbackIn) -> WarningInstruction:
    """反馈: the outcome, money at risk and loss averted."""
    if data.loss_averted_fen > max(data.money_at_risk_fen, 0) and data.money_at_risk_fen:
        raise Invalid("挽损金额不能大于涉险金额", "loss averted exceeds money at risk",
                      fields={"loss_averted_fen": "too_large"})
    if data.outcome is Outcome.DEFRAUDED and not data.linked_case_ref:
        raise Invalid("结果为「已被骗」时须填写关联案件编号", "a defrauded outcome needs the linked case",
                      fields={"linked_case_ref": "missing"})
    w = _handle(session, actor, warning_id)
    _move(session, w, actor=actor, to=Status.FEEDBACK, now=clock.now(), note=data.note, kind="feedback")
    w.outcome = data.outcome.value
    w.money_at_risk_fen = data.money_at_risk_fen or w.money_at_risk_fen
    w.loss_averted_fen = data.loss_averted_fen
    w.linked_case_ref = data.linked_case_ref
    w.follow_up_on = data.follow_up_on
    session.flush()
    return w


def close(session: Session, *, actor: Principal, warning_id: int, data: CloseIn) -> WarningInstruction:
    w = _handle(session, actor, warning_id)
    outcome = data.outcome.value if data.outcome else w.outcome
    workflow.require_outcome_for_close(outcome)
    _move(session, w, actor=actor, to=Status.CLOSED, now=clock.now(), note=data.note, kind="closed", outcome=outcome)
    w.outcome = outcome
    w.next_due_at = None
    emit(session, WARNING_CLOSED, {"warning_id": w.id, "outcome": outcome, "loss_averted_fen": w.loss_averted_fen,
                                   "person_id": w.person_id})
    session.flush()
    return w


def reassign(session: Session, *, actor: Principal, warning_id: int, data: ReassignIn) -> WarningInstruction:
    """Supervisor: hand the instruction to another area and/or person."""
    actor.require(Permission.WARNING_DISPATCH)
    w = _handle(session, actor, warning_id)
    if data.area_code is None and data.assignee_id is None:
        raise Invalid("请选择改派的辖区或人员", "choose an area or an assignee", fields={"area_code": "missing"})
    now = clock.now()
    changes: dict[str, object] = {}
    if data.area_code:
        area = areas.get(session, code=data.area_code, scope=actor.scope)
        if area.level not in ("town", "village", "grid"):
            raise Invalid("只能改派到镇街、村社或网格", "reassign to a town, village or grid",
                          fields={"area_code": "level"})
        from fanzha.warning import dispatch, subjects

        where = dispatch.assign(subjects.chain(subjects.areas_index(session), area.code) or
                                [(a.code, a.level) for a in areas.ancestors(session, code=area.code)])
        w.area_code, w.area_path = area.code, area.path
        w.station_code, w.grid_code = where.station_code, where.grid_code
        changes["area_code"] = area.code
    if data.assignee_id is not None:
        from fanzha.users import service as users

        target = users.get(session, actor=Principal.system("warning"), user_id=data.assignee_id)
        target_principal = users.principal_of(target)
        if not target.is_active or not target_principal.can(Permission.WARNING_HANDLE) \
                or not target_principal.scope.contains(w.area_path):
            raise Invalid("该人员不能处置此指令（角色或辖区不符）", "assignee cannot handle this warning",
                          fields={"assignee_id": "not_allowed"})
        w.assignee_id = target.id
        changes["assignee_id"] = target.id
    session.add(WarningStep(warning_id=w.id, at=now, actor=actor.username, kind="reassigned", from_status=w.status,
                            to_status=w.status, note=scrub(data.note) if data.note else None))
    audit.record(session, actor=actor, action="warning.reassigned", object_type="warning", object_id=w.id,
                 detail=changes)
    session.flush()
    return w


SUPERVISE_NOTE_MAX = 200


def supervise(session: Session, *, actor: Principal, warning_id: int, note: str) -> WarningInstruction:
    """Leader 督办 (带班督导, DESIGN §1): an instruction to whoever handles the warning, on its
    timeline and in the handler's inbox (or the on-duty supervisors' when nobody has claimed it)."""
    actor.require(Permission.WARNING_SUPERVISE)
    w = get(session, actor=actor, warning_id=warning_id, for_update=True)
    text = scrub(note.strip())
    if not text:
        raise Invalid("请填写督办意见", "a supervision note is required",
                      fields={"note": {"message_zh": "请填写督办意见", "message_en": "required"}})
    if len(text) > SUPERVISE_NOTE_MAX:
        raise Invalid(f"督办意见最多 {SUPERVISE_NOTE_MAX} 字", f"note longer than {SUPERVISE_NOTE_MAX}",
                      fields={"note": {"message_zh": f"最多 {SUPERVISE_NOTE_MAX} 字", "message_en": "too long"}})
    if w.status == Status.CLOSED:
        raise Invalid("该指令已关闭，无需督办", "the warning is closed")
    session.add(WarningStep(warning_id=w.id, at=clock.now(), actor=actor.username, kind="supervised",
                            from_status=w.status, to_status=w.status, note=f"督办：{text}"))
    title, body = f"领导督办：预警指令 #{w.id}", text
    if w.assignee_id is not None:
        notifiers.deliver(session, notifiers.InAppNotifier(), notifiers.Notice(
            title=title, body=body, warning_id=w.id, user_id=w.assignee_id))
    else:
        notifiers.notify_supervisors(session, w, title=title, body=body)
    audit.record(session, actor=actor, action="warning.supervised", object_type="warning", object_id=w.id,
                 detail={"note": text})
    session.flush()
    return w


def switch_to_robot_call(session: Session, *, actor: Principal, warning_id: int) -> WarningInstruction:
    """Supervisor: an instruction nobody will reach in time gets a robot call now."""
    actor.require(Permission.WARNING_DISPATCH)
    w = _handle(session, actor, warning_id)
    if w.status == Status.CLOSED:
        raise Invalid("指令已关闭", "warning is closed")
    now = clock.now()
    w.channel = Channel.ROBOT_CALL.value
    notifiers.deliver(session, notifiers.LoggingRobotCall(),
                      notifiers.Notice(title="反诈提醒外呼", body="您可能正在遭遇电信网络诈骗，请勿转账。",
                                       warning_id=w.id, recipient=w.subject_phone_masked))
    session.add(WarningAttempt(warning_id=w.id, channel=Channel.ROBOT_CALL.value, result="已发送",
                               note="带班改为机器人外呼", actor=actor.username, at=now))
    session.add(WarningStep(warning_id=w.id, at=now, actor=actor.username, kind="robot_call", from_status=w.status,
                            to_status=w.status, note="改为机器人外呼"))
    audit.record(session, actor=actor, action="warning.robot_call", object_type="warning", object_id=w.id)
    session.flush()
    return w


def _effort(channel: str, status: str, effort_minutes: dict[Channel, float]) -> float:
    if STATUS_RANK[Status(status)] >= STATUS_RANK[Status.VISITING]:
        return effort_minutes.get(Channel.VISIT, 60.0)
    return effort_minutes.get(Channel(channel), 10.0)


def handling_staff(session: Session, *, actor: Principal) -> int:
    """Active users in the caller's jurisdiction who may handle instructions."""
    from fanzha.core.rbac import ROLE_PERMISSIONS
    from fanzha.users import service as users

    return sum(1 for u in users.list_users(session, actor=Principal.system("warning"))
               if u.is_active and actor.scope.contains(u.area_path)
               and Permission.WARNING_HANDLE in ROLE_PERMISSIONS[u.role])


def queue(session: Session, *, actor: Principal, staff: int | None = None, area_code: str | None = None,
          limit: int = 2000) -> tuple[int, datetime, list[queues_mod.Planned]]:
    """The caller's open instructions in working order, with who will be reached in time today."""
    actor.require(Permission.WARNING_READ)
    now = clock.now()
    _total, rows = list_warnings(session, actor=actor, filters=Filters(open_only=True, area_code=area_code),
                                 limit=limit)
    ids = [w.id for w in rows]
    failed = dict(session.execute(select(WarningAttempt.warning_id, func.count()).where(
        WarningAttempt.warning_id.in_(ids), WarningAttempt.result.not_in(["已劝阻", "已发送"]),
    ).group_by(WarningAttempt.warning_id)).all()) if ids else {}
    effort = rulestore.dispatch_rules(session).effort_minutes
    entries = [queues_mod.QueueEntry(
        warning_id=w.id, level=Level(w.level), status=w.status, type_code=w.type_code,
        money_at_risk_fen=w.money_at_risk_fen, effort_minutes=_effort(w.channel, w.status, effort),
        failed_attempts=int(failed.get(w.id, 0)), due_at=clock.as_utc(w.next_due_at) if w.next_due_at else None,
    ) for w in rows]
    people = staff if staff is not None else handling_staff(session, actor=actor)
    local_now = clock.local(now)
    shift_end = (local_now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).astimezone(UTC)
    return people, shift_end, queues_mod.capacity(queues_mod.rank(entries), staff=people, now=now,
                                                  shift_end=shift_end)
