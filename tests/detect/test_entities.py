"""Entities carry validated values and spans in the ORIGINAL text."""

import random

import pytest

from fanzha.detect.checksums import id_check_char, luhn_valid, resident_id_valid
from fanzha.detect.entities import extract_entities
from fanzha.detect.generator import valid_id_number
from fanzha.detect.normalize import normalize
from fanzha.detect.schemas import Entity

VALID_ID = valid_id_number(random.Random(1))
INVALID_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
VALID_CARD = "6222021234567890128"
INVALID_CARD = "6222021234567890123"


def entities(text: str) -> list[Entity]:
    return extract_entities(normalize(text))


def kinds_values(text: str) -> set[tuple[str, str, bool]]:
    return {(str(e.kind), e.value, e.valid) for e in entities(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", ("mobile", "13812345678", True)),
        ("电话+86 138-1234-5678", ("mobile", "13812345678", True)),
        ("0086 17366012789", ("mobile", "17366012789", True)),
        ("幺三八一二三四五六七八", ("mobile", "13812345678", True)),
        ("座机0755-82345678", ("landline", "075582345678", True)),
        ("(020)38826710", ("landline", "02038826710", True)),
        ("热线400-820-1234", ("service_number", "4008201234", True)),
        ("拨打95588", ("service_number", "95588", True)),
        ("96110提醒您", ("service_number", "96110", True)),
        ("加QQ 2857714903", ("qq", "2857714903", True)),
        ("扣扣 1 2 3 4 5 6 7 8", ("qq", "12345678", True)),
        ("加V信：zhang_88a", ("wechat", "zhang_88a", True)),
        ("访问 www点icbc-vip点com", ("url", "www.icbc-vip.com", True)),
        ("https://t.cn/AbC123?x=1。", ("url", "https://t.cn/abc123?x=1", True)),
        (f"卡号{VALID_CARD}", ("bank_card", VALID_CARD, True)),
        ("卡号6222 0212 3456 7890 128", ("bank_card", VALID_CARD, True)),
        (f"卡号{INVALID_CARD}", ("bank_card", INVALID_CARD, False)),
        (f"身份证{VALID_ID}", ("id_number", VALID_ID, True)),
        (f"身份证{INVALID_ID}", ("id_number", INVALID_ID, False)),
        ("您的验证码是 482913", ("verification_code", "482913", True)),
        ("转账5000元", ("amount", "5000", True)),
        ("日赚3k", ("amount", "3000", True)),
        ("投资五万元", ("amount", "50000", True)),
        ("人民币500.00元", ("amount", "500", True)),
        ("¥300", ("amount", "300", True)),
        ("下载向日葵", ("remote_control", "向日葵", True)),
        ("开启屏幕共享", ("remote_control", "屏幕共享", True)),
        ("下载抖音", ("app", "抖音", True)),
    ],
)
def test_entity_is_extracted_with_canonical_value(text: str, expected: tuple[str, str, bool]) -> None:
    assert expected in kinds_values(text)


@pytest.mark.parametrize(
    "text",
    [
        "千万不要相信",  # 千万 is no amount
        "尾号1234的账户",  # four digits are no number entity
        "2023年12月01日",
        "3kg苹果",
        "版本3.14.15",
    ],
)
def test_no_false_entities(text: str) -> None:
    assert {str(e.kind) for e in entities(text)} <= {"amount"} - {"amount"}


def test_spans_point_into_the_original_text() -> None:
    text = "请加扣扣 1 2 3 4 5 6 7 8 或 V信：zhang_88a，电话 幺三八一二三四五六七八"
    for e in entities(text):
        assert text[e.start : e.end] == e.text
    qq = next(e for e in entities(text) if e.kind == "qq")
    assert qq.text == "1 2 3 4 5 6 7 8"


@pytest.mark.parametrize("seed", range(50))
def test_checksum_invalid_ids_and_cards_are_never_valid(seed: int) -> None:
    rng = random.Random(seed)
    digits = "".join(rng.choices("0123456789", k=18))
    text = f"卡号{digits[:16]}，证件{digits}，另{digits[:19]}"
    for e in entities(text):
        if e.kind == "bank_card" and e.valid:
            assert luhn_valid(e.value)
        if e.kind == "id_number" and e.valid:
            assert resident_id_valid(e.value)


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("11010119900307001", "1")],
)
def test_gb11643_check_character(first17: str, check: str) -> None:
    assert id_check_char(first17) == check
    assert resident_id_valid(first17 + check)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("兼职日结，手机就能做，加Q 2816370459", [("qq", "2816370459")]),
        ("低 價 出 售 金 幣，加 扣 ３８２７６１５０９ 私 聊", [("qq", "382761509")]),
        ("高价收购银行卡，当天结算，V：shouka_777", [("wechat", "shouka_777")]),
        ("稳 赚 不 亏，进 群 加 薇 ❤ zt8866jr", [("wechat", "zt8866jr")]),
        ("【极兔速递】您的快件已签收，如有疑问请致电956025。", [("service_number", "956025")]),
        ("本行不会索要短信验证码。如有疑问请致电95588。", [("service_number", "95588")]),
        ("【12306】验证码819245，5分钟内有效。", [("service_number", "12306"), ("verification_code", "819245")]),
        ("退保金额12800，我们给您转到银行卡里", []),
        ("消费者投诉请拨打12315", [("service_number", "12315")]),
    ],
)
def test_contact_ids_service_numbers_and_codes_in_their_common_spellings(text: str,
                                                                          expected: list[tuple[str, str]]) -> None:
    """Shorthand contact ids (加Q, 加扣, V：, 加薇), 6-digit 95 numbers, and a code is the number after its
    keyword in the same sentence, never a sender tag's number; 12xxx amounts are not hotlines."""
    kinds = {"qq", "wechat", "service_number", "verification_code"}
    assert [(str(e.kind), e.value) for e in entities(text) if str(e.kind) in kinds] == expected
