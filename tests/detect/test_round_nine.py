"""Round nine: contact ids typed in chunks or a few words after their keyword, QQ numbers read out in
groups, QQ group numbers, the 111xx postal hotlines (entities.py), and links whose host is typed to slip
past filters (entities.link_obfuscated, engine.OBFUSCATED_LINK_WEIGHT). The texts below are new wording,
in none of the hand-written sets."""

from pathlib import Path

import pytest

from fanzha.detect.corpora import BLIND_SETS, HAND_SETS_DIR, HAND_TRAINING_SETS, HAND_WRITTEN_SETS, load_realistic
from fanzha.detect.engine import OBFUSCATED_LINK_REASON, Detector
from fanzha.detect.entities import extract_entities, link_obfuscated
from fanzha.detect.normalize import normalize
from fanzha.detect.selfcheck import self_check
from fanzha.detect.training import TrainConfig, hand_written_texts, shipped_training_set
from tests.detect.conftest import assert_batch_paths_equal_per_text


def found(text: str) -> set[tuple[str, str]]:
    return {(str(e.kind), e.value) for e in extract_entities(normalize(text)) if e.valid}


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("有意向的加 V：ka ka dai 8 8 6，秒批", "wechat", "kakadai886"),
        ("售后专员微信：sh-peifu 2026", "wechat", "sh-peifu2026"),
        ("想认识一下，可以加个微信聊聊吗 tianmi_0907", "wechat", "tianmi_0907"),
        ("私聊薇：zhuanqian-88", "wechat", "zhuanqian-88"),
        ("加下我微 号：wang_jl1981", "wechat", "wang_jl1981"),
        ("麻烦加一下我们经理的QQ，号码是2847 1930 56", "qq", "2847193056"),
        ("方便的话加下QQ吧，3902817465", "qq", "3902817465"),
        ("进群领皮肤，群号 五 八 二 九 三 七 一 六 四", "qq", "582937164"),
        ("包裹查询请拨打11185", "service_number", "11185"),
    ],
)
def test_contact_ids_in_chunks_and_after_a_few_words_are_extracted(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "【QQ】验证码583920，请勿泄露给他人",  # the code, not a QQ number
        "QQ音乐会员续费成功，扣款15元",  # an amount after QQ
        "我微信昨天换头像了，好看吗",  # no id at all
        "他加了我微信说明天再聊 ok",  # an English word is no id (no digit or underscore)
    ],
)
def test_codes_amounts_and_plain_words_are_no_contact_ids(text: str) -> None:
    assert not {k for k, _ in found(text)} & {"qq", "wechat"}


@pytest.mark.parametrize(
    ("original", "hidden"),
    [
        ("b t 2 0 2 5 [.] c n", True),
        ("sb-ylbx点com", True),
        ("ｙｂｊ－ｇｏｖ．ｔｏｐ", True),
        ("hxxps://jt-etc.vip", True),
        ("zfb-tk(.)cn/pay", True),
        ("www.icbc.com.cn", False),
        ("https://m.jd.com/order?id=[1]", False),  # brackets in the path hide nothing
    ],
)
def test_a_link_is_obfuscated_when_its_host_is_typed_to_hide_it(original: str, hidden: bool) -> None:
    assert link_obfuscated(original) is hidden


SUBSIDY = "【苏省补贴】您的取暖补贴 捌佰元 待领取，请点击 q n b t 2 0 2 6 [.] c n 认领"
CHARITY = "【慈 善 基 金】山区孩子需要你的帮助，捐款入口：a x j z 点 o r g 点 c c"
GENUINE = "【国家政务服务平台】您申请的取暖补贴已发放，可登录 www.gjzwfw.gov.cn 查询"


def test_an_obfuscated_link_is_strong_evidence_and_explained(detector: Detector) -> None:
    for text in (SUBSIDY, CHARITY):
        v = detector.detect(text)
        assert v.is_fraud, (text, v.probability)
        assert any(c.reason == OBFUSCATED_LINK_REASON for c in v.cues)
    genuine = detector.detect(GENUINE)
    assert not any(c.reason == OBFUSCATED_LINK_REASON for c in genuine.cues)


PLAIN_TOO = "活动详情见 jd.com，也可以输入 j d [.] c o m 进入"  # the same link also written plainly


def test_a_link_also_written_plainly_is_not_hidden(detector: Detector) -> None:
    assert not any(c.reason == OBFUSCATED_LINK_REASON for c in detector.detect(PLAIN_TOO).cues)


def test_round_nine_paths_agree(detector: Detector) -> None:
    texts = [SUBSIDY, CHARITY, GENUINE, PLAIN_TOO, "加 V：ka ka dai 8 8 6，秒批"]
    assert_batch_paths_equal_per_text(detector, texts)


def test_the_hand_written_sets_train_with_their_share_and_the_blind_sets_never_do(tmp_path: Path) -> None:
    """Round nine's training set: the corpus (absent here) and the generator, plus every hand-written set
    whose errors a round has read, weighted to ``hand_share`` of the rest; the newest blind sets stay out."""
    cfg = TrainConfig(n_generated=200, hand_share=0.1, hand_negative_weight=20.0)
    texts, labels, weights, counts = shipped_training_set(tmp_path, cfg)
    hand = hand_written_texts()
    in_sets = sum(len(load_realistic(HAND_SETS_DIR / name)) for name in HAND_TRAINING_SETS)
    assert counts["hand-written"] == len(hand) == in_sets
    hand_weights = weights[-len(hand) :]
    assert sum(hand_weights) == pytest.approx(0.1 * sum(weights[: -len(hand)]))
    by_label = {(label == "N", w) for w, (_, label) in zip(hand_weights, hand, strict=True)}
    (_, fraud), (_, negative) = sorted(by_label)  # one weight per kind: fraud (False) first
    assert len(by_label) == 2 and negative == pytest.approx(20 * fraud)
    assert set(BLIND_SETS) == set(HAND_WRITTEN_SETS) - set(HAND_TRAINING_SETS)
    blind = {str(it["text"]) for name in BLIND_SETS for it in load_realistic(HAND_SETS_DIR / name)}
    assert blind and not blind & set(texts)
    assert set(labels[-len(hand) :]) <= {"N", *{f"F{i:02d}" for i in range(1, 13)}, "F99"}


def test_a_citizen_sees_each_reason_once(detector: Detector) -> None:
    """Several cues may share a reason (two loan phrases); the self-check lists it once, the verdict keeps
    every cue with its span."""
    result = self_check(detector, "不 看 征 信 秒 下 款，点击 d k 8 8 [.] t o p 填资料")
    assert result.is_fraud and result.verdict is not None
    assert len(result.reasons) == len(set(result.reasons))
    assert OBFUSCATED_LINK_REASON in result.reasons
    assert len(result.verdict.cues) > len({c.reason for c in result.verdict.cues})  # shared reasons exist
