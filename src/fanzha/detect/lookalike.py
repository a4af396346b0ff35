"""Look-alike domains of banks, government and payment sites (phishing links in 伪基站 SMS).

A host is suspicious when its registrable name is a near copy of a protected brand that is not the
brand's own domain: within edit distance 2, equal after folding homoglyphs (0->o, 1->l, rn->m, vv->w),
or carrying the brand plus decoration (icbc-vip, 95588-sec); government words on a non-.gov.cn host
and suspicious cheap TLDs add to the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

# brand label -> official registrable domains
PROTECTED: dict[str, tuple[str, ...]] = {
    "icbc": ("icbc.com.cn", "icbc.com"), "ccb": ("ccb.com", "ccb.cn"), "abchina": ("abchina.com",),
    "boc": ("boc.cn", "bankofchina.com"), "bankofchina": ("bankofchina.com", "boc.cn"),
    "bankcomm": ("bankcomm.com",), "cmbchina": ("cmbchina.com",), "psbc": ("psbc.com",),
    "pingan": ("pingan.com", "pingan.com.cn"), "citicbank": ("citicbank.com",), "cebbank": ("cebbank.com",),
    "cib": ("cib.com.cn",), "spdb": ("spdb.com.cn",), "cmbc": ("cmbc.com.cn",), "hxb": ("hxb.com.cn",),
    "unionpay": ("unionpay.com", "95516.com"), "alipay": ("alipay.com",), "taobao": ("taobao.com",),
    "tmall": ("tmall.com",), "jd": ("jd.com",), "pinduoduo": ("pinduoduo.com",), "tenpay": ("tenpay.com",),
    "weixin": ("weixin.qq.com", "qq.com"), "qq": ("qq.com",), "douyin": ("douyin.com",),
    "12306": ("12306.cn",), "chinatax": ("chinatax.gov.cn",), "nhsa": ("nhsa.gov.cn",),
    "mps": ("mps.gov.cn",), "court": ("court.gov.cn",), "sf-express": ("sf-express.com",),
    "ems": ("ems.com.cn",), "95588": ("icbc.com.cn",), "95533": ("ccb.com",), "95599": ("abchina.com",),
    "95566": ("boc.cn",), "95555": ("cmbchina.com",), "etc": ("etcsd.com.cn", "chinaetc.org"),
    "yibao": ("nhsa.gov.cn",), "shebao": ("mohrss.gov.cn",), "12123": ("gab.mps.gov.cn",),
}  # fmt: skip
SUSPICIOUS_TLDS = frozenset(
    [
        "top",
        "xyz",
        "vip",
        "cc",
        "icu",
        "club",
        "shop",
        "site",
        "online",
        "ltd",
        "wang",
        "ren",
        "loan",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "live",
        "work",
        "fun",
        "buzz",
        "cyou",
        "sbs",
        "win",
    ]
)
_GOV_WORDS = ("gov", "police", "gongan", "court", "fayuan", "jianchayuan", "shebao", "yibao", "tax")
_HOMOGLYPH_FOLDS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("3", "e"), ("5", "s"), ("@", "a"))
_MULTI_SUFFIXES = ("com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "com.hk")


@dataclass(frozen=True, slots=True)
class LookalikeHit:
    host: str
    brand: str
    reason: str  # Chinese, shown to the user


def host_of(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def registrable(host: str) -> tuple[str, str]:
    """(registrable domain, its name label): a.b.icbc.com.cn -> (icbc.com.cn, icbc)."""
    parts = host.split(".")
    n = 3 if any(host.endswith("." + s) for s in _MULTI_SUFFIXES) else 2
    domain = ".".join(parts[-n:])
    return domain, parts[-n] if len(parts) >= n else parts[0]


def _edit_distance(a: str, b: str, limit: int = 2) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _fold(label: str) -> str:
    for src, dst in _HOMOGLYPH_FOLDS:
        label = label.replace(src, dst)
    return label


def _is_official(host: str, brand: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in PROTECTED[brand])


@lru_cache(maxsize=8192)  # pure; phishing waves repeat the same hosts
def check_host(host: str) -> LookalikeHit | None:
    if not host or host.replace(".", "").isdigit():
        return None
    domain, name = registrable(host)
    tld = host.rsplit(".", 1)[-1]
    tokens = [t for t in name.replace("_", "-").split("-") if t]
    for brand in PROTECTED:
        if _is_official(host, brand):
            return None
    sub_labels = host.split(".")[: -len(domain.split("."))]
    for brand in PROTECTED:
        if name == brand or brand in tokens or brand in sub_labels:
            return LookalikeHit(host, brand, f"域名冒用“{brand}”但不是官方网站")
        if len(brand) >= 4 and brand in name:
            return LookalikeHit(host, brand, f"域名包含“{brand}”但不是官方网站")
        if len(brand) >= 5 and _edit_distance(name, brand) <= (1 if len(brand) < 7 else 2):
            return LookalikeHit(host, brand, f"域名与“{brand}”仅差一两个字符，疑似仿冒")
        if len(brand) >= 3 and _fold(name) == _fold(brand):
            return LookalikeHit(host, brand, f"域名用形近字符仿冒“{brand}”")
    if any(w in name for w in _GOV_WORDS) and not host.endswith(".gov.cn"):
        return LookalikeHit(host, "gov", "域名冒用政府/公安字样但不是.gov.cn官方网站")
    if tld in SUSPICIOUS_TLDS and any(w in host for w in ("login", "verify", "secure", "refund", "kefu", "lipei")):
        return LookalikeHit(host, "-", f"可疑后缀 .{tld} 加登录/验证/退款字样")
    return None


def is_suspicious_tld(host: str) -> bool:
    return host.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS
