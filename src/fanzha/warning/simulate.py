"""The warning loop in the simulated county (sim/runner.py extensions).

`report(ctx)`: each engaged fraud attempt becomes a warning, delayed by its source (the
App and banks see contact within minutes, telecom feeds in ~10 min, SMS gateways later),
graded by the real rules, and worked by `staff` people ordered by the real queue policy.
Ground truth says who would pay and when; a victim reached before paying is dissuaded
with the field's success rate. Reported beside a first-come-first-served baseline.

`seed(session, ctx)`: the demo's recent history of instructions through the real ingest,
with statuses spread the way a working center's are (old ones closed, today's open, some
overdue).
"""

from __future__ import annotations

import heapq
import math
import random
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.core.rbac import Principal
from fanzha.warning import dispatch, grading, queues
from fanzha.warning.models import LEVEL_RANK, Level

STAFF_OVERRIDE: ContextVar[int] = ContextVar("warning_sim_staff", default=12)
# Minutes from contact until the source's warning reaches the center: (median, spread).
SOURCE_DELAY = {"app": (2, 0.8), "bank": (3, 0.6), "telecom": (10, 0.7), "sms_gateway": (25, 0.8),
                "detect": (5, 0.7), "citizen_report": (60, 1.0), "manual": (60, 1.0)}
# Minutes from contact until a victim pays, median by type: 公检法/客服/医保 scripts push to pay
# within the hour; investment and romance scams take days to ripen.
PAY_DELAY_MEDIAN = {"F04": 45, "F05": 60, "F11": 50, "F08": 40, "F01": 180, "F03": 240, "F06": 120,
                    "F07": 300, "F09": 300, "F12": 600, "F02": 2880, "F10": 4320}
CALL_MINUTES, VISIT_MINUTES = 10.0, 60.0
PHONE_REACH, PHONE_REACH_APP = 0.75, 0.9     # share answering the dissuasion call
DISSUADE_WHEN_REACHED = 0.9                   # share of reached victims who stop
ROBOT_CALL_EFFECT = 0.05                      # share of 低 victims a robot call alone stops
QUEUE_PATIENCE = timedelta(hours=48)


@dataclass
class SimWarning:
    idx: int
    arrival: datetime
    level: Level
    loss_fen: int
    pay_at: datetime | None
    call_deadline: datetime | None
    reach: float
    entry: queues.QueueEntry


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


def build_warnings(ctx: Any) -> list[SimWarning]:
    rng = random.Random(ctx.seed * 613 + 5)
    residents = ctx.county.residents
    rules = dispatch.default_rules()
    out = []
    for i, a in enumerate(ctx.attempts):
        median, sigma = SOURCE_DELAY.get(a.source, (15, 0.8))
        delay = _lognormal(rng, median, sigma)
        arrival = a.at + timedelta(minutes=delay)
        r = residents[a.resident_index]
        flags = set()
        if a.remote_app:
            flags.add("remote_app")
        if a.channel == "电话" and delay < 15:
            flags.add("ongoing_call")
        if a.source == "bank":
            flags.add("money_movement")
        if a.counterpart_url:
            flags.add("risky_url")
        g = grading.grade(grading.Facts(a.source, delay, frozenset(flags), tags=frozenset(r.tags), age=r.age))
        p = dispatch.plan(level=g.level, source=a.source, type_code=a.type_code, received_at=arrival, rules=rules)
        call = next((d.due_at for d in p.deadlines if d.step == "电话劝阻"), None)
        pay_at = (a.at + timedelta(minutes=_lognormal(rng, PAY_DELAY_MEDIAN.get(a.type_code, 240), 0.9))
                  if a.would_lose_fen else None)
        entry = queues.QueueEntry(warning_id=i, level=g.level, status="待签收", type_code=a.type_code,
                                  money_at_risk_fen=a.would_lose_fen if a.source == "bank" else 0,
                                  effort_minutes=CALL_MINUTES, due_at=call)
        out.append(SimWarning(i, arrival, g.level, a.would_lose_fen, pay_at, call,
                              PHONE_REACH_APP if r.app_installed else PHONE_REACH, entry))
    return sorted(out, key=lambda w: w.arrival)


def run(warnings: list[SimWarning], *, staff: int, policy: str, seed: int) -> dict[str, Any]:
    """Discrete-event run: staff take the best queued warning whenever they are free."""
    rng = random.Random(seed)
    queue: list[tuple[Any, ...]] = []
    free = [(warnings[0].arrival if warnings else clock.now(), s) for s in range(max(staff, 0))]
    heapq.heapify(free)
    dissuaded, sla_met, sla_due, reached = 0, 0, 0, 0
    averted = 0
    nxt = 0
    handled: set[int] = set()

    def priority(w: SimWarning) -> tuple[Any, ...]:
        if policy == "fifo":
            return (w.arrival, w.idx)
        r = queues.rank([w.entry])[0]
        return (-LEVEL_RANK[w.level], -r.score, w.idx)

    for w in warnings:
        if w.level is Level.LOW and w.loss_fen and rng.random() < ROBOT_CALL_EFFECT:
            handled.add(w.idx)
            dissuaded += 1
            averted += w.loss_fen
    by_idx = {w.idx: w for w in warnings}
    while free and (nxt < len(warnings) or queue):
        at, person = heapq.heappop(free)
        while nxt < len(warnings) and warnings[nxt].arrival <= at:
            w = warnings[nxt]
            if w.idx not in handled and w.level is not Level.LOW:
                heapq.heappush(queue, (*priority(w), w.idx))
            nxt += 1
        while queue and at - by_idx[queue[0][-1]].arrival > QUEUE_PATIENCE:
            heapq.heappop(queue)
        if not queue:
            if nxt >= len(warnings):
                break
            heapq.heappush(free, (max(at, warnings[nxt].arrival), person))
            continue
        w = by_idx[heapq.heappop(queue)[-1]]
        contact = at + timedelta(minutes=CALL_MINUTES)
        if w.call_deadline is not None:
            sla_due += 1
            sla_met += at + timedelta(minutes=1) <= w.call_deadline  # the call is placed
        done = contact
        answered = rng.random() < w.reach
        if not answered:
            done = contact + timedelta(minutes=VISIT_MINUTES)  # station/grid visit
        reached += 1
        if w.loss_fen and w.pay_at is not None and done <= w.pay_at and rng.random() < DISSUADE_WHEN_REACHED:
            dissuaded += 1
            averted += w.loss_fen
        heapq.heappush(free, (done if not answered else contact, person))
    losers = [w for w in warnings if w.loss_fen]
    high_mid = [w for w in warnings if w.call_deadline is not None]
    sla_due += len(high_mid) - sla_due  # never reached counts as missed
    return {
        "dissuasion_rate": round(dissuaded / len(losers), 3) if losers else None,
        "dissuaded": dissuaded,
        "sla_attainment": round(sla_met / sla_due, 3) if sla_due else None,
        "loss_averted_yuan": averted // 100,
        "reached": reached,
    }


def report(ctx: Any) -> dict[str, Any]:
    staff = STAFF_OVERRIDE.get()
    warnings = build_warnings(ctx)
    losers = [w for w in warnings if w.loss_fen]
    levels = {lv.value: sum(1 for w in warnings if w.level is lv) for lv in Level}
    return {"warning_loop": {
        "staff": staff,
        "warnings": len(warnings),
        "by_level": levels,
        "would_be_defrauded": len(losers),
        "would_be_lost_yuan": sum(w.loss_fen for w in losers) // 100,
        "priority_queue": run(warnings, staff=staff, policy="priority", seed=ctx.seed),
        "fifo_baseline": run(warnings, staff=staff, policy="fifo", seed=ctx.seed),
    }}


def seed(session: Session, ctx: Any) -> None:
    """Recent history through the real ingest, then statuses spread by age."""
    from fanzha.people.models import Person
    from fanzha.warning import history, ingest
    from fanzha.warning.schemas import SignalIn, hash_counterpart, mask_counterpart

    refs = dict(session.execute(select(Person.external_ref, Person.id)).all())
    residents = ctx.county.residents
    rng = random.Random(ctx.seed * 17 + 3)
    by_day: dict[Any, list[SignalIn]] = {}
    now = clock.now()
    for a in ctx.attempts:
        median, sigma = SOURCE_DELAY.get(a.source, (15, 0.8))
        arrival = a.at + timedelta(minutes=_lognormal(rng, median, sigma))
        if arrival > now:
            continue
        kind, value = (("phone", a.counterpart_phone) if a.counterpart_phone else
                       ("url", a.counterpart_url) if a.counterpart_url else ("account", a.payee_account or ""))
        flags = {"remote_app"} if a.remote_app else set()
        if a.source == "bank":
            flags.add("money_movement")
        by_day.setdefault(arrival.date(), []).append(SignalIn(
            source=a.source, external_id=f"sim-{a.id}", occurred_at=a.at, received_at=arrival,
            person_id=refs.get(residents[a.resident_index].external_ref), counterpart_kind=kind,
            counterpart_masked=mask_counterpart(kind, value), counterpart_hash=hash_counterpart(kind, value),
            type_code=a.type_code, contact_channel=a.channel, flags=frozenset(flags),
            amount_fen=a.would_lose_fen if a.source == "bank" else 0))
    system = Principal.system("simulator")
    for day in sorted(by_day):
        signals = [s for s in by_day[day] if s.person_id is not None]
        last = max(s.received_at or now for s in signals) if signals else now
        ingest.ingest(session, signals, actor=system, now=min(last + timedelta(minutes=1), now), partial=True,
                      audit_action="warning.seed")
    truth = {f"sim-{a.id}": a.would_lose_fen for a in ctx.attempts}
    history.spread_statuses(session, truth=truth, now=now, rng=rng)
