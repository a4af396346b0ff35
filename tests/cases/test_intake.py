"""Taking 110/walk-in reports: 案情要素, malformed values kept, duplicates merged, status flow."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import func, select

from fanzha.audit.models import AuditRecord
from fanzha.cases import service
from fanzha.cases.intake import can_move
from fanzha.cases.models import Case, CaseEntity, CaseStatus, MoneyFlow
from fanzha.cases.schemas import StatusChange
from fanzha.core.db import Database
from fanzha.core.errors import Invalid, TransitionNotAllowed
from tests.cases.helpers import card, make_case, report, scam_phone
from tests.factories import SYSTEM, make_tree, make_world


def test_report_over_the_api_keeps_every_element_masked_and_flags_malformed_ones(database: Database) -> None:
    world = make_world(database)
    client = world.client("officer")
    body = report("G111", phones=[scam_phone(1), "1701234"], accounts=["6222 0202 0011 2234"],
                  urls=["https://kf.jd-refund.top/a"], wechat_ids=["kf_jd8899"], apps=["屏幕共享"],
                  transfers=[{"amount_fen": 3_000_000, "payee_account": card(11), "method": "银行转账"}],
                  loss_fen=0).model_dump(mode="json")
    resp = client.post("/api/v1/cases", json=body)
    assert resp.status_code == 201, resp.text
    case = resp.json()["case"]
    assert case["status"] == "接报" and case["loss_fen"] == 3_000_000  # loss defaults to the transfers' sum
    by_role = {(e["kind"], e["masked"]): e for e in case["entities"]}
    assert ("phone", "170****0001") in by_role
    bad_phone = next(e for e in case["entities"] if e["kind"] == "phone" and not e["valid"])
    assert bad_phone["note"] == "手机号应为11位"
    bad_card = next(e for e in case["entities"] if e["kind"] == "account" and not e["valid"])
    assert "校验位不符" in bad_card["note"]
    assert ("url", "jd-refund.top") in by_role
    assert case["transfers"][0]["to_masked"].startswith("6222 **** ****")
    assert scam_phone(1) not in resp.text and card(11) not in resp.text


def test_officer_cannot_file_a_report_outside_his_jurisdiction(database: Database) -> None:
    world = make_world(database)
    resp = world.client("officer").post("/api/v1/cases", json=report("G211").model_dump(mode="json"))
    assert resp.status_code == 404


def test_bad_input_is_a_structured_422_and_writes_nothing(database: Database) -> None:
    world = make_world(database)
    resp = world.client("officer").post("/api/v1/cases", json={"area_code": "G111", "loss_fen": -5,
                                                               "type_code": "F77"})
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert {"loss_fen", "type_code"} <= set(err["fields"])
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_same_victim_reporting_again_about_the_same_account_merges_into_one_case(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    first = make_case(session, victim_phone="13800009999", accounts=[card(21)], loss_fen=1_000_000,
                      narrative="先转了一万")
    again = service.create(session, actor=SYSTEM, data=report(
        "G111", victim_phone="+86 138-0000-9999", accounts=[card(21), card(22)], phones=[scam_phone(22)],
        loss_fen=2_500_000, narrative="后来又转了一万五"))
    assert again.merged and again.case.id == first.id
    assert again.case.report_count == 2 and again.case.loss_fen == 2_500_000
    assert "【补充报案】后来又转了一万五" in (again.case.narrative_enc or "")
    assert session.scalar(select(func.count()).select_from(CaseEntity).where(CaseEntity.case_id == first.id)) == 3


def test_same_victim_defrauded_by_an_unrelated_gang_stays_a_separate_case(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    first = make_case(session, victim_phone="13800008888", accounts=[card(31)], loss_fen=1_000_000)
    other = service.create(session, actor=SYSTEM, data=report("G111", victim_phone="13800008888",
                                                               accounts=[card(32)], loss_fen=700_000))
    assert not other.merged and other.case.id != first.id


def test_external_ref_makes_intake_idempotent(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    a = make_case(session, external_ref="110-20260302-0007", accounts=[card(41)])
    b = service.create(session, actor=SYSTEM, data=report("G111", external_ref="110-20260302-0007"))
    assert b.merged and b.case.id == a.id and b.case.report_count == 1


@pytest.mark.parametrize(("path", "allowed"), [
    (["立案", "侦查", "破案", "移诉"], True),
    (["立案", "侦查", "移诉"], True),
    (["不予立案"], True),
    (["侦查"], False),
    (["立案", "破案"], False),
    (["不予立案", "立案"], False),
])  # fmt: skip
def test_status_moves_only_along_the_case_workflow(path: list[str], allowed: bool) -> None:
    steps = [CaseStatus.RECEIVED, *(CaseStatus(s) for s in path)]
    assert all(can_move(a, b) for a, b in pairwise(steps)) is allowed


def test_a_status_jump_is_refused_with_both_statuses_named(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    case = make_case(session, accounts=[card(51)])
    with pytest.raises(TransitionNotAllowed) as exc:
        service.change_status(session, actor=SYSTEM, case_id=case.id, data=StatusChange(to=CaseStatus.SOLVED))
    assert exc.value.fields == {"from": "接报", "to": "破案"}


def test_recovered_amount_cannot_exceed_the_loss_and_status_changes_are_audited(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    case = make_case(session, accounts=[card(61)], loss_fen=1_000_000)
    with pytest.raises(Invalid):
        service.change_status(session, actor=SYSTEM, case_id=case.id,
                              data=StatusChange(to=CaseStatus.FILED, recovered_fen=2_000_000))
    service.change_status(session, actor=SYSTEM, case_id=case.id,
                          data=StatusChange(to=CaseStatus.FILED, recovered_fen=300_000))
    assert case.recovered_fen == 300_000 and case.filed_at is not None
    actions = session.scalars(select(AuditRecord.action).where(AuditRecord.object_id == str(case.id))).all()
    assert "case.create" in actions and "case.status" in actions


def test_suggestions_from_the_narrative_are_added_only_when_the_officer_accepts(session) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    narrative = (f"对方自称客服，让我下载屏幕共享，我向{card(71)}转账5万元，对方电话{scam_phone(71)}，"
                 "网址https://jd-kf.top/a")
    declined = make_case(session, narrative=narrative)
    accepted = make_case(session, narrative=narrative + "。", accept_suggestions=True, type_code=None)
    assert session.scalar(select(func.count()).select_from(CaseEntity).where(CaseEntity.case_id == declined.id)) == 0
    kinds = {e.kind for e in service.to_out(session, accepted).entities}
    assert {"phone", "account", "url"} <= kinds
    assert accepted.type_code is not None and not accepted.type_confirmed
    stored = str(accepted.suggestion)
    assert card(71) not in stored and scam_phone(71) not in stored  # only masked copies are kept


def test_account_to_account_flows_are_kept_for_tracing(session) -> None:  # type: ignore[no-untyped-def]
    from fanzha.cases.schemas import FlowIn

    make_tree(session)
    service.import_flows(session, actor=SYSTEM, flows=[FlowIn(from_account=card(81), to_account=card(82),
                                                              amount_fen=100_000)])
    assert session.scalar(select(func.count()).select_from(MoneyFlow).where(MoneyFlow.source == "statement")) == 1
