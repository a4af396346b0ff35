"""The detector as a user sees it: verdicts, types, cues, flags, bad input, risk lists."""

import pytest

from fanzha.detect.engine import Detector
from fanzha.detect.risklist import RiskEntry, RiskKind, RiskList
from fanzha.detect.schemas import MAX_TEXT_CHARS, Flag


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.mark.parametrize(
    ("text", "type_code"),
    [
        ("兼职刷单，日结佣金，先垫付后返还，加微信abc123", "F01"),
        ("我是公安局的，你涉嫌洗钱，把钱转到安全账户配合调查", "F05"),
        ("你好，你在大学开通的校园贷需要注销，否则影响征信", "F06"),
        ("【工商银行】您的账户异常已冻结，请登录 www.icbc-vip.top 核验身份", "F11"),
    ],
)
def test_typical_scams_are_flagged_with_type(detector: Detector, text: str, type_code: str) -> None:
    v = detector.detect(text)
    assert v.is_fraud and v.type_code == type_code and v.type_name
    assert v.cues and all(text[c.start : c.end] == c.phrase for c in v.cues)


@pytest.mark.parametrize(
    "text",
    [
        "【国家反诈中心】刷单返利都是诈骗，凡是要求先垫付的兼职都是骗局，请勿相信。",
        "【美团】您的验证码是 736104，请在5分钟内完成验证。如非本人操作，请忽略。",
        "妈，我下个月的房租要交了，你方便的时候给我转两千，不急",
        "晚上吃火锅还是烤肉？",
    ],
)
def test_hard_negatives_are_not_flagged(detector: Detector, text: str) -> None:
    assert not detector.detect(text).is_fraud


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("", Flag.EMPTY),
        ("   ", Flag.EMPTY),
        ("😀😀😀", Flag.EMOJI_ONLY),
        ("hello world, how are you", Flag.NO_CHINESE),
        (b"\xff\xfe\xfa\x00\x01", Flag.INVALID_UTF8),
        ("\x00\x01\x02\x03\x04\x05 binary", Flag.BINARY),
        ("刷*单 日*结", Flag.EVASION),
    ],
)
def test_bad_input_gives_a_flagged_verdict_not_an_error(detector: Detector, raw: str | bytes, flag: Flag) -> None:
    v = detector.detect(raw)
    assert flag.value in v.flags
    assert 0.0 <= v.probability <= 1.0


def test_long_text_is_truncated(detector: Detector) -> None:
    v = detector.detect("你好" * 600_000)  # 1.2 M characters
    assert v.truncated and Flag.TRUNCATED.value in v.flags
    assert all(e.end <= MAX_TEXT_CHARS for e in v.entities)


def test_mixed_language_text_still_works(detector: Detector) -> None:
    v = detector.detect("Hi 亲，刷单 job 日结 300 per day，加V信 abc_123")
    assert v.is_fraud


def test_risk_listed_number_raises_the_verdict() -> None:
    text = "有事打我电话13912345678"
    plain = Detector().detect(text)
    listed = Detector(risk_list=RiskList([RiskEntry(RiskKind.PHONE, "13912345678", "110警情")])).detect(text)
    assert listed.probability > plain.probability and listed.is_fraud
    assert any(e.risk_listed for e in listed.entities)
    assert any("涉诈名单" in c.reason for c in listed.cues)


def test_batch_equals_single(detector: Detector) -> None:
    texts = ["兼职刷单日结", "晚上吃什么", "", "我是公安局的，你涉嫌洗钱"]
    batch = detector.detect_batch(texts, ids=["a", "b", "c", "d"])
    for text, v, id_ in zip(texts, batch, "abcd", strict=True):
        single = detector.detect(text)
        assert v.id == id_ and v.is_fraud == single.is_fraud
        assert v.probability == pytest.approx(single.probability, abs=1e-3)


def test_verdict_without_cues_is_never_fraud(detector: Detector) -> None:
    v = detector.detect("今天")
    assert not v.is_fraud and v.probability <= 0.1
