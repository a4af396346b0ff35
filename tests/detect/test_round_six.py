"""Round six: third-person retelling and negated asks (compose.py), look-alike short brand tokens and the
look-alike floor (lookalike.py, engine.py), the soft "invite" ask."""

import json
from pathlib import Path

import numpy as np
import pytest

from fanzha.detect import compose
from fanzha.detect.engine import LOOKALIKE_FLOOR, Detector
from fanzha.detect.lookalike import check_host
from fanzha.detect.normalize import normalize
from tests.detect.conftest import assert_batch_paths_equal_per_text, compose_state

DATA = Path(__file__).parent / "data"
HAND_WRITTEN = ("realistic.jsonl", "holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl", "holdout4.jsonl")

# New wording, in none of the hand-written sets.
NEWS_WITH_ASKS = "记者走访发现，有人冒充快递公司以丢件理赔为由，让市民下载会议软件并开启屏幕共享，随后转走存款"
FAMILY_WARNING = "邻居阿姨接到自称银行的电话，让她报一下验证码，幸好没说，大家小心"
NEGATED_NOTICE = "【某电商】您的订单已退款至原支付账户，请勿向陌生账户转账，客服不会索要验证码"
INVITE_CHAT = "我跟的那个老师带单，这个月收益翻了一番，你要不要也放点钱进去，我带你"


def _fraud_texts() -> list[str]:
    return [
        d["text"]
        for name in HAND_WRITTEN
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and (d := json.loads(line))["is_fraud"]
    ]


def test_raw_and_effective_states_agree_on_both_paths() -> None:
    rng = np.random.default_rng(6)
    top = compose.NARRATIVE_BIT << 1
    states = [0, compose.NARRATIVE_BIT, 1 << compose.NEG_SHIFT, *rng.integers(0, top, 5000).tolist()]
    many = np.array(states, dtype=np.int64)
    assert compose.effective_many(many).tolist() == [compose.effective(s) for s in states]
    assert compose.guarded_many(many).tolist() == [compose.guarded(s) for s in states]
    assert compose.log_odds_many(many).tolist() == [compose.log_odds(s) for s in states]
    for s in states:
        eff = compose.effective(s)
        assert 0 <= eff < compose.N_STATES
        pair = compose.best_pair(s)
        assert compose.log_odds(s) == (pair.weight if pair is not None else 0.0)
        if s & compose.NARRATIVE_BIT:
            assert compose.guarded(s) and pair is None


def test_a_narrative_caps_a_retelling_whatever_asks_it_names(detector: Detector) -> None:
    for text in (NEWS_WITH_ASKS, FAMILY_WARNING):
        state = compose_state(detector, text)
        assert state & compose.NARRATIVE_BIT and state & compose.ASK_MASK  # asks are named, but retold
        assert compose.guarded(state) and compose.best_pair(state) is None
        v = detector.detect(text)
        assert not v.is_fraud and v.probability <= compose.GUARDED_CAP


def test_a_negated_ask_is_switched_off_and_counts_as_a_frame(detector: Detector) -> None:
    state = compose_state(detector, NEGATED_NOTICE)
    pay, info = (1 << (compose.ASK_SHIFT + i) for i in (0, 3))
    assert state & pay and state & info  # 转账 and 验证码 are in the text ...
    eff = compose.effective(state)
    assert not eff & pay and not eff & info and eff & compose.FRAME_BIT  # ... but negated
    assert compose.guarded(state)
    assert not detector.detect(NEGATED_NOTICE).is_fraud
    # The other asks still pair: a reassurance followed by a real ask stays a scam.
    scam = "您的快递丢失，我们给您理赔，无需转账，加一下理赔专员微信就行"
    pair = compose.best_pair(compose_state(detector, scam))
    assert pair is not None and compose.ASKS[pair.ask][0] == "contact"


def test_no_narrative_or_negation_phrase_occurs_in_a_hand_written_fraud_text() -> None:
    """Mechanical guard on the marker lists: a marker found in a fraud text would cap a scam."""
    markers = [*compose.NARRATIVE.split(), *(p for ps in compose.NEGATIONS.values() for p in ps)]
    texts = [normalize(t).text for t in _fraud_texts()]
    assert [m for m in markers if any(m in t for t in texts)] == []
    assert not compose.NEGATIONS["secret"]  # 不要告诉/不要挂 are the scammer's own asks


def test_invite_pairs_with_the_return_hook(detector: Detector) -> None:
    pair = compose.best_pair(compose_state(detector, INVITE_CHAT))
    assert pair is not None and compose.HOOKS[pair.hook][0] == "return" and compose.ASKS[pair.ask][0] == "invite"
    assert detector.detect(INVITE_CHAT).is_fraud


@pytest.mark.parametrize(
    "host",
    ["tb-shiyong.cc", "pdd-youhui.top", "ctc-jifen.vip", "cmcc-jf.cn", "unicom-hb.com", "10000-kf.xyz",
     "etax-refund.com", "gjzwfw-rz.cc", "meituan-pay.shop", "tb.kefu-center.com", "pdd.vip"],
)  # fmt: skip
def test_brand_short_names_as_tokens_are_lookalikes(host: str) -> None:
    assert check_host(host) is not None


@pytest.mark.parametrize(
    "host",
    ["www.taobao.com", "m.tb.cn", "mobile.yangkeduo.com", "item.jd.com", "jingdong.com", "www.10086.cn",
     "u.10010.cn", "www.chinaunicom.cn", "e.189.cn", "etax.chinatax.gov.cn", "www.gjzwfw.gov.cn",
     "i.meituan.com", "shop10000.com", "xcmccx.com", "communicom.org", "pddocs.com", "tbtools.org"],
)  # fmt: skip
def test_official_domains_and_names_that_merely_contain_a_short_name_are_not(host: str) -> None:
    assert check_host(host) is None


def test_a_lookalike_host_floors_the_probability(detector: Detector) -> None:
    """Phishing SMS copy a genuine notice's guards (退订回T); the look-alike host outweighs them."""
    text = "【淘宝】亲爱的会员，您的店铺积分即将清零，请尽快兑换 tb-jifen.cc 退订回T"
    v = detector.detect(text)
    assert v.is_fraud and v.probability >= LOOKALIKE_FLOOR
    assert detector.score_batch([text]).probability == [v.probability]


def test_round_six_keeps_batch_paths_equal_to_detect(detector: Detector) -> None:
    texts = [
        NEWS_WITH_ASKS,
        FAMILY_WARNING,
        NEGATED_NOTICE,
        INVITE_CHAT,
        "【淘宝】亲爱的会员，您的店铺积分即将清零，请尽快兑换 tb-jifen.cc 退订回T",
        "据报道，骗子冒充客服发送 pdd-tuikuan.top 链接，诱导点击后盗刷",  # narrative, but a look-alike link
        "您的快递丢失，我们给您理赔，无需转账，加一下理赔专员微信就行",
        "记 者 调 查：冒 充 客 服 让 你 转 账 的 都 是 骗 子",
        "",
    ]
    assert_batch_paths_equal_per_text(detector, texts)
