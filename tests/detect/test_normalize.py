"""Normalization undoes evasion spellings and maps spans back to the original text."""

import pytest

from fanzha.detect.normalize import normalize


@pytest.mark.parametrize(
    ("original", "normalized"),
    [
        ("微 信", "微信"),
        ("加 V 信：abc_123", "加微信：abc_123"),
        ("刷*单 日结", "刷单日结"),
        ("加❤微信", "加微信"),
        ("V信", "微信"),
        ("扣扣 1 2 3 4 5 6 7", "qq1234567"),
        ("幺三八一二三四五六七八", "13812345678"),
        ("①③⑧", "138"),
        ("壹叁捌贰贰贰贰叁叁叁叁", "13822223333"),
        ("ＡＢＣ１２３", "abc123"),
        ("帳戶凍結", "账户冻结"),
        ("點擊 www点icbc-vip点com", "点击www.icbc-vip.com"),
        ("abc[.]top", "abc.top"),
        ("abc(.)cn", "abc.cn"),
        ("菠菜平台", "博彩平台"),
        ("兼职😀日结🔥", "兼职日结"),
        ("qq1 2 3", "qq123"),
    ],
)
def test_evasion_spellings_are_undone(original: str, normalized: str) -> None:
    assert normalize(original).text == normalized


@pytest.mark.parametrize(
    "text",
    [
        "金额500.00元，余额12,345.67元",  # decimal points are no links
        "hello world",  # spaces between latin words stay
        "138 1234 5678",  # digit groups stay for the entity patterns
        "加vip群",  # 'v' glued to a latin word is not 微信
        "你好，我是客服。",  # Chinese punctuation survives
        "3点10分开会",  # 点 between digits is no dot
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert normalize(text).text == text.lower()


@pytest.mark.parametrize(
    ("original", "needle"),
    [
        ("请加 V 信 abc 领取", "微信"),
        ("点擊 www点icbc-vip点com 登录", "www.icbc-vip.com"),
        ("电话 幺三八 一二三四 五六七八 回电", "13812345678"),
        ("😀😀兼*职😀日结", "兼职"),
    ],
)
def test_spans_map_back_to_the_original_characters(original: str, needle: str) -> None:
    norm = normalize(original)
    start = norm.text.index(needle)
    o_start, o_end = norm.to_original(start, start + len(needle))
    # A rewritten word maps to the whole source it came from ("加 V 信" for 加微信).
    assert needle in normalize(original[o_start:o_end]).text.replace(" ", "")


def test_evasion_flag_marks_deliberate_splitting_only() -> None:
    assert normalize("刷*单").evasion
    assert normalize("加V信").evasion
    assert not normalize("今天 天气 不错").evasion
    assert not normalize("你好😀").evasion
