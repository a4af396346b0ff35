"""Round seven: scam families the corpora lack (extortion, "recovery", fake certificates, bank-card trade,
stock/romance "platform" talk), more third-person markers and negated payments (compose.py), a deictic
payment ask (转到这个卡上), links typed one character at a time (normalize.py) and four more brand tokens
(lookalike.py). The texts below are new wording, in none of the hand-written sets."""

import json
from pathlib import Path

import pytest

from fanzha.detect import compose
from fanzha.detect.engine import Detector
from fanzha.detect.lookalike import check_host
from fanzha.detect.normalize import normalize
from fanzha.detect.schemas import EntityKind
from tests.detect.conftest import assert_batch_paths_equal_per_text, compose_state

DATA = Path(__file__).parent / "data"
HAND_WRITTEN = (
    "realistic.jsonl",
    "holdout.jsonl",
    "holdout2.jsonl",
    "holdout3.jsonl",
    "holdout4.jsonl",
    "holdout5.jsonl",
)

EXTORTION = "你的不雅视频在我手上，你的通讯录我也导出来了，明天中午前打钱，不然发给你同事"
RECOVERY = "专业追损团队，可帮您追回网购被骗资金，先付两千咨询费，成功后再结尾款"
CERTIFICATES = "各类证件加急出证，学历证、驾驶证都能办，官网联网可查，微信 banzheng_888"
CARD_TRADE = "长期收购银行卡和对公账户，一套三千，当天结算，有意私聊"
STOCK_CHAT = "张老师下午推的那只票已经拉了五个点，明天还有一只，你要不要我帮你开个户跟一下"
LEADER = "我是你们王总，在外面开会不方便接电话，你先从公司账上转三万到这个卡上，回头补手续"
NARRATIVE = "昨天有个人打电话给我爸，说他医保卡涉嫌违规要转钱核查，我爸不理他，直接报警了"
NEGATED_FEE = "【人社局】您申请的创业补贴已审核通过，将发放至本人社保卡，无需缴纳任何费用"
SPACED_LINK = "尊 敬 的 客 户，您 的 积 分 即 将 清 零，请 登 录 w w w . j i f e n 8 8 . t o p 兑 换"


@pytest.mark.parametrize(
    ("text", "type_code"),
    [(EXTORTION, "F99"), (RECOVERY, "F99"), (CERTIFICATES, "F99"), (CARD_TRADE, "F99")],
)
def test_scam_families_without_corpus_coverage_are_detected(detector: Detector, text: str, type_code: str) -> None:
    v = detector.detect(text)
    assert v.is_fraud, (text, v.probability)
    assert v.type_code == type_code


def test_stock_slang_is_a_return_hook(detector: Detector) -> None:
    """那只票 (a stock) makes the invite pair fire; the learned score of such chat stays low, so this text is
    still below the threshold without a stock word (docs/detect.md, round seven: what is left)."""
    pair = compose.best_pair(compose_state(detector, STOCK_CHAT))
    assert pair is not None and compose.HOOKS[pair.hook][0] == "return" and compose.ASKS[pair.ask][0] == "invite"


def test_a_payment_to_this_card_pairs_with_a_leader(detector: Detector) -> None:
    pair = compose.best_pair(compose_state(detector, LEADER))
    assert pair is not None and compose.HOOKS[pair.hook][0] == "trust" and compose.ASKS[pair.ask][0] == "pay"
    assert detector.detect(LEADER).is_fraud


def test_a_retold_call_and_a_negated_fee_are_capped(detector: Detector) -> None:
    state = compose_state(detector, NARRATIVE)
    assert state & compose.NARRATIVE_BIT and compose.guarded(state)
    state = compose_state(detector, NEGATED_FEE)
    pay = 1 << compose.ASK_SHIFT
    assert state & pay and not compose.effective(state) & pay and compose.guarded(state)
    for text in (NARRATIVE, NEGATED_FEE):
        v = detector.detect(text)
        assert not v.is_fraud and v.probability <= compose.GUARDED_CAP


def test_no_new_marker_occurs_in_a_hand_written_fraud_text() -> None:
    """The round-six guard, extended to holdout5: a marker in a fraud text would cap a scam."""
    markers = [*compose.NARRATIVE.split(), *(p for ps in compose.NEGATIONS.values() for p in ps)]
    texts = [
        normalize(d["text"]).text
        for name in HAND_WRITTEN
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and (d := json.loads(line))["is_fraud"]
    ]
    assert [m for m in markers if any(m in t for t in texts)] == []


def test_a_link_typed_one_character_at_a_time_is_joined(detector: Detector) -> None:
    norm = normalize(SPACED_LINK)
    assert "www.jifen88.top" in norm.text and norm.evasion
    v = detector.detect(SPACED_LINK)
    urls = [e for e in v.entities if e.kind == EntityKind.URL]
    assert [e.value for e in urls] == ["www.jifen88.top"]
    assert SPACED_LINK[urls[0].start : urls[0].end] == "w w w . j i f e n 8 8 . t o p"
    assert v.is_fraud


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x.x.x.x.x.x", "x.x.x.x.x.x"),
        ("版本 1 . 2 . 3 . 4 . 5 . 6", "版本1 . 2 . 3 . 4 . 5 . 6"),
    ],
)
def test_spaced_letters_without_a_tld_are_left_alone(text: str, expected: str) -> None:
    """Not read as links (round eight joins spaced single letters as ids: test_round_eight.py)."""
    assert normalize(text).text == expected


@pytest.mark.parametrize("host", ["jiayuan-vip.top", "5173-jiaoyi.cc", "nike-outlet.shop", "adidas-sale.vip"])
def test_more_brand_tokens_are_lookalikes(host: str) -> None:
    assert check_host(host) is not None


@pytest.mark.parametrize("host", ["www.jiayuan.com", "www.5173.com", "www.nike.com.cn", "adidas.com"])
def test_their_official_domains_are_not(host: str) -> None:
    assert check_host(host) is None


def test_round_seven_keeps_batch_paths_equal_to_detect(detector: Detector) -> None:
    texts = [
        EXTORTION,
        RECOVERY,
        CERTIFICATES,
        CARD_TRADE,
        STOCK_CHAT,
        LEADER,
        NARRATIVE,
        NEGATED_FEE,
        SPACED_LINK,
        "x.x.x.x.x.x",
        "请登录 w w w . a b c . c o m",
        "",
    ]
    assert_batch_paths_equal_per_text(detector, texts)
