"""Personal numbers: masked everywhere, encrypted at rest, unmasked only with a purpose."""

from __future__ import annotations

import json

import pytest
import structlog
from sqlalchemy import text

from fanzha.core.db import Database
from fanzha.core.pii import Keyring, PIIKind, mask, scrub
from fanzha.people import service as people
from tests import logcapture
from tests.factories import make_person, make_world


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        (PIIKind.PHONE, "13812341234", "138****1234"),
        (PIIKind.PHONE, "+86 138-1234-1234", "138****1234"),
        (PIIKind.ID_NUMBER, "110101199001011234", "110101********1234"),
        (PIIKind.BANK_CARD, "6222021234567891234", "6222 **** **** 1234"),
        (PIIKind.NAME, "张三", "张*"),
        (PIIKind.NAME, "欧阳娜娜", "欧***"),
    ],
)
def test_masking_rules(kind: PIIKind, value: str, masked: str) -> None:
    assert mask(kind, value) == masked


def test_scrub_masks_numbers_inside_free_text() -> None:
    text_ = "受害人13812341234，身份证110101199001011234，转账至6222021234567891234"
    assert scrub(text_) == "受害人138****1234，身份证110101********1234，转账至6222 **** **** 1234"


def test_ciphertext_differs_each_time_and_round_trips() -> None:
    ring = Keyring(b"x" * 32)
    a, b = ring.encrypt("13812341234"), ring.encrypt("13812341234")
    assert a != b and ring.decrypt(a) == ring.decrypt(b) == "13812341234"
    assert ring.blind_index(PIIKind.PHONE, "+86 138 1234 1234") == ring.blind_index(PIIKind.PHONE, "13812341234")


def test_numbers_are_not_stored_in_clear_but_can_be_found(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        person = make_person(s, phone="13912345678", id_number="110101199001011237")
    with database.engine.connect() as conn:
        raw = conn.execute(text("SELECT * FROM person")).fetchall()
    dump = repr(raw)
    assert "13912345678" not in dump and "110101199001011237" not in dump and "王秀英" not in dump
    with database.session() as s:
        found = people.find_by_phone(s, phone="+86 139-1234-5678")
        assert found is not None and found.id == person.id


def test_api_shows_masked_values_and_unmask_needs_a_purpose_and_is_audited(database: Database) -> None:
    world = make_world(database)
    with database.session() as s:
        person = make_person(s, phone="13912340000")
    officer = world.client("officer")
    shown = officer.get(f"/api/v1/people/{person.id}").json()
    assert shown["phone_masked"] == "139****0000" and "13912340000" not in json.dumps(shown)
    assert officer.post(f"/api/v1/people/{person.id}/unmask", json={"purpose": ""}).status_code == 422
    resp = officer.post(f"/api/v1/people/{person.id}/unmask", json={"purpose": "电话劝阻前核实号码"})
    assert resp.json()["values"]["phone"] == "13912340000"
    assert world.client("leader").post(f"/api/v1/people/{person.id}/unmask",
                                       json={"purpose": "查看号码核实"}).status_code == 403
    trail = world.client("auditor").get("/api/v1/audit", params={"object_type": "person"}).json()["items"]
    unmask = [r for r in trail if r["action"] == "pii.unmask"]
    assert len(unmask) == 1 and unmask[0]["actor"] == "officer" and "电话劝阻前核实号码" in unmask[0]["detail"]


def test_log_lines_never_carry_clear_numbers() -> None:
    logcapture.remember("13700001111", "110101199001011234")
    structlog.get_logger("test").info("calling victim", phone="13700001111", note="身份证 110101199001011234")
    import logging

    logging.getLogger("uvicorn.error").warning("payload 13700001111")
    assert logcapture.find_leaks() == []


def test_the_log_check_would_catch_a_clear_number(tmp_path: object) -> None:
    from pathlib import Path

    log = Path(str(tmp_path)) / "w.log"
    log.write_text('{"event": "oops 13766665555"}\n', encoding="utf-8")
    assert logcapture._scan([log], {"13766665555"}) == ["w.log: 13766665555"]
