"""Round five: scam-structure (hook x ask, no guard) features and the round-five generator templates."""

import json
import re
from pathlib import Path

import numpy as np

from fanzha.detect import compose
from fanzha.detect.engine import Detector
from fanzha.detect.generator import FIFTH_FRAUD, FIFTH_NORMAL
from tests.detect.conftest import assert_batch_paths_equal_per_text, compose_state

DATA = Path(__file__).parent / "data"
HAND_WRITTEN = ("realistic.jsonl", "holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl")

# New wording, in none of the hand-written sets.
REFUND_AND_CONTACT = "您好，您网购的那台空气炸锅有安全隐患已被召回，我们给您退款并赔偿三百元，麻烦加一下售后专员的微信"
REMINDER_WITHOUT_ASK = "警方提醒：说能给你退款赔偿、高额回报稳赚不赔的，都是骗局"
# Round seven made 自称客服 a narrative marker (a retold caller caps the text); this example of "a frame with an
# ask is not capped" therefore says 冒充客服 (a fake-police word, not a marker) instead.
REMINDER_WITH_ASK = "反诈提醒：有人冒充客服要给您理赔，让您加微信转账的，一律不要理"


def test_table_agrees_with_best_pair_and_guards() -> None:
    table = compose.log_odds_table()
    rng = np.random.default_rng(5)
    states = [0, compose.GUARD_BIT, compose.FRAME_BIT, *rng.integers(0, compose.N_STATES, 3000).tolist()]
    for state in states:
        pair = compose.best_pair(state)
        assert table[state] == (pair.weight if pair is not None else 0.0)
        assert compose.guarded(state) == (bool(state & compose.FRAME_BIT) and not state & compose.ASK_MASK)
        if state & compose.GUARD_BIT:
            assert pair is None
    many = compose.guarded_many(np.array(states, dtype=np.int64))
    assert many.tolist() == [compose.guarded(s) for s in states]
    assert compose.PAIR_WEIGHTS.shape == (len(compose.HOOKS), len(compose.ASKS))


def test_every_composition_phrase_is_a_model_feature(detector: Detector) -> None:
    features = set(detector.model.features)
    assert set(compose.phrases()) <= features
    assert int(np.count_nonzero(detector.model.compose_states)) == len(compose.phrases())


def test_hook_with_ask_fires_and_is_explained(detector: Detector) -> None:
    state = compose_state(detector, REFUND_AND_CONTACT)
    pair = compose.best_pair(state)
    assert pair is not None and compose.HOOKS[pair.hook][0] == "refund"
    v = detector.detect(REFUND_AND_CONTACT)
    assert v.is_fraud
    cue = next(c for c in v.cues if "典型结构" in c.reason)
    assert cue.weight == pair.weight
    assert REFUND_AND_CONTACT[cue.start : cue.end] == cue.phrase
    assert cue.phrase in compose.ASKS[pair.ask][2].split()


def test_guard_disables_the_pair_and_a_guard_without_ask_is_capped(detector: Detector) -> None:
    for text in (REMINDER_WITHOUT_ASK, REMINDER_WITH_ASK):
        state = compose_state(detector, text)
        assert state & compose.GUARD_BIT and compose.best_pair(state) is None
        v = detector.detect(text)
        assert not v.is_fraud
        assert not any("典型结构" in c.reason for c in v.cues)
    assert compose.guarded(compose_state(detector, REMINDER_WITHOUT_ASK))
    assert not compose.guarded(compose_state(detector, REMINDER_WITH_ASK))
    # A reminder that quotes many scam phrases is capped, however strong its phrases are.
    quoted = "警方提醒：导师带单、内幕消息、稳赚不赔、保本保息、高额返利的投资群，都是骗局"
    assert compose.guarded(compose_state(detector, quoted))
    assert detector.detect(quoted).probability <= compose.GUARDED_CAP


def test_a_link_rule_lifts_the_guard_cap(detector: Detector) -> None:
    """A reminder-like text with a look-alike bank link is not capped: the link rule is evidence."""
    text = "温馨提醒：您的工行账户已冻结，详见 icbc-vip.shop"  # .shop is not an ask word, 温馨提醒 a guard
    assert compose.guarded(compose_state(detector, text))
    v = detector.detect(text)
    assert v.probability > compose.GUARDED_CAP
    assert detector.score_batch([text]).probability == [v.probability]


def test_composition_keeps_batch_paths_equal_to_detect(detector: Detector) -> None:
    texts = [
        REFUND_AND_CONTACT,
        REMINDER_WITHOUT_ASK,
        REMINDER_WITH_ASK,
        "退 款 赔 偿，请 加 客 服 微 信 办理",  # spaced: composition on normalized text, spans mapped back
        "我是你们局长，这是我新微信，先转两万到这个卡上，这事别告诉别人",
        "【某银行】您的证书今日到期，请登录 bank-zs.top 更新",
        "老婆，房贷我转过去了",
        "警方提醒：导师带单、内幕消息、稳赚不赔的投资群，都是骗局",
        "温馨提醒：您的工行账户已冻结，详见 icbc-vip.shop",
        "",
    ]
    assert_batch_paths_equal_per_text(detector, texts)


def test_round_five_templates_are_not_copies_of_the_hand_written_sets() -> None:
    """No round-five template shares a 6-character run with the four hand-written sets (slots aside)."""
    sets = "\n".join(
        json.loads(line)["text"]
        for name in HAND_WRITTEN
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    templates = [t for group in FIFTH_FRAUD.values() for t in group] + list(FIFTH_NORMAL)
    shared = [
        piece[i : i + 6]
        for t in templates
        for piece in re.split(r"\{[a-z0-9]+\}", t)
        for i in range(len(piece) - 5)
        if piece[i : i + 6] in sets
    ]
    assert shared == []
