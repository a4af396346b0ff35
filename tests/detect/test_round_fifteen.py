"""Round fifteen: contact ids typed in chunks with no colon, emergency and local-bank numbers, full-width
split contacts, kidnapping and debt-collector threats, and reminders that say not to add anyone. The texts
below are new wording, in none of the hand-written sets."""

import pytest

from fanzha.detect.engine import OBFUSCATED_CONTACT_REASON, Detector
from fanzha.detect.entities import extract_entities
from fanzha.detect.normalize import normalize
from fanzha.detect.selfcheck import self_check


def found(text: str) -> set[tuple[str, str]]:
    return {(e.kind.value, e.value) for e in extract_entities(normalize(text)) if e.valid}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("工 作 轻 松 日 结 详 情 薇 信 gz 2 0 2 7 ok", ("wechat", "gz2027ok")),
        ("想赚钱的加 薇 ❤ ab 6688 cd", ("wechat", "ab6688cd")),
        ("加 我 的 V X ： l i n a 5 2 0 聊", ("wechat", "lina520")),
        ("同 城 交 友 加 ❤：m e i m e i 7 7", ("wechat", "meimei77")),
        ("內部渠道 扣：2671 4839 5", ("qq", "267148395")),
        ("老师带单 进群 +Q 4412 8093 61", ("qq", "4412809361")),
        ("股票交流 扣群 6 6 8 ② 1 0 ⑦ 3 5", ("qq", "668210735")),
        ("遇到诈骗请立即拨打110报警", ("service_number", "110")),
        ("如有疑问请拨打96110或110。", ("service_number", "110")),
        ("【某农商银行】客服热线961155", ("service_number", "961155")),
    ],
)
def test_chunked_ids_and_short_numbers_are_extracted(text: str, entity: tuple[str, str]) -> None:
    assert entity in found(text)


@pytest.mark.parametrize("text", ["Q3 2024年营收增长", "我的微信是老号 没换", "加微信聊聊2024年见", "今年110周年校庆"])
def test_no_contact_or_emergency_number_is_made_up(text: str) -> None:
    assert not {e for e in found(text) if e[0] in ("qq", "wechat", "service_number")}


def test_a_contact_split_in_full_width_characters_is_hidden(detector: Detector) -> None:
    verdict = detector.detect("寂寞来撩 陪聊交友 加 薇：ｍ ｌ ５ ２ ０ ｘ ｘ")
    assert OBFUSCATED_CONTACT_REASON in {c.reason for c in verdict.cues}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("你儿子在我手上，今天准备十万，不许报警，不然后果你知道", "虚构绑架勒索"),
        ("你欠我们老板的钱拖了半年了，再不还就去你们村找你家里人，自己掂量", "威胁恐吓索财"),
    ],
)
def test_kidnapping_and_threats_are_flagged(detector: Detector, text: str, reason: str) -> None:
    verdict = detector.detect(text)
    assert verdict.is_fraud
    assert reason in {c.reason for c in verdict.cues}


@pytest.mark.parametrize(
    "text",
    [
        "同事：我在闲鱼卖旧相机，买家要加我微信，我没理，别私下交易，就在平台上走担保",
        "【某宝】您的退款已原路退回，无需联系任何客服。",
    ],
)
def test_reminders_to_stay_on_the_platform_are_not_flagged(detector: Detector, text: str) -> None:
    assert not detector.detect(text).is_fraud


def test_a_low_self_check_explains_itself_without_reading_like_a_warning(detector: Detector) -> None:
    text = "【县农业农村局】耕地地力补贴已通过社保卡发放，不需要添加任何工作人员微信，也无需提供验证码。"
    result = self_check(detector, text)
    assert result.risk == "低"
    assert result.reasons[0] == "未发现足以判定为诈骗的特征"
    assert result.verdict is not None
    assert not {c.reason for c in result.verdict.cues} & set(result.reasons)  # no cue reason listed as a finding
    assert "补贴" in result.reasons[1]  # the words worth a second look are named
