"""Round thirteen: debt-collection threats that name where the victim lives, renting out a card "to move
money", 银联 as an official sender, and a guard for notices that say a body never asks on some pretext.
The texts below are new wording, in none of the hand-written sets."""

import pytest

from fanzha.detect.engine import Detector
from fanzha.detect.normalize import normalize
from fanzha.detect.sender import OFFICIAL_SENDER_MOBILE_REASON, official_sender_mobile


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("姓刘的，你家住哪我们都清楚，三天内拿八千出来，不然等着瞧", "威胁恐吓索财"),
        ("兄弟你手上有闲着的银行卡没，借我走走流水，一天两百", "出租/出售账户与电话卡"),
    ],
)
def test_threats_and_card_renting_are_cues(detector: Detector, text: str, reason: str) -> None:
    verdict = detector.detect(text)
    assert verdict.is_fraud
    assert reason in {c.reason for c in verdict.cues}


def test_a_union_pay_sms_asking_to_call_a_mobile_is_an_official_sender_rule(detector: Detector) -> None:
    text = "【银联中心】您的银行卡在异地消费6800元，如非本人操作请联系专员 17713246580 冻结"
    assert official_sender_mobile(normalize(text).text) is not None
    assert OFFICIAL_SENDER_MOBILE_REASON in {c.reason for c in detector.detect(text).cues}


def test_a_notice_that_says_it_never_asks_on_that_pretext_is_not_flagged(detector: Detector) -> None:
    text = "【顺丰速运】您的快件已签收。顺丰不会以“包裹丢失理赔”为由要求您加微信、下载软件或转账，谨防诈骗。"
    assert not detector.detect(text).is_fraud
