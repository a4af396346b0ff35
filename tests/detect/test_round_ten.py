"""Round ten (reverted in the next commit): key words written half or wholly in pinyin are read as the
words (normalize.VARIANTS), but never inside a host, a path or an id; "w x" and "v x" before an id are
WeChat. The texts below are new wording, in none of the hand-written sets."""

import pytest

from fanzha.detect.engine import Detector
from fanzha.detect.entities import extract_entities
from fanzha.detect.normalize import normalize, normalized_texts
from tests.detect.conftest import assert_batch_paths_equal_per_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在家手机dian赞，日jie两百", "在家手机点赞，日结两百"),
        ("不看zheng xin，当天下款", "不看征信，当天下款"),
        ("先交bao证金才能jie冻", "先交保证金才能解冻"),
        ("shua dan返li，一单一结", "刷单返利，一单一结"),
    ],
)
def test_key_words_in_pinyin_are_read_as_the_words(text: str, expected: str) -> None:
    assert normalize(text).text == expected
    assert normalized_texts([text]) == [expected]


@pytest.mark.parametrize("text", ["详见 www.jianzhi.com/list", "加我微信 zhengxin_zx01", "账号 daikuan-88 已注册"])
def test_pinyin_inside_a_host_path_or_id_is_left_alone(text: str) -> None:
    normalized = normalize(text).text
    assert not any(word in normalized for word in ("兼职", "征信", "贷款")), normalized


def test_w_x_before_an_id_is_wechat() -> None:
    ids = {(str(e.kind), e.value) for e in extract_entities(normalize("有需要的 w x：kd_6688，v x 也行"))}
    assert ("wechat", "kd_6688") in ids


def test_round_ten_paths_agree(detector: Detector) -> None:
    texts = ["在家手机dian赞，日jie两百，加 w x：kd_6688", "不看zheng xin，当天下款", "详见 www.jianzhi.com/list"]
    assert_batch_paths_equal_per_text(detector, texts)
