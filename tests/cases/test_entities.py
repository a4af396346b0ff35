"""Entity keys: one node per real-world value, malformed values kept with a reason."""

from __future__ import annotations

import pytest

from fanzha.cases.entities import EntityKind, canonical, parse
from fanzha.core.pii import PIIKind, blind_index
from tests.cases.helpers import card


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    (EntityKind.PHONE, "+86 170-1234-5678", "17012345678"),
    (EntityKind.PHONE, "0086 17012345678", "17012345678"),
    (EntityKind.PHONE, "(0571) 8888 6666", "057188886666"),
    (EntityKind.ACCOUNT, "6222 0202 0011 2233", "6222020200112233"),
    (EntityKind.URL, "https://WWW.Kf.Evil-Shop.top/pay?id=1", "evil-shop.top"),
    (EntityKind.URL, "a.b.icbc-vip.com.cn/login", "icbc-vip.com.cn"),
    (EntityKind.WECHAT, "KF_Jd8899 ", "kf_jd8899"),
    (EntityKind.APP, "屏幕共享", "屏幕共享"),
])  # fmt: skip
def test_values_are_canonicalized_so_reports_meet_on_one_node(kind: EntityKind, raw: str, expected: str) -> None:
    assert canonical(kind, raw) == expected


@pytest.mark.parametrize(("kind", "raw", "reason"), [
    (EntityKind.PHONE, "1701234567", "手机号应为11位"),
    (EntityKind.PHONE, "5566", "号码位数不对"),
    (EntityKind.ACCOUNT, "62220202", "账户号码位数不对"),
    (EntityKind.ACCOUNT, "6222020200112234", "校验位不符"),
    (EntityKind.URL, "not a site", "不是有效的网址"),
    (EntityKind.QQ, "0123", "QQ号应为5到11位数字"),
    (EntityKind.WECHAT, "1abc", "微信号应为字母开头"),
    (EntityKind.IP, "300.1.1.1", "超出范围"),
])  # fmt: skip
def test_malformed_values_are_kept_raw_with_a_chinese_reason(kind: EntityKind, raw: str, reason: str) -> None:
    value = parse(kind, raw)
    assert not value.valid
    assert reason in (value.note or "")
    assert value.canonical == raw.strip()
    assert value.key.startswith("raw:")


def test_phone_and_account_keys_are_the_platform_blind_index() -> None:
    assert parse(EntityKind.PHONE, "+86 17012345678").key == blind_index(PIIKind.PHONE, "17012345678")
    assert parse(EntityKind.ACCOUNT, card(7)).key == blind_index(PIIKind.BANK_CARD, card(7))


def test_personal_numbers_are_shown_masked() -> None:
    assert parse(EntityKind.PHONE, "17012345678").masked == "170****5678"
    assert parse(EntityKind.ACCOUNT, card(7)).masked.startswith("6222 **** ****")
    assert "*" in parse(EntityKind.WECHAT, "kf_jd8899").masked
    assert parse(EntityKind.URL, "evil.top").masked == "evil.top"
