"""Fraud-type codes (DESIGN §3), channels, and the ONE table mapping dataset labels onto them."""

from __future__ import annotations

from enum import StrEnum


class FraudType(StrEnum):
    F01 = "F01"
    F02 = "F02"
    F03 = "F03"
    F04 = "F04"
    F05 = "F05"
    F06 = "F06"
    F07 = "F07"
    F08 = "F08"
    F09 = "F09"
    F10 = "F10"
    F11 = "F11"
    F12 = "F12"
    F99 = "F99"


TYPE_NAMES: dict[FraudType, str] = {
    FraudType.F01: "刷单返利",
    FraudType.F02: "虚假投资理财",
    FraudType.F03: "虚假网络贷款",
    FraudType.F04: "冒充电商物流客服",
    FraudType.F05: "冒充公检法",
    FraudType.F06: "虚假征信",
    FraudType.F07: "虚假购物服务",
    FraudType.F08: "冒充领导熟人",
    FraudType.F09: "网络游戏产品虚假交易",
    FraudType.F10: "网络婚恋交友(杀猪盘)",
    FraudType.F11: "冒充银行/保险/医保",
    FraudType.F12: "中奖/补贴/退税",
    FraudType.F99: "其他",
}

# Class index order used by the model: index 0 is "not fraud", then the fraud codes in order.
NORMAL = "N"
CLASSES: tuple[str, ...] = (NORMAL, *(t.value for t in FraudType))
TYPE_CLASSES: tuple[str, ...] = tuple(t.value for t in FraudType)


class Channel(StrEnum):
    PHONE = "电话"
    SMS = "短信"
    PHISHING_SITE = "钓鱼网站"
    APP = "App"
    IM = "社交/即时通讯"
    OFFLINE = "线下"
    UNKNOWN = "未知"


# Every dataset label -> DESIGN code ("N" = not fraud). The one place where corpora meet the taxonomy.
# Choices worth knowing:
#  * TeleAntiFraud 钓鱼/身份盗窃/银行诈骗 are all "your bank account is abnormal, verify your identity"
#    calls in the data, so they land on F11; 邮件诈骗 is parcel/courier (快递) impersonation -> F04;
#    绑架诈骗 (fake kidnapping / "your child had an accident") has no DESIGN code -> F99.
#  * spam-sms-80w label 1 is advertising, which is not fraud (issue #10: ads are not fraud).
#  * telecom-fraud-texts-8 class names are inferred (see its README).
DATASET_LABELS: dict[str, dict[str, str]] = {
    "teleantifraud": {
        "投资诈骗": "F02",
        "客服诈骗": "F04",
        "邮件诈骗": "F04",
        "钓鱼诈骗": "F11",
        "身份盗窃": "F11",
        "银行诈骗": "F11",
        "彩票诈骗": "F12",
        "绑架诈骗": "F99",
        "normal": NORMAL,
    },
    "telecom-fraud-texts-5": {
        "0": NORMAL,
        "冒充公检法及政府机关类": "F05",
        "贷款、代办信用卡类": "F03",
        "冒充客服服务": "F04",
        "冒充领导、熟人类": "F08",
    },
    "telecom-fraud-texts-8": {
        "1": "F05",
        "2": "F03",
        "3": "F04",
        "4": "F08",
        "5": "F01",
        "6": "F10",
        "7": "F09",
    },
    "spam-sms-80w": {"0": NORMAL, "1": NORMAL},
    "generated": {c: c for c in CLASSES},
}


def map_label(dataset: str, label: str) -> str:
    """Dataset label -> class in CLASSES; KeyError for a label the table does not know."""
    return DATASET_LABELS[dataset][label]


def type_name(code: str | None) -> str | None:
    if code is None or code == NORMAL:
        return None
    return TYPE_NAMES[FraudType(code)]
