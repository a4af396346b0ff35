"""Round eight: type hints (context that names the scam, added to its type's score only), renting out
one's accounts and phone cards as an "income" hook, a relative's own voice, sextortion and "reported to
your credit record" wording, more third-person markers and completed-repayment frames (compose.py,
lexicon.py). The texts below are new wording, in none of the hand-written sets."""

import pytest

from fanzha.detect import lexicon
from fanzha.detect.engine import Detector
from fanzha.detect.entities import extract_entities
from fanzha.detect.model import LinearModel
from fanzha.detect.normalize import normalize, normalized_texts
from tests.detect.conftest import assert_batch_paths_equal_per_text

ROMANCE = "认识你快两个月了，我是真心想和你结婚的，我表哥在一个博彩平台有内部数据，你先充五千，赚了给咱俩买新房"
ROMANCE_PLATFORM = "我们聊了这么久，我是想和你结婚的，我在一个数字货币平台有内部数据，你先充五千，以后就是咱俩的新房"
GAME = "小朋友你好，我是游戏官方的，你的王者账号被盗了，你拿爸爸的手机打开微信扫一下这个码，我们帮你把皮肤找回来"
RELATIVE = "奶奶是我啊，你听不出来了吗，我在外地把人打伤了，派出所要三万块私了，你别跟我爸说，先转到我同学卡上"
RENT = "你的微信号出租你的吗，一天好处费两百，不用你操作，扫码登录就行，加我详谈"
EXTORTION = "你刚才的视频我都保存了，不想让你家人看到的话，今晚转五千块到这个卡上"
CREDIT = "【征信中心】您的信用卡套现记录已上报征信，如需撤销请拨打撤销专线 400-812-3456"
SENTENCED = "两名大学生出租银行卡给诈骗团伙走账，均被判帮助信息网络犯罪活动罪，法院提醒切勿出借银行卡"
REPAID = "【某银行】您尾号6688的信用卡本期账单已自动还款成功，当前无待还款项，如有疑问请致电客服"
FAMILY_WARNING = "我妈又把那个领养老补贴的链接发家族群了，我跟她说是假的，大家别点"


@pytest.mark.parametrize(
    ("text", "type_code"),
    [(ROMANCE, "F10"), (GAME, "F09"), (RELATIVE, "F08"), (RENT, "F99"), (EXTORTION, "F99"), (CREDIT, "F06")],
    ids=["romance-platform", "child-game-account", "relative-in-trouble", "renting-accounts", "sextortion",
         "reported-to-credit-record"],
)
def test_round_eight_scams_are_detected_with_their_type(detector: Detector, text: str, type_code: str) -> None:
    v = detector.detect(text)
    assert v.is_fraud, (text, v.probability)
    assert v.type_code == type_code


@pytest.mark.parametrize("text", [SENTENCED, REPAID, FAMILY_WARNING], ids=["sentence-news", "repaid", "family"])
def test_news_completed_repayments_and_family_warnings_are_not_alarms(detector: Detector, text: str) -> None:
    assert not detector.detect(text).is_fraud


def test_type_hints_never_move_the_fraud_probability(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hint only chooses among types: the same texts without any hint get the same probabilities."""
    texts = [ROMANCE, GAME, RELATIVE, RENT, EXTORTION, CREDIT, SENTENCED, REPAID, FAMILY_WARNING]
    with_hints = Detector().score_batch(texts).probability
    assert Detector().detect(ROMANCE_PLATFORM).type_code == "F10"
    monkeypatch.setattr(lexicon, "TYPE_HINTS", ())  # a freshly loaded model reads them at load
    without = Detector(LinearModel.load()).score_batch(texts)
    assert without.probability == with_hints
    assert without.type_code[0] == "F10"  # 博彩平台 alone says romance; a plain "platform" needs the hints
    assert Detector(LinearModel.load()).detect(ROMANCE_PLATFORM).type_code == "F02"


def test_round_eight_paths_agree(detector: Detector) -> None:
    assert_batch_paths_equal_per_text(
        detector, [ROMANCE, GAME, RELATIVE, RENT, EXTORTION, CREDIT, SENTENCED, REPAID, FAMILY_WARNING]
    )


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("加 薇 ：x m 8 8 6 6 8 8", "wechat", "xm886688"),
        ("高 价 ，V ❤ s k 8 8 9 9", "wechat", "sk8899"),
        ("需要的 +威 mf_2277", "wechat", "mf_2277"),
        ("加我新 微 ：ld_zhao1978", "wechat", "ld_zhao1978"),
        ("交 易 走 这 个 平 台 ： w z - j y 【.】 x y z", "url", "wz-jy.xyz"),
        ("打 开 d k 8 8 点 t o p 填 资 料", "url", "dk88.top"),
        ("請戳 y b j d - g o v 〔.〕 c c 解凍", "url", "ybjd-gov.cc"),
        ("可 查 可 驗 ，扣 ① ③ ⑥ ② ⑧ ⑤ ⑦ ④ ⑨", "qq", "136285749"),
        ("先款后号，Q：③⑤①⑧②⑦④⑥⓪", "qq", "351827460"),
    ],
)
def test_ids_and_links_typed_one_character_at_a_time_are_extracted(text: str, kind: str, value: str) -> None:
    norm = normalize(text)
    assert (kind, value) in {(str(e.kind), e.value) for e in extract_entities(norm) if e.valid}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a b c d e f g", "abcdefg"), ("i l o v e y o u", "iloveyou"), ("第 1 2 3 4 名", "第1234名"),
     ("i am a boy", "i am a boy"), ("iphone 15 pro max 256g", "iphone 15 pro max 256g")],
)
def test_only_runs_of_single_letters_are_joined(text: str, expected: str) -> None:
    assert normalize(text).text == expected
    assert normalized_texts([text, "普通短信"])[0] == expected


@pytest.mark.parametrize("text", ["每月扣100000元手续费", "回复扣1234567确认", "扣款1234567"])
def test_a_lone_kou_before_an_amount_is_no_qq(text: str) -> None:
    assert not [e for e in extract_entities(normalize(text)) if str(e.kind) == "qq"]
