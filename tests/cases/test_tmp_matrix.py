import tests.test_access_matrix as m
from tests.access import cases_cases, cases_risklists


def test_my_matrix(database, monkeypatch):
    monkeypatch.setattr(m, "all_cases", lambda: cases_cases.CASES + cases_risklists.CASES)
    m.test_route_role_jurisdiction_matrix(database)
