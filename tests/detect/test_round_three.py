"""Round three of the detector (docs/detect.md): guards a scammer can copy no longer cancel a fake link,
an impersonated anti-fraud officer is not a reminder, and the TeleAntiFraud type experiment reads the
caller's opening turn."""

from fanzha.detect.corpora import Sample
from fanzha.detect.engine import Detector
from fanzha.detect.experiments import opening_turn


def test_fake_operator_points_sms_with_lookalike_link_is_fraud() -> None:
    verdict = Detector().detect("【中国移动】您的积分即将清零，登录 yd10086-jf.top 兑换话费，退订回T")
    assert verdict.is_fraud
    assert verdict.type_code == "F11"


def test_genuine_operator_points_sms_is_not_fraud() -> None:
    assert not Detector().detect("【中国移动】尊敬的客户，您的积分可在中国移动App兑换话费，退订回T").is_fraud


def test_caller_claiming_to_be_the_anti_fraud_centre_is_fraud() -> None:
    verdict = Detector().detect("我是反诈中心的工作人员，请下载投屏软件配合检查您的账户")
    assert verdict.is_fraud
    assert verdict.type_code == "F05"


def test_opening_turn_is_the_callers_first_turn() -> None:
    dialogue = Sample("您好，这里是银行客服\n嗯\n请提供验证码", "银行诈骗", "F11", "teleantifraud", "f.jsonl",
                      ("您好，这里是银行客服", "请提供验证码"))  # fmt: skip
    assert opening_turn(dialogue) == "您好，这里是银行客服"
    assert opening_turn(Sample("只有一段文本", "x", "N", "t", "g")) == "只有一段文本"
