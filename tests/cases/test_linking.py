"""串并案, gangs, money chains and exports over the database."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from fanzha.cases import export, gangs, linking
from fanzha.cases.models import CaseLink
from fanzha.cases.schemas import FlowIn
from fanzha.cases.service import import_flows
from fanzha.core.events import CASE_LINKED, InProcessBus, set_bus
from fanzha.core.rbac import Principal, Role
from tests.cases.helpers import card, make_case, scam_phone
from tests.factories import SYSTEM, make_tree

OFFICER_T1 = Principal.for_user(user_id=99, username="officer", role=Role.STATION_OFFICER, area_code="T1",
                                area_path="C/T1/")


def _paths(session) -> None:  # type: ignore[no-untyped-def]
    from fanzha.areas import service as areas

    global OFFICER_T1
    t1 = areas.get(session, code="T1")
    OFFICER_T1 = Principal.for_user(user_id=99, username="officer", role=Role.STATION_OFFICER, area_code="T1",
                                    area_path=t1.path)


def test_related_cases_come_with_a_score_and_the_shared_evidence_in_chinese(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    a = make_case(session, accounts=[card(1)], phones=[scam_phone(1)], apps=["抖音"])
    b = make_case(session, accounts=[card(1)], apps=["抖音"])
    c = make_case(session, phones=[scam_phone(1)])
    make_case(session, apps=["抖音"])  # shares only a common App: not related
    out = linking.related(session, actor=SYSTEM, case_id=a.id)
    assert [r.case_id for r in out.related] == [b.id, c.id]  # account (0.9 + app) before phone (0.8)
    assert out.related[0].shared[0].startswith("共用银行账户 6222 **** ****")
    assert "共 2 起案件涉及" in out.related[0].shared[0]
    assert out.related[1].shared == ["共用电话号码 170****0001，共 2 起案件涉及"]


def test_related_cases_outside_the_officers_jurisdiction_are_counted_not_shown(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    _paths(session)
    a = make_case(session, "G111", accounts=[card(2)])
    make_case(session, "G211", accounts=[card(2)])
    out = linking.related(session, actor=OFFICER_T1, case_id=a.id)
    assert out.related == [] and out.outside_scope == 1


def test_batch_linking_stores_links_and_announces_only_new_ones(session) -> None:  # type: ignore[no-untyped-def]
    bus = InProcessBus()
    seen: list[dict[str, object]] = []
    bus.subscribe(CASE_LINKED, lambda ev: seen.append(ev.payload))
    set_bus(bus)
    try:
        make_tree(session)
        a = make_case(session, accounts=[card(3)])
        b = make_case(session, accounts=[card(3)])
        first = linking.run_batch(session, actor=SYSTEM)
        session.commit()
        c = make_case(session, accounts=[card(3)])
        second = linking.run_batch(session, actor=SYSTEM)
        session.commit()
    finally:
        set_bus(None)
    assert (first.links, first.new_links) == (1, 1)
    assert (second.links, second.new_links) == (3, 2)
    assert [(p["case_id"], p["linked_case_id"]) for p in seen] == [(a.id, b.id), (a.id, c.id), (b.id, c.id)]
    assert seen[0]["shared"] and str(seen[0]["shared"][0]).startswith("共用银行账户")  # type: ignore[index]
    assert card(3) not in str(seen)
    stored = session.scalars(select(CaseLink).order_by(CaseLink.id)).all()
    assert stored[0].score == 0.9 and stored[0].computed_at.tzinfo is not None


def test_gangs_rank_by_loss_and_trace_money_through_mule_accounts(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    pay = [{"amount_fen": 5_000_000, "payee_account": card(10)}]
    big = [make_case(session, transfers=pay, phones=[scam_phone(10)]) for _ in range(3)]
    small = [make_case(session, wechat_ids=["kf_ring2"], loss_fen=100_000) for _ in range(2)]
    make_case(session, accounts=[card(99)])  # alone: no gang
    import_flows(session, actor=SYSTEM, flows=[
        FlowIn(from_account=card(10), to_account=card(11), amount_fen=9_000_000),
        FlowIn(from_account=card(11), to_account=card(12), amount_fen=8_000_000),
    ])
    ranked = gangs.ranked(session, actor=SYSTEM)
    assert [g.cases for g in ranked] == [3, 2]
    assert ranked[0].gang_id == f"TH{big[0].id:06d}" and ranked[0].loss_fen == 15_000_000
    assert ranked[0].victims == 3 and ranked[1].gang_id == f"TH{small[0].id:06d}"
    detail = gangs.get(session, actor=SYSTEM, gang_id=ranked[0].gang_id)
    chain = detail.chains[0]
    assert chain.path[0] == "受害人" and len(chain.path) == 4
    assert chain.amount_fen == 8_000_000 and chain.victims == 3
    csv_text = gangs.evidence_csv(session, actor=SYSTEM, gang_id=ranked[0].gang_id)
    assert "团伙证据清单" in csv_text and "三、资金链路" in csv_text and card(10) not in csv_text


def test_case_sheet_exports_the_elements_as_docx_with_masked_numbers(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    a = make_case(session, accounts=[card(20)], phones=[scam_phone(20)], scripts=["你涉嫌洗钱"],
                  narrative=f"对方用{scam_phone(20)}打来电话")
    make_case(session, accounts=[card(20)])
    name, body = export.case_sheet(session, actor=SYSTEM, case_id=a.id)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    cells = "\n".join(c.text for t in Document(io.BytesIO(body)).tables for r in t.rows for c in r.cells)
    assert name.endswith("要素表.docx")
    assert "串并案线索" in text and "你涉嫌洗钱" in text and "170****0020" in text + cells
    assert scam_phone(20) not in text + cells and card(20) not in text + cells


def test_case_graph_has_the_case_its_entities_and_linked_cases(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    a = make_case(session, accounts=[card(30)], phones=[scam_phone(30)])
    b = make_case(session, accounts=[card(30)])
    g = linking.neighbourhood(session, actor=SYSTEM, case_id=a.id)
    ids = {n["id"] for n in g["nodes"]}  # type: ignore[attr-defined]
    assert {f"c{a.id}", f"c{b.id}"} <= ids and len(ids) == 4
    assert {"source": f"c{b.id}", "target": next(i for i in ids if i.startswith("e") and any(
        lk["target"] == i and lk["source"] == f"c{b.id}" for lk in g["links"]))} in g["links"]  # type: ignore[attr-defined]


def test_bank_decisions_and_detection_hits_join_the_graph_by_hash_once(session) -> None:  # type: ignore[no-untyped-def]
    from fanzha.cases import service, sightings
    from fanzha.cases.entities import EntityKind, parse
    from fanzha.core.events import DETECT_HIT_CREATED, TRANSACTION_DECIDED, Event

    make_tree(session)
    case = make_case(session, accounts=[card(40)], phones=[scam_phone(40)])
    decided = Event(TRANSACTION_DECIDED, {"transaction_id": 7, "decision": "block", "amount_fen": 500_000,
                                          "payee_account_hash": parse(EntityKind.ACCOUNT, card(40)).key,
                                          "payee_account_masked": "6222 **** **** 0400"})
    hit = Event(DETECT_HIT_CREATED, {"hit_id": 3, "counterpart_kind": "phone", "type_name": "冒充客服",
                                     "counterpart_hash": parse(EntityKind.PHONE, scam_phone(40)).key,
                                     "counterpart_masked": "170****0040"})
    assert sightings.record(session, decided) == 1
    assert sightings.record(session, decided) == 0  # redelivered: applied once
    assert sightings.record(session, hit) == 1
    seen = {e.kind: e.sightings for e in service.to_out(session, case).entities}
    assert seen == {"account": 1, "phone": 1}
