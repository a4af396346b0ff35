"""A simulated county-year written straight into the domains' tables, for bench/report.py.

The simulator's fraud attempts of the year become warning instructions (one SLA clock each:
the first call), the ones that were not dissuaded become cases, and outreach, freezes and
stopped transfers are drawn at the magnitudes county centers report (≈180,000 warnings,
≈500 cases, ≈5,000 outreach records a year). Rows go in with bulk Core inserts.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fanzha.cases.models import Case
from fanzha.outreach.models import Campaign, Visit
from fanzha.people.models import Person
from fanzha.risk.models import FreezeRequest, Transaction
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt
from fanzha.warning.models import WarningDeadline, WarningInstruction

# Call-within SLA per level (DESIGN §5) and the median minutes to the first call.
CALL_SLA = {"高": 5, "中": 30, "低": 240}
CALL_MEDIAN = {"高": 3.5, "中": 18, "低": 150}
# Seasonal factor by month: more attempts around 双十一 and the Spring Festival.
SEASON = [1.1, 1.15, 0.95, 0.9, 0.9, 0.95, 1.0, 1.0, 0.95, 1.0, 1.2, 1.1]
KINDS = ["讲座", "摆摊", "入户走访", "短视频", "公众号", "短信", "校园", "银行网点", "企业"]


def _batches(session: Session, table: Any, rows: list[dict[str, Any]], size: int = 10_000) -> None:
    for i in range(0, len(rows), size):
        session.execute(insert(table), rows[i:i + size])


def load(session: Session, county: County, attempts: list[Attempt], *, seed: int = 5) -> dict[str, int]:
    rng = random.Random(seed)
    people = session.execute(select(Person.id, Person.area_code, Person.area_path).order_by(Person.id)).all()
    warnings, deadlines, cases = [], [], []
    town_bias = {t.code: rng.uniform(0.6, 1.6) for t in county.towns}
    wid = 0
    for a in attempts:
        local_month = (a.at + timedelta(hours=8)).month
        pid, area_code, area_path = people[a.resident_index % len(people)]
        town = area_code[:9]
        if rng.random() > SEASON[local_month - 1] / 1.2:
            continue
        wid += 1
        level = "高" if a.remote_app or (a.would_lose_fen and rng.random() < 0.6) else rng.choices(
            ["高", "中", "低"], [0.15, 0.5, 0.35])[0]
        received = a.at + timedelta(minutes=rng.uniform(1, 8))
        reachable = rng.random() < 0.9
        delay = timedelta(minutes=rng.lognormvariate(math.log(CALL_MEDIAN[level]), 0.8))
        call = received + delay if reachable else None
        on_time = call is not None and delay <= timedelta(minutes=CALL_SLA[level])
        visited = None if reachable else received + timedelta(minutes=rng.uniform(20, 300))
        if a.would_lose_fen:
            defrauded = rng.random() < 0.32 * town_bias.get(town, 1.0)
            outcome = "已被骗" if defrauded else "已劝阻"
        else:
            outcome = rng.choices(["已劝阻", "无法联系", "误报", "拒绝配合"], [0.72, 0.08, 0.15, 0.05])[0]
        closed = received + timedelta(hours=rng.uniform(0.5, 30)) if rng.random() < 0.97 else None
        averted = a.would_lose_fen if outcome == "已劝阻" and a.would_lose_fen else 0
        warnings.append({
            "id": wid, "source": a.source, "external_id": f"B{a.id}", "person_id": pid, "subject_key": f"person:{pid}",
            "type_code": a.type_code, "contact_channel": a.channel, "level": level, "reasons": [],
            "status": "关闭" if closed else "电话劝阻", "tier": "center", "channel": "电话",
            "money_at_risk_fen": a.would_lose_fen, "loss_averted_fen": averted, "outcome": outcome if closed else None,
            "occurred_at": a.at, "received_at": received, "dispatched_at": received, "first_call_at": call,
            "visited_at": visited, "closed_at": closed, "escalations": 0 if on_time else 1,
            "area_code": area_code, "area_path": area_path,
        })
        due = received + timedelta(minutes=CALL_SLA[level])
        deadlines.append({"warning_id": wid, "step": "电话劝阻", "step_rank": 2, "tier": "center", "label": "首次电话",
                          "due_at": due, "met_at": call or visited, "fired_at": None if on_time else due})
        if outcome == "已被骗" and closed:
            loss = a.would_lose_fen
            cases.append({
                "case_no": f"A{len(cases) + 1:06d}", "source": "sim",
                "status": rng.choice(["立案", "侦查", "破案"]),
                "reported_at": received + timedelta(hours=rng.uniform(2, 72)), "occurred_at": a.at,
                "channel": a.channel,
                "type_code": a.type_code, "victim_person_id": pid, "loss_fen": loss,
                "recovered_fen": int(loss * rng.uniform(0, 0.3)) if rng.random() < 0.3 else 0,
                "created_by": "bench", "created_at": received, "updated_at": received,
                "area_code": area_code, "area_path": area_path})
    _batches(session, WarningInstruction, warnings)
    _batches(session, WarningDeadline, deadlines)
    _batches(session, Case, cases)
    outreach = _outreach(session, rng, county, people, attempts)
    money = _money(session, rng, county, people, cases)
    return {"warnings": len(warnings), "deadlines": len(deadlines), "cases": len(cases), **outreach, **money}


def _days(attempts: list[Attempt]) -> tuple[date, int]:
    first = (attempts[0].at + timedelta(hours=8)).date()
    last = (attempts[-1].at + timedelta(hours=8)).date()
    return first, (last - first).days + 1


def _outreach(session: Session, rng: random.Random, county: County, people: list[Any],
              attempts: list[Attempt]) -> dict[str, int]:
    first, days = _days(attempts)
    paths = {a.code: a for a in county.areas}
    villages = [a for a in county.areas if a.level == "village"]
    now = datetime.now(UTC)
    campaigns = []
    for i in range(1_000):
        v = rng.choice(villages)
        path = "/" + "/".join([v.code[:6], v.code[:9], v.code]) + "/"
        campaigns.append({"kind": rng.choice(KINDS), "title": f"反诈宣传{i + 1}", "held_on": first + timedelta(
            days=rng.randrange(days)), "place": paths[v.code].name, "target_groups": ["老人"], "fraud_types": ["F02"],
            "reach_people": rng.randint(20, 400), "reach_views": 0, "materials": "", "cost_fen": 0,
            "created_by": "bench", "created_at": now, "area_code": v.code, "area_path": path})
    _batches(session, Campaign, campaigns)
    visits = []
    for _ in range(4_000):
        pid, area_code, area_path = rng.choice(people)
        visits.append({"person_id": pid, "visited_on": first + timedelta(days=rng.randrange(days)), "visitor": "bench",
                       "fraud_types": [], "app_installed_on_visit": rng.random() < 0.3,
                       "app_registered_on_visit": False, "note": "", "created_at": now,
                       "area_code": area_code, "area_path": area_path})
    _batches(session, Visit, visits)
    return {"campaigns": len(campaigns), "visits": len(visits)}


def _money(session: Session, rng: random.Random, county: County, people: list[Any],
           cases: list[dict[str, Any]]) -> dict[str, int]:
    from fanzha.core.pii import PIIKind, get_keyring

    keyring = get_keyring()
    freezes = []
    for i, c in enumerate(cases):
        if rng.random() < 0.6:
            amount = c["loss_fen"]
            done = int(amount * rng.uniform(0.1, 0.8)) if rng.random() < 0.5 else 0
            account = f"62220200000{i:08d}"
            freezes.append({"kind": rng.choice(["止付", "冻结"]), "source_type": "case", "source_id": c["case_no"],
                            "account_hash": keyring.blind_index(PIIKind.BANK_CARD, account),
                            "account_masked": "6222********" + account[-4:], "account_enc": account,
                            "amount_requested_fen": amount, "amount_done_fen": done,
                            "status": "executed" if done else "failed", "reason": "案件止付",
                            "requested_by": "bench", "requested_at": c["reported_at"] + timedelta(hours=1),
                            "deadline_at": c["reported_at"] + timedelta(hours=49),
                            "area_code": c["area_code"], "area_path": c["area_path"]})
    _batches(session, FreezeRequest, freezes)
    banks = county.banks
    txs = []
    for i in range(3_000):
        pid, area_code, _ = rng.choice(people)
        bank = rng.choice(banks)
        decision = rng.choices(["allow", "verify", "hold", "block"], [0.7, 0.2, 0.07, 0.03])[0]
        at = cases[rng.randrange(len(cases))]["reported_at"] if cases else datetime.now(UTC)
        account = f"62170000000{i:08d}"
        txs.append({"external_id": f"T{i}", "fingerprint": f"{i}",
                    "occurred_at": at - timedelta(days=rng.uniform(0, 20)),
                    "amount_fen": rng.randint(1_000, 20_000) * 100, "channel": "柜面",
                    "payer_account_hash": f"p{i}", "payer_account_masked": "6217****0000", "payer_person_id": pid,
                    "payer_area_code": area_code, "payee_account_hash": keyring.blind_index(PIIKind.BANK_CARD, account),
                    "payee_account_masked": "6217****" + account[-4:], "payee_account_enc": account,
                    "initial_decision": decision, "decision": decision, "score": rng.randint(0, 100), "reasons": [],
                    "executions": [], "features": {}, "ruleset_label": "bench", "created_at": at,
                    "area_code": bank.code, "area_path": f"/{bank.parent_code}/{bank.code}/"})
    _batches(session, Transaction, txs)
    return {"freezes": len(freezes), "transactions": len(txs)}
