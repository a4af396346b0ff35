"""The counter: checklist answers re-evaluate the decision; what the teller did is recorded and audited."""

from __future__ import annotations

import pytest

from fanzha.audit.models import AuditRecord
from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.core.events import TRANSACTION_DECIDED, Event, get_bus
from fanzha.risk import writer
from fanzha.risk.models import InterceptionReport
from tests.factories import World, make_world
from tests.risk.builders import transfer

URL = "/api/v1/risk/transactions"
CLEAN = {"purpose": "family", "relation": "relative", "who_asked": "self", "on_call": "no", "returns": "no",
         "secrecy": "no"}
SCAM = {**CLEAN, "purpose": "safe_account", "who_asked": "official", "secrecy": "yes"}


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def verify_case(world: World, frozen_clock: FrozenClock) -> int:
    # Screen sharing alone → verify. Small on purpose: from ~1,000 元 to a new payee the model
    # score joins in and the same transfer is held (see test_model.py).
    body = transfer(frozen_clock.now(), amount_fen=50_000, screen_sharing=True)
    out = world.client("teller").post(URL, json=body).json()
    assert out["decision"] == "verify", out
    writer.wait_idle()  # its transaction.decided event is published off the request path
    return int(out["id"])


def test_clean_answers_release_a_verify_and_scam_answers_escalate_to_block(world: World,
                                                                          frozen_clock: FrozenClock) -> None:
    teller = world.client("teller")
    events: list[Event] = []
    get_bus().subscribe(TRANSACTION_DECIDED, events.append)
    calm = verify_case(world, frozen_clock)
    out = teller.post(f"{URL}/{calm}/checklist", json={"answers": CLEAN}).json()
    assert out["decision"] == "allow" and out["initial_decision"] == "verify"
    assert any("柜面问询未发现诈骗特征" in r for r in out["reasons"])

    scam = verify_case(world, frozen_clock)
    out = teller.post(f"{URL}/{scam}/checklist", json={"answers": SCAM}).json()
    assert out["decision"] == "block"
    assert any("安全账户" in r for r in out["reasons"])
    assert [e.payload["decision"] for e in events] == ["verify", "verify", "block"]
    with world.database.session() as s:
        assert s.query(InterceptionReport).filter_by(transaction_id=scam).count() == 1
        audited = [r.action for r in s.query(AuditRecord).order_by(AuditRecord.seq)]
    assert audited.count("risk.checklist") == 2


def test_incomplete_answers_are_rejected_per_question(world: World, frozen_clock: FrozenClock) -> None:
    tx = verify_case(world, frozen_clock)
    resp = world.client("teller").post(f"{URL}/{tx}/checklist",
                                       json={"answers": {"purpose": "lottery", "relation": "relative"}})
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert fields["purpose"]["message_zh"] == "答案不在可选范围内"
    assert fields["secrecy"]["message_zh"] == "请选择答案"


def test_teller_hold_raises_the_decision_and_releasing_a_hold_needs_a_note(world: World,
                                                                         frozen_clock: FrozenClock) -> None:
    teller = world.client("teller")
    events: list[Event] = []
    get_bus().subscribe(TRANSACTION_DECIDED, events.append)
    tx = verify_case(world, frozen_clock)
    held = teller.post(f"{URL}/{tx}/resolve", json={"action": "held", "note": "客户称配合公安调查"}).json()
    assert held["decision"] == "hold" and held["teller_action"] == "held"
    assert events[-1].payload["decision"] == "hold"
    again = teller.post(f"{URL}/{tx}/resolve", json={"action": "released"})
    assert again.status_code == 409

    other = teller.post(URL, json=transfer(frozen_clock.now(), amount_fen=9_000_000, screen_sharing=True,
                                           on_call=True, payer_extra={"age": 75})).json()
    assert other["decision"] in ("hold", "block")
    bare = teller.post(f"{URL}/{other['id']}/resolve", json={"action": "released"})
    assert bare.status_code == 422 and "note" in bare.json()["error"]["fields"]
    ok = teller.post(f"{URL}/{other['id']}/resolve", json={"action": "released", "note": "已电话联系其子女核实",
                                                           "is_fraud": False})
    assert ok.status_code == 200 and ok.json()["teller_action"] == "released"
    with world.database.session() as s:
        actions = [r.action for r in s.query(AuditRecord).filter(AuditRecord.action == "risk.resolve")]
    assert len(actions) == 2
