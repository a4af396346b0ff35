"""Round twelve: an SMS signed by a bank or a public body that asks to call a personal mobile number
(sender.py), cue phrases for fake hiring fees, friend-verification requests, threats and 杀猪盘 openers, and
the citizen self-check reading a pasted message with a link as a message.
The texts below are new wording, in none of the hand-written sets."""

import pytest

from fanzha.detect.engine import Detector
from fanzha.detect.entities import extract_entities
from fanzha.detect.normalize import normalize
from fanzha.detect.schemas import SelfCheckKind
from fanzha.detect.selfcheck import guess_kind, self_check
from fanzha.detect.sender import OFFICIAL_SENDER_MOBILE_REASON, official_sender_mobile
from tests.detect.conftest import assert_batch_paths_equal_per_text

CALLBACK = "【农业银行】您的借记卡因身份信息过期已限制转账，请于今日致电客服专员 137 2846 9051 办理更新"
SUMMONS = "【市人民法院】您有一份传票未签收，请联系书记员15827364910确认开庭时间"

GENUINE = [
    "【韵达快递】您的包裹已到驿站，如有问题请联系派送员13562418790",
    "【农商银行】尊敬的客户，我是您的专属客户经理刘洋 13907731234，有需要请联系我",
    "【工商银行】您尾号3302的卡于11月28日支出200.00元，余额1,830.55元。如有疑问请致电95588",
    "王经理你好，建设银行的流水我明天发你，有事打我电话13800138000",  # no signature
]


@pytest.mark.parametrize("text", [CALLBACK, SUMMONS])
def test_an_official_sender_asking_to_call_a_mobile_is_flagged_on_the_number(detector: Detector, text: str) -> None:
    verdict = detector.detect(text)
    assert verdict.is_fraud
    (cue,) = [c for c in verdict.cues if c.reason == OFFICIAL_SENDER_MOBILE_REASON]
    assert text[cue.start : cue.end] == cue.phrase
    assert cue.phrase.replace(" ", "").isdigit() and len(cue.phrase.replace(" ", "")) == 11


@pytest.mark.parametrize("text", GENUINE, ids=["courier", "account-manager", "official-hotline", "no-signature"])
def test_couriers_account_managers_and_official_hotlines_are_not_this_rule(text: str) -> None:
    assert official_sender_mobile(normalize(text).text) is None


def test_the_rule_reads_numbers_written_in_chinese_digits() -> None:
    assert official_sender_mobile(normalize("【公安局】请立即联系专案组：壹叁玖贰柒陆捌伍零肆壹").text) is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("【宏远电子厂】恭喜通过面试，入职前请先交工衣费和住宿押金共350元到人事微信", "招工先收服装费/体检费"),
        ("兄弟帮个忙，我新号要好友辅助验证，你扫一下码就行，给你50块", "帮陌生人做微信辅助验证"),
        ("你好呀，我在马来西亚做外贸，看你头像很有缘，加个微信 lisa_my2025 交个朋友吧", "杀猪盘常见人设与搭讪"),
        ("欠钱不还是吧，拿三万出来消灾，不然后果自负", "威胁恐吓索财"),
    ],
)
def test_the_new_scam_phrases_are_cues(detector: Detector, text: str, reason: str) -> None:
    assert reason in {c.reason for c in detector.detect(text).cues}


def test_round_twelve_paths_agree(detector: Detector) -> None:
    both = "【建设银行】请点击 ccb-vip.top 并致电18820391746"  # a look-alike link and the callback number
    assert_batch_paths_equal_per_text(detector, [CALLBACK, SUMMONS, *GENUINE, both])


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("请速登录 boc-gengxin.c0m 完成验证", SelfCheckKind.TEXT),
        ("您的快递理赔请点击jd-pei.top填写", SelfCheckKind.TEXT),
        ("boc-gengxin.c0m", SelfCheckKind.URL),
        ("https://icbc-vip.cc/login", SelfCheckKind.URL),
    ],
)
def test_a_pasted_message_with_a_link_is_read_as_a_message_not_as_one_url(value: str, kind: SelfCheckKind) -> None:
    assert guess_kind(value) is kind


def test_a_citizen_who_pastes_a_message_with_a_hidden_link_is_warned(detector: Detector) -> None:
    result = self_check(detector, "请速登录 boc-gengxin.c0m 完成验证")
    assert result.kind is SelfCheckKind.TEXT and result.is_fraud and result.risk == "高"
    assert self_check(detector, "boc-gengxin[.]com").risk == "高"  # a bare link, obfuscated, is read as the link


@pytest.mark.parametrize(
    ("text", "wechat"),
    [
        ("想 认 识 你 加 个 薇 嘛～ q i n g 8 8 0 7", "qing8807"),
        ("姐 我 换 V 了，新 的 是 l m 6 6 0 2，加 一 下", "lm6602"),
        ("低 价 出 手 办 加 ❤ s h o u b a n 9 9 ❤ 私 聊", "shouban99"),
        ("要的加Vtaotao2026", "taotao2026"),
    ],
)
def test_a_spaced_id_after_wei_v_or_jia_is_extracted(text: str, wechat: str) -> None:
    assert ("wechat", wechat) in {(str(e.kind), e.value) for e in extract_entities(normalize(text))}


@pytest.mark.parametrize("text", ["加油2024！冲冲冲", "加wifi密码是abc12345", "vip会员v5等级，加速器abc"])
def test_words_after_jia_or_v_are_not_taken_for_ids(text: str) -> None:
    assert not [e for e in extract_entities(normalize(text)) if str(e.kind) == "wechat"]
