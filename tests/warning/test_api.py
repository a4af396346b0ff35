"""The HTTP API and the bus subscriptions, end to end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.events import DETECT_HIT_CREATED, TRANSACTION_DECIDED, Event, get_bus
from fanzha.core.pii import PIIKind, blind_index
from fanzha.warning import worker
from fanzha.warning.models import WarningInstruction
from tests.factories import make_person, make_world


def _iso(minutes: float) -> str:
    return (clock.now() - timedelta(minutes=minutes)).isoformat()


def test_analyst_posts_a_batch_and_the_officer_works_it_through_the_api(database: Database) -> None:
    world = make_world(database)
    with database.session() as s:
        person = make_person(s, area_code="G111", tags=["老人"])
        pid = person.id
    analyst = world.client("analyst")
    body = {"items": [
        {"source": "bank", "external_id": "B-1", "occurred_at": _iso(10), "person_id": pid, "decision": "hold",
         "amount_fen": 8_000_000, "counterpart_kind": "account", "counterpart": "6222020000000000001"},
        {"source": "bank", "external_id": "B-1", "occurred_at": _iso(10), "person_id": pid, "decision": "hold"},
    ]}
    resp = analyst.post("/api/v1/warnings", json=body)
    assert resp.status_code == 201, resp.text
    out = resp.json()
    assert (out["created"], out["duplicates"]) == (1, 1)
    wid = out["items"][0]["warning_id"]

    officer = world.client("officer")
    listed = officer.get("/api/v1/warnings", params={"level": "高", "open_only": True}).json()
    assert [w["id"] for w in listed["items"]] == [wid]
    assert listed["items"][0]["counterpart_masked"] == "6222 **** **** 0001"
    assert world.client("officer_other").get(f"/api/v1/warnings/{wid}").status_code == 404
    assert officer.post(f"/api/v1/warnings/{wid}/claim").status_code == 200
    r = officer.post(f"/api/v1/warnings/{wid}/attempts", json={"channel": "电话", "result": "已劝阻",
                                                              "note": "已联系本人，暂停转账"})
    assert r.status_code == 201
    bad = officer.post(f"/api/v1/warnings/{wid}/advance", json={"to": "回访"})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "transition_not_allowed"
    assert officer.post(f"/api/v1/warnings/{wid}/advance", json={"to": "核实"}).status_code == 200
    r = officer.post(f"/api/v1/warnings/{wid}/feedback", json={
        "outcome": "已劝阻", "money_at_risk_fen": 8_000_000, "loss_averted_fen": 8_000_000})
    assert r.status_code == 200
    r = officer.post(f"/api/v1/warnings/{wid}/close", json={})
    assert r.json()["status"] == "关闭"
    detail = officer.get(f"/api/v1/warnings/{wid}").json()
    assert [s["to_status"] for s in detail["steps"]] == ["待签收", "已签收", "电话劝阻", "核实", "反馈", "关闭"]
    assert detail["attempts"][0]["result"] == "已劝阻"


def test_bad_batch_is_rejected_with_row_errors_in_chinese(database: Database) -> None:
    world = make_world(database)
    resp = world.client("analyst").post("/api/v1/warnings", json=[
        {"source": "telecom", "external_id": "x", "occurred_at": _iso(1), "area_code": "T1", "phone": "13800001111"},
        {"source": "pigeon", "external_id": "y", "occurred_at": "2026-13-01"},
    ])
    assert resp.status_code == 422
    rows = resp.json()["error"]["fields"]["rows"]
    assert {(r["row"], r["field"]) for r in rows} == {(2, "source"), (2, "occurred_at")}
    with database.session() as s:
        assert s.scalars(select(WarningInstruction)).first() is None


def test_officer_cannot_ingest_and_leader_cannot_act(database: Database) -> None:
    world = make_world(database)
    assert world.client("officer").post("/api/v1/warnings", json={}).status_code == 403
    assert world.client("leader").post("/api/v1/warnings/1/claim").status_code == 403


def test_detect_hit_and_blocked_transfer_on_the_bus_become_instructions_once(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        person = make_person(s, area_code="G211", tags=[], age=30)
        pid, phone = person.id, person.phone_enc
    worker.subscribe_in_process(get_bus())
    hit = Event(DETECT_HIT_CREATED, {"hit_id": "h-1", "phone_hash": blind_index(PIIKind.PHONE, phone or ""),
                                     "type_code": "F04", "type_name": "冒充电商物流客服", "probability": 0.97,
                                     "channel": "短信", "counterpart_kind": "url", "counterpart_masked": "kf123.top",
                                     "counterpart_hash": "abc", "cues": ["理赔"], "occurred_at": _iso(5)})
    tx = Event(TRANSACTION_DECIDED, {"transaction_id": 77, "decision": "block", "score": 92, "reasons": ["安全账户"],
                                     "amount_fen": 12_000_000, "payer_person_id": pid,
                                     "payee_account_masked": "6222 **** **** 0002", "payee_account_hash": "def",
                                     "bank_area_code": "B1", "occurred_at": _iso(2)})
    allowed = Event(TRANSACTION_DECIDED, {**tx.payload, "transaction_id": 78, "decision": "allow"})
    for ev in (hit, tx, tx, allowed):
        get_bus().publish(ev)
    with database.session() as s:
        rows = s.scalars(select(WarningInstruction).order_by(WarningInstruction.id)).all()
        assert [(w.source, w.external_id, w.level, w.station_code) for w in rows] == [
            ("detect", "h-1", "中", "T2"), ("bank", "tx:77", "高", "T2")]
        assert rows[1].money_at_risk_fen == 12_000_000


def test_queue_and_pipeline_report_on_the_work(database: Database) -> None:
    world = make_world(database)
    with database.session() as s:
        person = make_person(s, area_code="G111")
        pid = person.id
    analyst = world.client("analyst")
    analyst.post("/api/v1/warnings", json=[
        {"source": "telecom", "external_id": f"q{i}", "occurred_at": _iso(i * 100), "person_id": pid,
         "counterpart_kind": "phone", "counterpart": f"1700000{i:04d}", "flags": ["ongoing_call"]}
        for i in range(5)])
    q = analyst.get("/api/v1/warnings/queue", params={"staff": 1}).json()
    assert q["staff"] == 1 and len(q["items"]) == 5
    assert [i["level"] for i in q["items"]][:1] == ["高"]
    p = analyst.get("/api/v1/warnings/pipeline").json()
    assert sum(p["open_by_level"].values()) == 5 and p["ingest_lag_p99_ms"] is not None
