"""The vectorized batch path gives exactly the per-text verdicts, spans included.

``Detector.detect`` (automaton per text) is the reference; ``detect_batch`` (full verdicts) and
``score_batch`` (is_fraud, probability, type_code only) run normalization, the feature scan and the
scoring once over the whole batch (normalize.normalize_many, scan.FeatureIndex).
"""

import random
from pathlib import Path

import numpy as np
import pytest

from fanzha.detect.corpora import load_realistic
from fanzha.detect.engine import Detector
from fanzha.detect.generator import generate
from fanzha.detect.model import LinearModel
from fanzha.detect.normalize import normalize, normalize_many, normalized_texts
from fanzha.detect.risklist import RiskEntry, RiskKind, RiskList
from fanzha.detect.scan import FeatureIndex

DATA = Path(__file__).parent / "data"

EDGE_CASES = [
    "",
    "   ",
    "😀😀👍",
    "hello world, this is English only",
    "刷 单 返 利，加 V 信 abc12345，日 结",
    "加❤微，扣扣 2857714903，菠菜平台稳赚",
    "幺三八壹贰叁肆伍陆柒捌 转账到安全账户",
    "登录 icbc-vip 点 top 核验身份，或 www[.]abc[.]cn",
    "【工商银行】您的账户异常已冻结，请登录 www.icbc-vip.top 核验身份",
    "刷单返利刷单返利刷单返利",
    "國家反詐中心提醒：凡是讓你屏幕共享的都是詐騙",
    "\x00\x01\x02\x03\x04\x05\x06\x07\x08 刷单 binary-ish",
    "ＶＸ：ａｂｃ１２３　兼职日结",
    "身份证 110105194912310021 银行卡 6222 0212 3456 7890 128",
    "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖 快⃣递⃣理赔",
    "\ud800 a lone surrogate 刷单",
    "国家反诈中心" * 3 + "不会通过电话",
    "刷单" * 3000,  # over the length limit: truncated
]


def _texts() -> list[str | bytes]:
    texts: list[str | bytes] = [str(it["text"]) for it in load_realistic()]
    texts += [str(it["text"]) for it in load_realistic(DATA / "holdout.jsonl")]
    texts += [t for t, _ in generate(1500, seed=20261129)]
    texts += EDGE_CASES
    texts += [b"\xff\xfe invalid utf-8 \xe5\x88\xb7\xe5\x8d\x95", "刷单".encode()]
    return texts


def _fuzz(n: int, seed: int) -> list[str]:
    """Random mixes of feature characters, evasion noise, digits, letters and join-like controls."""
    rng = random.Random(seed)
    pieces = list("刷单返利兼职微信安全账户验证码贷款征信客服退款公安点com.top -*❤😀　ＶＸ扣扣一二三幺壹")
    pieces += list("0123456789abcvx\x00\x01")
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(n)]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def texts() -> list[str | bytes]:
    return _texts()


def test_batch_verdicts_equal_per_text_verdicts_including_cue_and_entity_spans(
    detector: Detector, texts: list[str | bytes]
) -> None:
    ids = [f"t{i}" for i in range(len(texts))]
    batch = detector.detect_batch(texts, ids=ids)
    single = [detector.detect(t, id=i) for t, i in zip(texts, ids, strict=True)]
    assert [v.model_dump() for v in batch] == [v.model_dump() for v in single]
    assert sum(v.is_fraud for v in single) > 500  # the sets exercise both sides of the threshold
    assert sum(bool(v.cues) for v in single) > 500 and sum(bool(v.entities) for v in single) > 200


def test_score_batch_equals_per_text_verdicts(detector: Detector, texts: list[str | bytes]) -> None:
    scores = detector.score_batch(texts)
    single = [detector.detect(t) for t in texts]
    assert scores.is_fraud == [v.is_fraud for v in single]
    assert scores.probability == [v.probability for v in single]
    assert scores.type_code == [v.type_code for v in single]


def test_batch_paths_equal_per_text_on_random_evasion_mixes(detector: Detector) -> None:
    texts = _fuzz(600, seed=7)
    single = [detector.detect(t) for t in texts]
    assert [v.model_dump() for v in detector.detect_batch(texts)] == [v.model_dump() for v in single]
    scores = detector.score_batch(texts)
    assert list(zip(scores.is_fraud, scores.probability, scores.type_code, strict=True)) == [
        (v.is_fraud, v.probability, v.type_code) for v in single
    ]


def test_batch_paths_consult_the_risk_list_like_the_per_text_path() -> None:
    risk_list = RiskList(
        [RiskEntry(RiskKind.PHONE, "13812345678", "test"), RiskEntry(RiskKind.URL, "evil-pay.top", "test")]
    )
    detector = Detector(risk_list=risk_list)
    texts = ["你好，请回电 138-1234-5678", "点击 m.evil-pay.top 领取", "晚上吃什么", "13912345678 快递到了"]
    single = [detector.detect(t) for t in texts]
    assert single[0].is_fraud and single[1].is_fraud  # listed counterparts lift the verdict
    assert [v.model_dump() for v in detector.detect_batch(texts)] == [v.model_dump() for v in single]
    scores = detector.score_batch(texts)
    assert scores.probability == [v.probability for v in single]
    assert scores.is_fraud == [v.is_fraud for v in single]


def test_batch_normalization_equals_per_text_normalization_with_span_maps(texts: list[str | bytes]) -> None:
    strings = [t for t in texts if isinstance(t, str)] + _fuzz(400, seed=11)
    expected = [normalize(t) for t in strings]
    assert normalize_many(strings) == expected
    assert normalized_texts(strings) == [n.text for n in expected]


def test_batch_normalization_falls_back_when_every_join_character_occurs() -> None:
    strings = ["".join(chr(c) for c in range(9)) + "刷 单", "加 V 信"]
    assert normalize_many(strings) == [normalize(t) for t in strings]
    assert normalized_texts(strings) == [normalize(t).text for t in strings]


def test_feature_scan_finds_exactly_the_automatons_hits(texts: list[str | bytes]) -> None:
    model = Detector().model
    normalized = normalized_texts([t for t in texts if isinstance(t, str)] + _fuzz(300, seed=3))
    presence = model.feature_index.presence(normalized)
    offsets = presence.offsets().tolist()
    for i, text in enumerate(normalized):
        first: dict[int, int] = {}
        for end, f in model.hits(text):
            first.setdefault(f, end)
        lo, hi = offsets[i], offsets[i + 1]
        found = dict(zip(presence.feature[lo:hi].tolist(), presence.first_end[lo:hi].tolist(), strict=True))
        assert found == first, text


def test_features_longer_than_a_key_are_found_but_never_across_two_texts() -> None:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # 6-bit ids: keys hold 10
    features = ["ab", "abcdefghijklmnop", "abcdefghijklmnoq", alphabet, "klmnopqrst"]
    index = FeatureIndex(features, np.ones((len(features), 2), np.float32), np.zeros(2, np.float32))
    assert index.max_key_len < len(features[1])
    texts = ["xxabcdefghijklmnopxx", "abcdefghijk", "lmnop", alphabet + "ab"]
    presence = index.presence(texts)
    pairs = set(zip(presence.text.tolist(), presence.feature.tolist(), presence.first_end.tolist(), strict=True))
    assert pairs == {(0, 0, 3), (0, 1, 17), (1, 0, 1), (3, 0, 1), (3, 1, 15), (3, 3, 61), (3, 4, 19)}


def test_a_feature_seen_twice_counts_once_in_both_paths(detector: Detector) -> None:
    scores = detector.score_batch(["刷单返利", "刷单返利刷单返利刷单返利"])
    assert scores.probability[0] == scores.probability[1] == detector.detect("刷单返利").probability


def test_a_retrained_model_flows_into_the_batch_path() -> None:
    model = LinearModel.load()
    model.bias = model.bias + np.float32(2.0)  # a different model object: its own feature index
    texts = ["晚上吃火锅还是烤肉？", "兼职刷单，日结佣金"]
    shifted, original = Detector(model), Detector()
    assert shifted.score_batch(texts).probability == [shifted.detect(t).probability for t in texts]
    assert shifted.score_batch(texts).probability != original.score_batch(texts).probability


@pytest.mark.parametrize(
    "batch",
    [[], [""], ["", ""], ["a"], ["刷"], ["刷单"], [b""], ["\x00"], ["国家反诈中心"]],
)
def test_tiny_batches_equal_per_text_verdicts(detector: Detector, batch: list[str | bytes]) -> None:
    single = [detector.detect(t) for t in batch]
    assert [v.model_dump() for v in detector.detect_batch(batch)] == [v.model_dump() for v in single]
    assert detector.score_batch(batch).probability == [v.probability for v in single]
