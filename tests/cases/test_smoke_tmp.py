from tests.cases.helpers import card, make_case, scam_phone
from fanzha.cases import linking, gangs, export
from tests.factories import SYSTEM, make_tree


def test_smoke(session):
    make_tree(session)
    a = make_case(session, accounts=[card(1)], phones=[scam_phone(1)], narrative="对方让我下载屏幕共享，转账到6222021234567890123")
    b = make_case(session, accounts=[card(1)], phones=[scam_phone(2)])
    c = make_case(session, accounts=[card(3)])
    rel = linking.related(session, actor=SYSTEM, case_id=a.id)
    print(rel)
    print(linking.run_batch(session, actor=SYSTEM))
    print(gangs.ranked(session, actor=SYSTEM))
    g = gangs.find(session, actor=SYSTEM)[0]
    print(gangs.detail(session, g))
    print(gangs.evidence_csv(session, actor=SYSTEM, gang_id=g.gang_id))
    print(export.case_sheet(session, actor=SYSTEM, case_id=a.id)[0])
    print(linking.neighbourhood(session, actor=SYSTEM, case_id=a.id))
