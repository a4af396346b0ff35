"""Prevention SMS texts per fraud type (DESIGN §3 codes), written for this project.

Each text fits one 70-character SMS segment together with the signature, names the trick in
plain words and ends with the one action that helps (hang up / call 96110 / ask family).
"""

from __future__ import annotations

from fanzha.outreach.models import FRAUD_TYPES

SMS_SEGMENT = 70

TEXTS: dict[str, str] = {
    "F01": "网上兼职点赞、做任务先垫钱再返佣，都是刷单骗局，第一单小甜头后必被套牢。不垫付，不下载陌生App。",
    "F02": "所谓导师带单、内幕消息、稳赚高收益的理财平台，钱进去就取不出。投资只认正规机构，陌生群聊别跟投。",
    "F03": "无抵押秒到账的贷款，要先交解冻费、保证金、刷流水的，全是骗子。正规贷款放款前不收任何费用。",
    "F04": "自称快递或电商客服说要理赔、退款、关闭保障，让您开屏幕共享或转账的，立即挂断，到官方App核实。",
    "F05": "公检法不会电话办案，更没有安全账户。说您涉嫌洗钱、要求保密配合转账的，一律是诈骗，挂断拨96110。",
    "F06": "注销校园贷、修复征信要转账的都是骗局，征信记录任何人无法花钱消除。接到此类电话请直接挂断。",
    "F07": "低价代购、私下交易、先付定金的网购最易被骗。请在正规平台下单付款，不跟卖家走私聊转账。",
    "F08": "领导、熟人加新微信或换号后让您帮忙转账，先打原号码或当面核实，没核实前一分钱也别转。",
    "F09": "买卖游戏账号装备、游戏币，对方要求到陌生网站交易或交解冻费的，都是诈骗，只在官方渠道交易。",
    "F10": "网上认识的恋人带您投资、博彩、买彩票稳赚的，是杀猪盘。谈钱就是骗局，别让感情蒙住眼。",
    "F11": "自称银行、保险或医保说账户异常、医保冻结，让您点链接、报验证码的，挂断后打官方客服核实。",
    "F12": "中奖、领补贴、办退税要先交手续费或填银行卡验证码的，都是诈骗。政府补贴不会让您先交钱。",
    "F99": "凡是陌生人让您转账、报验证码、开屏幕共享的，都先停一停，拨打96110咨询，或问问家人。",
}


def text_for(fraud_type: str, *, signature: str = "【反诈中心】") -> str:
    """The SMS for a fraud type, signature first, as operators require."""
    return signature + TEXTS.get(fraud_type, TEXTS["F99"])


def all_texts(*, signature: str = "【反诈中心】") -> list[tuple[str, str, str]]:
    return [(code, FRAUD_TYPES[code], text_for(code, signature=signature)) for code in TEXTS]
