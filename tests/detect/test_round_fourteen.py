"""Round fourteen: a private contact typed to slip past filters is evidence on its own, both batch paths
agree on it, and scams on the elderly have cues. The texts below are new wording, in none of the
hand-written sets."""

import numpy as np
import pytest

from fanzha.detect.engine import OBFUSCATED_CONTACT_REASON, Detector
from fanzha.detect.entities import contact_obfuscated, extract_entities, texts_with_hidden_contact_marks
from fanzha.detect.model import _sigmoid
from fanzha.detect.normalize import normalize

HIDDEN = [
    "急用钱的朋友看过来 额度五万起 当天放款 电话 ①⑤⑧ ②⑦③① ⑥⑥④⑨",
    "内部渠道低息贷款 征信花了也能批 联系 壹叁玖 捌捌肆贰 柒柒零陆",
    "日结兼职 手机就能做 有意者扣 3 9 8 2 1 7 6 5 0",
    "寂寞的话来找我聊天呀 薇：q i a o q i a o 6 6 8",
    "游戏代充5折 秒到 联系ｖｘ：ｙｘｄｃ２０２６ 备注来意",
    "理财带你回本 老师电话一五九 二六八三 四四七一 名额有限",
]
NOT_HIDDEN = [
    "我新手机号 138 1234 5678，存一下",
    "【圆通】您的包裹正在派送中，派送员电话１７２８８４７４５２３。",  # typed wholly in full-width mode
    "客服：请问您的联系电话？\n我：一三八一二三四五六七八",  # numbers spoken in a call transcript
    "加我微信 chen_li2019 晚上约饭",
]


@pytest.mark.parametrize("text", HIDDEN)
def test_a_contact_typed_to_slip_past_filters_is_flagged_with_its_reason(detector: Detector, text: str) -> None:
    verdict = detector.detect(text)
    assert verdict.is_fraud
    assert OBFUSCATED_CONTACT_REASON in {c.reason for c in verdict.cues}


@pytest.mark.parametrize("text", NOT_HIDDEN)
def test_plainly_written_contacts_are_not_disguise(text: str) -> None:
    entities = extract_entities(normalize(text))
    assert entities, "the contact is still extracted"
    assert not any(contact_obfuscated(e.text, text) for e in entities)


def test_both_batch_paths_equal_per_text_verdicts_on_hidden_contacts(detector: Detector) -> None:
    texts = HIDDEN + NOT_HIDDEN + ["【建设银行】您的账户异常，请联系 ①⑧⑧ 一二 客服", "a b c d e f", "", "①"]
    single = [detector.detect(t) for t in texts]
    scores = detector.score_batch(texts)
    assert scores.is_fraud == [v.is_fraud for v in single]
    assert scores.probability == [v.probability for v in single]
    assert [v.probability for v in detector.detect_batch(texts)] == [v.probability for v in single]


def test_the_batch_gate_keeps_every_text_a_hidden_contact_could_be_in() -> None:
    texts = HIDDEN + NOT_HIDDEN + ["普通短信", "尾号８８８８ 的卡 ok", "一二 三", "x", "一二"]
    flagged = {
        i for i, t in enumerate(texts) if any(contact_obfuscated(e.text, t) for e in extract_entities(normalize(t)))
    }
    gated = set(texts_with_hidden_contact_marks(texts))
    assert flagged <= gated
    assert set(range(len(HIDDEN))) <= gated
    assert texts.index(NOT_HIDDEN[1]) not in gated  # wholly full-width: no ordinary letters or digits


def test_vectorized_probabilities_round_and_threshold_like_math_exp(detector: Detector) -> None:
    z = np.random.default_rng(14).normal(0.0, 8.0, 200_000)
    fast = detector.model.fraud_probabilities(z * detector.model.temperature, np.zeros_like(z), 0.5).tolist()
    exact = [_sigmoid(x) for x in z.tolist()]
    assert [round(p, 4) for p in fast] == [round(p, 4) for p in exact]
    assert [p >= 0.5 for p in fast] == [p >= 0.5 for p in exact]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("李奶奶明早来听健康讲座 吃了这个药高血压都能停 一个疗程三千八 来的时候带上存折", "养老/保健品会销诈骗"),
        ("孙大爷 咱这个养老合作社投五万每个月返九百 到期还本 名额仅剩四个", "承诺固定返还的养老投资"),
    ],
)
def test_scams_on_the_elderly_have_cues(detector: Detector, text: str, reason: str) -> None:
    # A cue, not always a verdict: a sales-talk invitation with no hook-and-ask pair can stay under 0.5.
    assert reason in {c.reason for c in detector.detect(text).cues}


def test_a_notice_that_says_no_one_needs_to_be_added_is_not_flagged(detector: Detector) -> None:
    text = "【县农业农村局】耕地地力补贴已通过社保卡发放，不需要添加任何工作人员微信，也无需提供验证码。"
    assert not detector.detect(text).is_fraud
