"""Risk lists: canonical lookup, expiry, sub-domains, CSV import with row-level errors."""

from datetime import UTC, datetime, timedelta

import pytest

from fanzha.detect.risklist import RiskEntry, RiskKind, RiskList, parse_risk_csv

NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("listed", "queried"),
    [
        ((RiskKind.PHONE, "13812345678"), "+86 138-1234-5678"),
        ((RiskKind.PHONE, "+8613812345678"), "13812345678"),
        ((RiskKind.URL, "evil.top"), "http://a.b.evil.top/login"),
        ((RiskKind.URL, "https://www.evil.top/x"), "evil.top"),
        ((RiskKind.ACCOUNT, "6222 0212 3456 7890 128"), "6222021234567890128"),
        ((RiskKind.QQ, "2857714903"), "2857714903"),
        ((RiskKind.WECHAT, "Zhang_88a"), "zhang_88a"),
    ],
)
def test_listed_values_match_in_any_spelling(listed: tuple[RiskKind, str], queried: str) -> None:
    risk = RiskList([RiskEntry(listed[0], listed[1], "测试")])
    assert risk.lookup(listed[0], queried, NOW) is not None


def test_expired_entries_no_longer_match() -> None:
    risk = RiskList([RiskEntry(RiskKind.PHONE, "13812345678", "x", NOW - timedelta(days=1))])
    assert risk.lookup(RiskKind.PHONE, "13812345678", NOW) is None


def test_listed_domain_does_not_cover_its_parent() -> None:
    risk = RiskList([RiskEntry(RiskKind.URL, "a.evil.top")])
    assert risk.lookup(RiskKind.URL, "evil.top", NOW) is None


def test_csv_import_keeps_good_rows_and_reports_bad_ones() -> None:
    text = (
        "kind,value,source,expires_at\n"
        "phone,13812345678,110警情,2030-01-01T00:00:00\n"
        "网址,evil.top,举报,\n"
        "fax,123,x,\n"
        "phone,,x,\n"
        "qq,abc,x,\n"
        "account,6222021234567890128,x,not-a-date\n"
    )
    entries, errors = parse_risk_csv(text)
    assert [(e.kind, e.value) for e in entries] == [(RiskKind.PHONE, "13812345678"), (RiskKind.URL, "evil.top")]
    assert [(e.line, e.field) for e in errors] == [(4, "kind"), (5, "value"), (6, "value"), (7, "expires_at")]
    assert all(e.message for e in errors)


def test_csv_without_required_columns_is_one_header_error() -> None:
    entries, errors = parse_risk_csv("number,comment\n13812345678,x\n")
    assert entries == [] and errors[0].field == "header"
