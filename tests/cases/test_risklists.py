"""涉诈 risk lists: entries, CSV import, look-up, expiry, detection feed, citizen tips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.errors import Conflict, ImportRejected, Invalid
from fanzha.core.pii import PIIKind, blind_index
from fanzha.detect.risklist import RiskKind
from fanzha.risklists import service
from fanzha.risklists.models import RiskEntry
from fanzha.risklists.schemas import EntryIn, ListKind, LookupItem, TipDecision, TipIn
from fanzha.web import ratelimit
from tests.cases.helpers import card, scam_phone
from tests.factories import SYSTEM, make_world
from tests.logcapture import remember


def test_listed_values_are_found_in_any_spelling_and_stored_masked(session, frozen_clock) -> None:  # type: ignore[no-untyped-def]
    remember(scam_phone(1))
    service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.PHONE, value=scam_phone(1), source="上级通报"))
    service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.URL, value="https://kf.evil-shop.top/x"))
    results = service.lookup(session, actor=SYSTEM, items=[
        LookupItem(kind=ListKind.PHONE, value=f"+86 {scam_phone(1)[:3]}-{scam_phone(1)[3:]}"),
        LookupItem(kind=ListKind.URL, value="http://pay.evil-shop.top/login"),
        LookupItem(kind=ListKind.PHONE, value=scam_phone(2)),
    ])
    assert [r.listed for r in results] == [True, True, False]
    assert results[0].entry is not None and results[0].entry.source == "上级通报"
    entry = session.scalars(select(RiskEntry).where(RiskEntry.kind == "phone")).one()
    assert entry.value_masked == "170****0001" and entry.value_hash == blind_index(PIIKind.PHONE, scam_phone(1))


def test_expired_and_removed_entries_stop_matching(session, frozen_clock) -> None:  # type: ignore[no-untyped-def]
    service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.URL, value="a-evil.top",
                                                    expires_at=clock.now() + timedelta(days=1)))
    gone = service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.URL, value="b-evil.top"))
    service.remove(session, actor=SYSTEM, entry_id=gone.id, reason="误报")
    items = [LookupItem(kind=ListKind.URL, value="a-evil.top"), LookupItem(kind=ListKind.URL, value="b-evil.top")]
    assert [r.listed for r in service.lookup(session, actor=SYSTEM, items=items)] == [True, False]
    frozen_clock.advance(timedelta(days=2))
    assert [r.listed for r in service.lookup(session, actor=SYSTEM, items=items)] == [False, False]
    total, _ = service.list_entries(session, actor=SYSTEM, include_inactive=True)
    assert total == 2 and service.list_entries(session, actor=SYSTEM)[0] == 0


def test_csv_import_is_all_or_nothing_and_names_every_bad_row(session) -> None:  # type: ignore[no-untyped-def]
    text = ("kind,value,source,expires_at\n"
            f"号码,{scam_phone(5)},通报,\n"
            "网址,evil5.top,,2027-01-01\n"
            "传真,12345,,\n"
            "phone,12,,\n"
            "wechat,kf_abcdef,,tomorrow\n")
    remember(scam_phone(5))
    with pytest.raises(ImportRejected) as exc:
        service.import_csv(session, actor=SYSTEM, text=text)
    rows = {(r["row"], r["field"]) for r in exc.value.rows}
    assert rows == {(4, "kind"), (5, "value"), (6, "expires_at")}
    assert all(r["message_zh"] for r in exc.value.rows)
    assert session.scalar(select(func.count()).select_from(RiskEntry)) == 0
    good = "\n".join(text.splitlines()[:3]) + "\n"
    assert service.import_csv(session, actor=SYSTEM, text=good) == (2, 0)
    assert service.import_csv(session, actor=SYSTEM, text=good) == (0, 2)


def test_loader_feeds_detection_and_the_bank_check_uses_the_account_hash(session) -> None:  # type: ignore[no-untyped-def]
    remember(card(7), scam_phone(7))
    service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.ACCOUNT, value=card(7)))
    service.add(session, actor=SYSTEM, data=EntryIn(kind=ListKind.PHONE, value=scam_phone(7)))
    risk_list = service.load_detect_risklist(session)
    assert len(risk_list) == 2
    assert risk_list.lookup(RiskKind.PHONE, "+86" + scam_phone(7)) is not None
    assert service.is_account_listed(session, account_hash=blind_index(PIIKind.BANK_CARD, card(7)))
    assert not service.is_account_listed(session, account_hash=blind_index(PIIKind.BANK_CARD, card(8)))


def test_citizen_tip_is_reviewed_before_it_enters_the_lists(database: Database) -> None:
    world = make_world(database)
    remember(scam_phone(9))
    public = world.client()
    resp = public.post("/api/v1/public/tips", json={"kind": "phone", "value": scam_phone(9),
                                                    "description": "自称公检法让我转到安全账户"})
    assert resp.status_code == 201 and resp.json()["status"] == "待审核"
    tip_id = resp.json()["id"]
    officer = world.client("officer")
    lookup = {"items": [{"kind": "phone", "value": scam_phone(9)}]}
    assert officer.post("/api/v1/risklists/lookup", json=lookup).json()["results"][0]["listed"] is False
    queue = officer.get("/api/v1/risklists/tips").json()
    assert queue["total"] == 1 and queue["items"][0]["value_masked"] == "170****0009"
    confirmed = officer.post(f"/api/v1/risklists/tips/{tip_id}/confirm", json={"ttl_days": 90, "note": "核实"})
    assert confirmed.status_code == 200 and confirmed.json()["source"] == f"群众举报#{tip_id}"
    assert confirmed.json()["expires_at"] is not None
    assert officer.post("/api/v1/risklists/lookup", json=lookup).json()["results"][0]["listed"] is True
    again = officer.post(f"/api/v1/risklists/tips/{tip_id}/reject", json={})
    assert again.status_code == 409


def test_malformed_tips_are_kept_but_cannot_be_listed(session) -> None:  # type: ignore[no-untyped-def]
    tip = service.submit_tip(session, data=TipIn(kind=ListKind.QQ, value="0abc"))
    assert not tip.valid
    with pytest.raises(Invalid):
        service.confirm_tip(session, actor=SYSTEM, tip_id=tip.id, decision=TipDecision())
    service.reject_tip(session, actor=SYSTEM, tip_id=tip.id, decision=TipDecision(note="格式无效"))
    with pytest.raises(Conflict):
        service.reject_tip(session, actor=SYSTEM, tip_id=tip.id, decision=TipDecision())


def test_public_tip_endpoint_is_rate_limited(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(database)
    monkeypatch.setattr(ratelimit, "_limiter", ratelimit.RateLimiter(3))
    public = world.client()
    codes = [public.post("/api/v1/public/tips", json={"kind": "url", "value": f"spam{i}.top"}).status_code
             for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    ratelimit.reset_limiter()
