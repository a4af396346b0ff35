"""Round eleven: links whose top-level domain is typed with digits for letters (boc-xx.c0m), cue phrases for
scams the corpora lack (a kidnapping threat, "reply with your ID number", trading bank cards and accounts),
the contrastive pairs and extra hard negatives as training text, and a type-only fit that keeps every row.
The texts below are new wording, in none of the hand-written sets."""

from pathlib import Path

import numpy as np
import pytest

from fanzha.detect.corpora import HAND_SETS_DIR, HAND_TRAINING_SETS, load_realistic
from fanzha.detect.engine import OBFUSCATED_LINK_REASON, Detector
from fanzha.detect.entities import extract_entities, link_obfuscated
from fanzha.detect.normalize import normalize
from fanzha.detect.training import TrainConfig, train_model
from tests.detect.conftest import assert_batch_paths_equal_per_text

DIGIT_TLD = "您的银行卡身份信息已过期，今日内请登录 ccb-renzheng.c0m 重新认证，逾期停用"


def urls(text: str) -> list[tuple[str, str]]:
    return [(e.value, e.text) for e in extract_entities(normalize(text)) if str(e.kind) == "url"]


@pytest.mark.parametrize(
    ("text", "host"),
    [
        (DIGIT_TLD, "ccb-renzheng.com"),
        ("点开 tb-tuikuan.n3t/refund 填写退款信息", "tb-tuikuan.net/refund"),
        ("官方活动页 jd-fuli.t0p 领券", "jd-fuli.top"),
    ],
)
def test_a_top_level_domain_typed_with_digits_is_read_as_the_domain_and_marked_hidden(text: str, host: str) -> None:
    ((value, original),) = urls(text)
    assert value == host
    assert link_obfuscated(original)


def test_numbers_and_plain_links_are_not_taken_for_digit_domains() -> None:
    assert urls("新版本v1.0已发布，更新内容见官网") == []
    assert urls("余额1.0万元，详见 www.ccb.com") == [("www.ccb.com", "www.ccb.com")]
    assert not link_obfuscated("www.ccb.com")


def test_a_digit_domain_is_flagged_with_its_reason(detector: Detector) -> None:
    verdict = detector.detect(DIGIT_TLD)
    assert verdict.is_fraud
    assert OBFUSCATED_LINK_REASON in {c.reason for c in verdict.cues}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("你闺女现在在我们手里，准备十万现金，敢报警就撕票", "虚构绑架勒索"),
        ("【社保局】您有一笔养老金差额待发放，请回复身份证号码及姓名领取", "以短信回复索要身份证/银行卡信息"),
        ("长期收一类卡，一套卡带U盾和手机卡给一千，当天结", "买卖/出租银行卡与账号"),
        ("高价收微信号、收支付宝号，老号高价，秒结", "买卖/出租银行卡与账号"),
        ("我是市公安局的，你涉嫌洗钱，今天不配合调查就对你发布通缉", "冒充公检法：以通缉施压"),
    ],
)
def test_the_new_scam_phrases_are_cues_and_the_texts_are_flagged(detector: Detector, text: str, reason: str) -> None:
    verdict = detector.detect(text)
    assert verdict.is_fraud
    assert reason in {c.reason for c in verdict.cues}


def test_a_warning_that_names_the_new_phrases_is_not_flagged(detector: Detector) -> None:
    text = ("【县公安局】提醒：出租出借银行卡、收购微信号支付宝号都涉嫌帮信罪，"
            "公安机关不会让您回复身份证号码，请勿相信。")
    assert not detector.detect(text).is_fraud


def test_round_eleven_paths_agree(detector: Detector) -> None:
    assert_batch_paths_equal_per_text(detector, [DIGIT_TLD, "官方活动页 jd-fuli.t0p 领券", "版本v1.0 与 www.ccb.com"])


def test_the_contrastive_pairs_and_extra_negatives_train_the_model() -> None:
    pair_sets = [name for name in HAND_TRAINING_SETS if name.startswith("pairs")]
    assert {"negatives1.jsonl", "negatives2.jsonl", "pairs1.jsonl", "pairs2.jsonl"} <= set(HAND_TRAINING_SETS)
    for name in pair_sets:
        items = load_realistic(HAND_SETS_DIR / name)
        pairs = [items[i : i + 2] for i in range(0, len(items), 2)]
        assert len(pairs) == 150
        assert all({a["is_fraud"], b["is_fraud"]} == {True, False} for a, b in pairs)


def test_a_type_only_fit_learns_from_every_row(tmp_path: Path) -> None:
    """With fraud texts only there is no temperature to fit, so no row is held out: a type seen once is
    still learned (the 10% development hold-out used to drop whole classes of a small experiment)."""
    texts = ["兼职刷单日结返佣", "导师带单稳赚高收益", "无抵押秒到账先交解冻费", "快递丢失理赔加客服",
             "涉嫌洗钱安全账户配合调查", "注销校园贷影响征信", "低价代购先付定金", "我是你领导换号了帮忙转账",
             "游戏账号装备低价出售", "交友网恋带你投资博彩", "医保卡冻结积分兑换", "恭喜中奖领取补贴退税",
             "你的视频已录下转钱否则发给家人"]  # fmt: skip
    codes = [f"F{i:02d}" for i in range(1, 13)] + ["F99"]
    model = train_model(texts, codes, tuple(codes), cfg=TrainConfig(min_df=1, n_features=500))
    assert np.all(np.asarray(model.bias)[1:] > -30.0)
