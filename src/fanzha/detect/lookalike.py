"""Look-alike domains of banks, government and payment sites (phishing links in 伪基站 SMS).

A host is suspicious when its registrable name is a near copy of a protected brand that is not the
brand's own domain: within edit distance 2, equal after folding homoglyphs (0->o, 1->l, rn->m, vv->w),
or carrying the brand plus decoration (icbc-vip, 95588-sec); government words on a non-.gov.cn host
and suspicious cheap TLDs add to the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import ahocorasick

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
    # Operators: fake 积分兑换 SMS copy the operator's marketing wording (which the lexicon treats as a
    # guard), so the link is the evidence that a scammer cannot copy.
    "10086": ("10086.cn",), "chinamobile": ("10086.cn", "chinamobile.com"),
    "10010": ("10010.com", "10010.cn", "chinaunicom.com.cn"),
    "chinaunicom": ("10010.com", "chinaunicom.com.cn", "chinaunicom.cn"),
    "chinatelecom": ("189.cn", "chinatelecom.com.cn"),
    # Round four: short names phishing hosts use for banks and couriers (abc-xxx.cc for 农行, sf-xxx.top for
    # 顺丰), matched as a whole hyphen token or sub-domain label only, never as a substring.
    "abc": ("abchina.com",), "cmb": ("cmbchina.com",), "sf": ("sf-express.com",), "zto": ("zto.com",),
    "yto": ("yto.net.cn",), "yunda": ("yundaex.com",), "chinapost": ("chinapost.com.cn", "ems.com.cn"),
    # Round six: the short names of e-commerce, delivery, operator and government services that phishing
    # hosts use as a hyphen token (tb-xxx.cc for 淘宝, pdd-xxx.shop for 拼多多, ctc-10000.icu for 电信).
    # Listed in TOKEN_ONLY: matched as a hyphen token or a sub-domain label, never inside a name or by edit
    # distance (cmcc, unicom, 10000 and etax occur inside unrelated names); as the whole name only on a
    # cheap TLD (jingdong.com is JD's own; a brand's name on .com/.cn is as often a defensive registration).
    "tb": ("taobao.com", "tmall.com", "tb.cn"), "pdd": ("pinduoduo.com", "yangkeduo.com"),
    "yangkeduo": ("yangkeduo.com",), "jingdong": ("jd.com",),
    "meituan": ("meituan.com",), "eleme": ("ele.me",), "didi": ("didiglobal.com", "xiaojukeji.com"),
    "ctrip": ("ctrip.com",), "xianyu": ("goofish.com",), "goofish": ("goofish.com",),
    "kuaishou": ("kuaishou.com",), "zfb": ("alipay.com",), "wechat": ("wechat.com", "qq.com"),
    "ctc": ("189.cn", "chinatelecom.com.cn"), "10000": ("189.cn",), "cmcc": ("10086.cn", "chinamobile.com"),
    "unicom": ("10010.com", "10010.cn", "chinaunicom.com.cn"), "sgcc": ("sgcc.com.cn", "95598.cn"),
    "95598": ("95598.cn", "sgcc.com.cn"), "etax": ("chinatax.gov.cn",), "gjzwfw": ("gjzwfw.gov.cn",),
    "12333": ("mohrss.gov.cn",), "12345": ("gov.cn",),
    # Round seven: a dating site, a game-account market and sportswear brands that "outlet"/会员 phishing
    # hosts use as a hyphen token (jiayuan-vip.top, 5173-jiaoyi.top, nike-outlet.shop); token-only as well.
    "jiayuan": ("jiayuan.com",), "5173": ("5173.com",), "nike": ("nike.com", "nike.com.cn"),
    "adidas": ("adidas.com", "adidas.com.cn"),
}  # fmt: skip
TOKEN_ONLY = frozenset(
    ["tb", "pdd", "yangkeduo", "jingdong", "meituan", "eleme", "didi", "ctrip", "xianyu", "goofish", "kuaishou",
     "zfb", "wechat", "ctc", "10000", "cmcc", "unicom", "sgcc", "95598", "etax", "gjzwfw", "12333", "12345",
     "jiayuan", "5173", "nike", "adidas"]
)  # fmt: skip
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


# A plain URL (what entities.py extracts: optional scheme, host, optional port, path): its host without
# urlsplit, which was half the cost of the batch path's link rules (round fourteen). Anything else (user
# info, brackets, upper case, an empty port…) goes through urlsplit.
_PLAIN_URL_RE = re.compile(r"(?:[a-z][a-z0-9+.\-]*://)?([a-z0-9.\-]+)(?::[0-9]+)?(?:[/?#].*)?", re.DOTALL)


def host_of(url: str) -> str:
    plain = _PLAIN_URL_RE.fullmatch(url)
    if plain is not None and url.find("://") in (-1, plain.start(1) - 3):  # urlsplit reads a later "://" too
        return plain.group(1).rstrip(".")
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


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (the caller has already rejected most pairs by ``_char_mask``)."""
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


_OFFICIAL = frozenset(d for domains in PROTECTED.values() for d in domains)
_BRANDS = tuple(PROTECTED)
_BRAND_ORDER = {brand: i for i, brand in enumerate(_BRANDS)}
_BRANDS_BY_FOLD: dict[str, list[int]] = {}
for i, brand in enumerate(_BRANDS):
    if len(brand) >= 3 and brand not in TOKEN_ONLY:
        _BRANDS_BY_FOLD.setdefault(_fold(brand), []).append(i)
_SUBSTRING_BRANDS = ahocorasick.Automaton()  # brands of 4+ characters, found inside a name in one pass
for i, brand in enumerate(_BRANDS):
    if len(brand) >= 4 and brand not in TOKEN_ONLY:
        _SUBSTRING_BRANDS.add_word(brand, i)
_SUBSTRING_BRANDS.make_automaton()


def _char_mask(text: str) -> int:
    """One bit per ASCII character kind of ``text``, one bit for all others: the popcount of ``a & ~b``
    is at most the number of character kinds ``a`` has and ``b`` lacks, and every such kind costs at
    least one edit, so it rejects most pairs before the O(len^2) ``_edit_distance`` (measured: an unseen
    host took ~0.1 ms against the ~20 long brand names without such a bound)."""
    mask = 0
    for ch in text:
        mask |= 1 << min(ord(ch), 128)
    return mask


# By the length of the name to test: brands of 5+ characters within their edit limit of that length (1
# below 7 characters, else 2), with the limit and their character mask.
_NEAR_BRANDS: dict[int, list[tuple[int, str, int, int]]] = {}
for i, brand in enumerate(_BRANDS):
    if len(brand) >= 5 and brand not in TOKEN_ONLY:
        limit = 1 if len(brand) < 7 else 2
        for n in range(len(brand) - limit, len(brand) + limit + 1):
            _NEAR_BRANDS.setdefault(n, []).append((i, brand, limit, _char_mask(brand)))
del i, brand, limit, n


def _is_official(host: str) -> bool:
    """The host is some brand's official domain or one of its sub-domains."""
    if host in _OFFICIAL:
        return True
    dot = host.find(".")
    while dot != -1:
        if host[dot + 1 :] in _OFFICIAL:
            return True
        dot = host.find(".", dot + 1)
    return False


def _brand_hit(host: str, name: str, tokens: list[str], sub_labels: list[str]) -> LookalikeHit | None:
    """The first brand (in ``PROTECTED`` order) that the name copies, with the first of the four tests
    it meets: the brand as a label/token, inside the name, within edit distance 1-2, equal after
    homoglyph folding. Each test collects its brands at once instead of running all four per brand
    (an unseen host took ~0.1 ms in the per-brand loop)."""
    found: list[tuple[int, int]] = []  # (brand order, test order)
    found += [
        (_BRAND_ORDER[w], 0)
        for w in (name, *tokens, *sub_labels)
        if w in _BRAND_ORDER and (w not in TOKEN_ONLY or w != name or host.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS)
    ]
    found += [(i, 1) for _end, i in _SUBSTRING_BRANDS.iter(name)]
    if near := _NEAR_BRANDS.get(len(name)):
        chars = _char_mask(name)  # a lower bound of the edit distance, at the brand's own limit, first
        found += [
            (i, 2)
            for i, brand, limit, brand_chars in near
            if (chars & ~brand_chars).bit_count() <= limit
            and (brand_chars & ~chars).bit_count() <= limit
            and _edit_distance(name, brand) <= limit
        ]
    found += [(i, 3) for i in _BRANDS_BY_FOLD.get(_fold(name), ())]
    if not found:
        return None
    i, test = min(found)
    brand = _BRANDS[i]
    reasons = (
        f"域名冒用“{brand}”但不是官方网站",
        f"域名包含“{brand}”但不是官方网站",
        f"域名与“{brand}”仅差一两个字符，疑似仿冒",
        f"域名用形近字符仿冒“{brand}”",
    )
    return LookalikeHit(host, brand, reasons[test])


@lru_cache(maxsize=8192)  # pure; phishing waves repeat the same hosts
def check_host(host: str) -> LookalikeHit | None:
    if not host or host.replace(".", "").isdigit():
        return None
    domain, name = registrable(host)
    tld = host.rsplit(".", 1)[-1]
    tokens = [t for t in name.replace("_", "-").split("-") if t]
    if _is_official(host):
        return None
    sub_labels = host.split(".")[: -len(domain.split("."))]
    if (hit := _brand_hit(host, name, tokens, sub_labels)) is not None:
        return hit
    if any(w in name for w in _GOV_WORDS) and not host.endswith(".gov.cn"):
        return LookalikeHit(host, "gov", "域名冒用政府/公安字样但不是.gov.cn官方网站")
    if tld in SUSPICIOUS_TLDS and any(w in host for w in ("login", "verify", "secure", "refund", "kefu", "lipei")):
        return LookalikeHit(host, "-", f"可疑后缀 .{tld} 加登录/验证/退款字样")
    return None


def is_suspicious_tld(host: str) -> bool:
    return host.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS
