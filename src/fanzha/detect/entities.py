"""Entity extraction with validation, on normalized text, with spans in the ORIGINAL text.

Patterns run in priority order and a later pattern never claims characters an earlier one took:
a QQ number after "QQ" is a QQ id even if it looks like a mobile number, an 18-character string
that passes GB 11643 is an ID number before it is a card candidate, and so on.
Checksum-invalid IDs and cards are reported with ``valid=False`` so an analyst can still see them,
but never as valid entities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import ahocorasick
import numpy as np
import numpy.typing as npt

from fanzha.detect.checksums import luhn_valid, resident_id_valid
from fanzha.detect.normalize import TLD_LOOKALIKES, TLD_SET, Normalized
from fanzha.detect.schemas import Entity, EntityKind, built

# (start, end, kind, value, valid, note) in normalized coordinates.
Found = tuple[int, int, EntityKind, str, bool, str | None]

_TLD_ALT = "|".join(sorted(TLD_SET, key=len, reverse=True))
_URL_RE = re.compile(
    r"(?<![@a-z0-9.\-_])(?:(?:https?|hxxps?)://)?"
    r"(?:(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:" + _TLD_ALT + r")(?![a-z0-9\-])"
    r"|\d{1,3}(?:\.\d{1,3}){3}(?=[:/]))"
    r"(?::\d{1,5})?(?:/[\x21-\x7e]*)?"
)
_URL_TRAILING = ".,;:!?)]}'\"。，"
# Digit runs, possibly grouped by spaces or hyphens (138 1234 5678, 6222-0212-…), optionally with a
# +86/0086 prefix, an area code in brackets, or an ID's trailing X. Starting with a character class
# lets the regex engine scan fast; classification is then done on the run's digits in Python.
_RUN_RE = re.compile(r"[+(（0-9][0-9 \-)）]*x?")
_LANDLINE_AREA_RE = re.compile(r"0(?:10|2\d|[3-9]\d{2})")
_TLD_GATE_RE = re.compile(r"\.(?:" + _TLD_ALT + r")(?![a-z0-9\-])|://")
# "加Q 123…", "加扣 123…" (扣 for QQ) count like "QQ 123…"; "V：abc…" and "加薇 abc…" like "微信 abc…".
# Round eight: a lone 扣 before six or more digits that are not an amount (扣 1 3 6 2 …), a lone q or 微
# before a colon, +薇/加威/威： like 加薇, and a lone v before a spaced-out id (V ❤ s k 8 8 9 9, joined by
# normalize.py).
_QQ_RE = re.compile(
    r"(?:(?:qq|q号|q群|加q|加扣|(?<![a-z0-9])q(?=\s*[:：]))(?:号码|号|群号|群)?\s*[:：是为]?\s*([1-9]\d{4,10})(?![0-9])"
    r"|(?<![回复])扣\s*[:：]?\s*([1-9]\d{5,10})(?![0-9元块万千百.,])"
    # Round nine: a few words between QQ (or a group number) and the number, read out in groups.
    r"|(?:qq|群号)(?:(?!验证|校验|动态码)[^0-9a-z\n。！？!?】]){0,6}?"
    r"([1-9](?: ?\d){4,10})(?![0-9])(?! ?[0-9元块万千百.,])"
    # Round fifteen: the same grouped number after 扣 with a colon, 扣群, or a q after 加/+/群 (进群 q 3365 1209 87).
    r"|(?:扣(?=\s*[:：])|扣群|(?<=[加+群])q)\s*[:：]?\s*([1-9](?: ?\d){4,10})(?![0-9])(?! ?[0-9元块万千百.,]))"
)
_WECHAT_RE = re.compile(
    # Round nine: an id typed in chunks after a colon (微信：yi ji dai 2024; tried first, so the chunks
    # are not cut at the first space), and an id a few words after 微信 when it looks like one (a digit
    # or underscore in it: 加个微信慢慢聊吗xiaoyu_0521).
    r"(?:(?:微信|微号|(?<![a-z0-9])[v薇])(?:号)?\s*[:：]\s*([a-z][\-_a-z0-9]*(?: [\-_a-z0-9]+){1,4})(?![\-_a-z0-9])"
    r"|(?:微信|v号|微号|[加+]\s*[薇威]|(?<![a-z0-9])[v威微薇](?=\s*[:：])|(?<![a-z0-9])v(?=\s+[a-z][\-_a-z0-9]{5})"
    r"|威(?=\s*[a-z][\-_a-z0-9]{5}))(?:号)?"
    r"\s*[:：是为]?\s*(?:搜索?|加)?\s*"
    r"((?:wxid_)?[a-z][\-_a-z0-9]{5,19})(?![\-_a-z0-9])"
    r"|微信[\u4e00-\u9fff，,]{1,6}?[:：]?\s*((?=[a-z\-]*[0-9_])[a-z][\-_a-z0-9]{5,19})(?![\-_a-z0-9])"
    # Round twelve: the same after 薇 or a lone v (加个薇嘛 zy5201314, 换V了，新的是 x m 9 9 2 1), and an
    # id right after 加 (or 加V) once split-noise is gone (加❤ b a o b a o 5 6 8 ❤ -> 加baobao568).
    r"|(?:薇|(?<![a-z0-9])v)[\u4e00-\u9fff，,]{1,6}?[:：]?\s*((?=[a-z\-]*[0-9_])[a-z][\-_a-z0-9]{5,19})(?![\-_a-z0-9])"
    r"|加(?:v(?=[a-z]))?((?=[a-z\-]*[0-9_])[a-z][\-_a-z0-9]{5,19})(?![\-_a-z0-9])"
    # Round fifteen: an id in chunks with no colon after 微信/薇/威/v (详情微信yl 2026 zx, 加薇dz 8866 yw), after
    # "v x" (normalized to 微信 x), or after 加 and a colon (加 ：ywlady99); a digit somewhere in the chunks.
    r"|(?:(?:微信|(?<![a-z0-9])v)(?:号)?(?:\s*x(?![a-z0-9]))?|[薇威]|加(?=\s*[:：]))\s*[:：]?\s*"
    r"((?=[\-_a-z0-9 ]*[0-9])[a-z][\-_a-z0-9]*(?: [\-_a-z0-9]+){0,4})(?![\-_a-z0-9]))"
)
# A code is the number right after its keyword within the same sentence, or right before it; a number
# in a sender tag (【12306】验证码…) or in the next sentence (…验证码。如有疑问请致电95588) is not the code.
_CODE_RE = re.compile(
    r"(?:验证码|校验码|动态码|动态密码|短信码|确认码)[^0-9\n。！？!?；;]{0,8}?(\d{4,8})(?![0-9])"
    r"|(?<![0-9])(\d{4,8})[^0-9\n】\]。！？!?；;]{0,3}?(?:是|为)?(?:您的|你的)?(?:验证码|动态码|校验码)"
)
# Candidate "number + unit" first (a character-class start scans fast), parsed by _AMOUNT_PARTS_RE.
_AMOUNT_RE = re.compile(
    r"[0-9一二两三四五六七八九十百千][0-9,.一二两三四五六七八九十百千万亿]*\s*"
    r"(?:万元|亿元|千元|元|块钱|块|万|亿|k|w|美元|usdt)"
)
_AMOUNT_PARTS_RE = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?|[一二两三四五六七八九十百千]+(?:万|亿)?)"
    r"\s*(?P<unit>万元|亿元|千元|元|块钱|块|万|亿|k|w|美元|usdt)$"
)
_AMOUNT_PREFIX_RE = re.compile(r"(?:[¥￥]|rmb|人民币)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)")
_CURRENCY_GATE = re.compile("[¥￥]|rmb|人民币")
_CN_NUMBER_WORDS = frozenset("一二两三四五六七八九")
_UNIT_FACTORS = {
    "万元": 10_000, "万": 10_000, "w": 10_000, "亿元": 100_000_000, "亿": 100_000_000,
    "千元": 1_000, "k": 1_000, "元": 1, "块钱": 1, "块": 1, "美元": 1, "usdt": 1,
}  # fmt: skip
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

# App names worth recording (payment/social giants are channels, not entities, so they are left out).
APPS = (
    "抖音", "快手", "钉钉", "腾讯会议", "zoom", "飞书", "闲鱼", "转转", "淘宝", "京东", "拼多多",
    "美团", "云闪付", "telegram", "whatsapp", "skype", "蝙蝠", "易信", "币安", "火币", "欧易",
    "小红书", "陌陌", "探探", "soul", "王者荣耀", "和平精英", "交易猫", "盼之", "国家反诈中心",
    "个人所得税", "微博", "哔哩哔哩", "b站", "借呗", "花呗", "微粒贷", "京东金融", "metatrader", "mt4", "mt5",
)  # fmt: skip
REMOTE_CONTROL = (
    "屏幕共享", "共享屏幕", "开启共享", "远程控制", "远程协助", "远程操控", "向日葵", "todesk",
    "teamviewer", "anydesk", "会议共享", "录屏共享",
)  # fmt: skip


@cache
def _app_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for name in APPS:
        automaton.add_word(name, (name, EntityKind.APP))
    for name in REMOTE_CONTROL:
        automaton.add_word(name, (name, EntityKind.REMOTE_CONTROL))
    automaton.make_automaton()
    return automaton


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit() or c == "x").upper()


def _parse_cn_number(s: str) -> int | None:
    total, section, current = 0, 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= 10_000:
                total += (section + current) * unit
                section = current = 0
            else:
                section += (current or 1) * unit
                current = 0
        else:
            return None
    return total + section + current


def _amount_value(num: str, unit: str | None) -> str | None:
    factor = _UNIT_FACTORS.get(unit or "元", 1)
    if num.isascii() and num.isdigit():  # the common case: whole yuan, no Decimal needed
        return str(int(num) * factor)
    try:
        base = Decimal(num.replace(",", "")) if num[0].isdigit() else Decimal(_parse_cn_number(num) or 0)
    except InvalidOperation:
        return None
    return format((base * factor).normalize(), "f")


def _urls(t: str) -> Iterator[Found]:
    if not _TLD_GATE_RE.search(t):
        return
    for m in _URL_RE.finditer(t):
        url = m.group(0).rstrip(_URL_TRAILING)
        yield m.start(), m.start() + len(url), EntityKind.URL, url, True, None


def _joined(texts: Sequence[str]) -> tuple[str, npt.NDArray[np.uint32]]:
    """The batch joined by NUL (no gate pattern matches across it) and its code points, for the batch gates."""
    joined = "\x00".join(texts)
    return joined, np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _texts_at(texts: Sequence[str], positions: Sequence[int] | npt.NDArray[np.int64]) -> list[int]:
    """Sorted indices of the texts holding these positions of ``_joined(texts)``."""
    if not len(positions):
        return []
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)  # exclusive, + join
    found: list[int] = np.unique(np.searchsorted(ends, positions, side="right")).tolist()
    return found


def texts_with_url_marks(texts: Sequence[str]) -> list[int]:
    """Indices of the normalized texts that may hold a URL (the gate of ``_urls``, run once over the
    joined batch: the gate cannot match across the join). A gate match starts at a '.' or ':', so the
    regex is only tried there (found by NumPy: the regex engine would step through every character)."""
    joined, codes = _joined(texts)
    match = _TLD_GATE_RE.match
    return _texts_at(texts, [p for p in np.flatnonzero((codes == ord(".")) | (codes == ord(":"))).tolist()
                             if match(joined, p)])


def urls(text: str) -> list[str]:
    """The URL values ``extract_entities`` finds in a normalized text (URLs are extracted first, so
    no other entity can take their characters)."""
    return [found[3] for found in _urls(text)]


def url_spans(norm: Normalized) -> list[tuple[str, str]]:
    """(value, original characters) of every URL ``extract_entities`` finds, in its order."""
    out = []
    for start, end, _, value, _, _ in _urls(norm.text):
        o_start, o_end = norm.to_original(start, end)
        out.append((value, norm.original[o_start:o_end]))
    return out


# Round nine: a host typed so that filters miss it (spaced letters, [.] or 点 for the dot, full-width or
# look-alike characters, hxxp). No genuine sender writes a link this way: on the hand-written sets 31 such
# links, all in fraud texts; on the corpora 7 of spam-80w's 96,467 normal SMS (gambling ads) and 2 of TF5's 7,573.
_OBFUSCATED_HOST_RE = re.compile(r"\s|[\[\]()（）【】〔〕<>《》点點。．]|dot", re.IGNORECASE)


def link_obfuscated(original: str) -> bool:
    """Whether the original characters of a URL hide its host (``url_spans``, ``Entity.text``)."""
    if original[:4].lower() == "hxxp":
        return True
    host = original.split("://", 1)[-1].split("/", 1)[0]
    if host.rsplit(".", 1)[-1].lower() in TLD_LOOKALIKES:
        return True
    return not host.isascii() or _OBFUSCATED_HOST_RE.search(host) is not None


# Round fourteen: a private contact (mobile, QQ, WeChat) typed so that filters miss it: circled or
# capital-numeral digits (①⑧⑨…, 壹叁柒…), full-width characters in a text that also has ordinary ones
# (a phone in full-width input mode types every digit full-width: that is no disguise), single characters
# split by spaces or symbols (z x x b 1 6 8, 2-8-1-6-0…; round fifteen: full-width ones too, ｍ ｍ ５ ２ ０), or
# a run of lower-case numerals (一五八 四五一二…) outside a call transcript, where numbers are spoken. Counted
# before use: 200 of the hand-written fraud texts and none of their 2,894 genuine texts (round fifteen, on the
# 8,273 hand texts it trains on: 346 of 4,179 and none of 4,094); no normal text of TF5, TF8 or TeleAntiFraud
# and one of spam-80w's 96,467.
_DISGUISED_DIGIT_RE = re.compile("[\u2460-\u24ff\u2776-\u2793壹贰叁肆伍陆柒捌玖]")
_FULL_WIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_ASCII_ALNUM_RE = re.compile("[0-9A-Za-z]")
_SPLIT_SEP = "[ \t\u3000\\-_.·•,，、|/*~+❤♥★☆]+"
_SPLIT_CHAR = "[0-9a-zA-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"  # round fifteen: full-width ones too
_SPLIT_RE = re.compile(f"{_SPLIT_CHAR}(?:{_SPLIT_SEP}{_SPLIT_CHAR}){{4}}")
_SPOKEN_DIGITS = "[〇零一二三四五六七八九幺]"
_SPOKEN_RUN_RE = re.compile(f"{_SPOKEN_DIGITS}[ \\-]?{_SPOKEN_DIGITS}[ \\-]?{_SPOKEN_DIGITS}")
_HIDDEN_CONTACT_GATE_RE = re.compile(f"{_DISGUISED_DIGIT_RE.pattern}|{_SPLIT_RE.pattern}|{_SPOKEN_RUN_RE.pattern}")
PRIVATE_CONTACT_KINDS = frozenset({EntityKind.MOBILE, EntityKind.QQ, EntityKind.WECHAT})


def contact_obfuscated(span: str, text: str) -> bool:
    """Whether a private contact's original characters (``Entity.text``) hide it; ``text``: the whole
    original text."""
    if _DISGUISED_DIGIT_RE.search(span) or _SPLIT_RE.search(span):
        return True
    if _FULL_WIDTH_RE.search(span) and _ASCII_ALNUM_RE.search(text):
        return True
    return "\n" not in text and _SPOKEN_RUN_RE.search(span) is not None


_DISGUISED, _ALNUM, _SEP, _SPOKEN, _FULL_WIDTH = 1, 2, 4, 8, 16  # _SEP >> 1 == _ALNUM (used below)


@cache
def _char_classes() -> npt.NDArray[np.uint8]:
    """Code point -> the bits of the character classes ``texts_with_hidden_contact_marks`` looks for."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in ((0x2460, 0x2500), (0x2776, 0x2794)):
        table[lo:hi] |= _DISGUISED
    for lo, hi in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)):
        table[lo:hi] |= _FULL_WIDTH | _ALNUM  # a split-pattern character as well
    for bit, chars in ((_DISGUISED, "壹贰叁肆伍陆柒捌玖"), (_SPOKEN, "〇零一二三四五六七八九幺"),
                       (_SEP, " \t\u3000-_.·•,，、|/*~+❤♥★☆"),
                       (_ALNUM, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")):
        table[[ord(c) for c in chars]] |= bit
    return table


def texts_with_hidden_contact_marks(texts: Sequence[str]) -> list[int]:
    """Indices of the ORIGINAL texts that may hold a contact ``contact_obfuscated`` flags: a text where one
    of its patterns matches (a span's match is the text's), or with full-width and ordinary letters or
    digits both. Run once over the joined batch like ``texts_with_url_marks``: NumPy finds where a match can
    start (a disguised digit, a letter or digit, ASCII or full-width, before a separator, a spoken numeral
    one or two characters before another) and the regex is tried there."""
    if not texts:
        return []
    joined, codes = _joined(texts)
    classes = np.append(np.take(_char_classes(), codes), np.zeros(2, dtype=np.uint8))  # 2: the look-ahead
    here, next1, next2 = classes[:-2], classes[1:-1], classes[2:]
    mask = next1 >> 1
    mask &= _ALNUM
    spoken = next1 | next2
    spoken &= _SPOKEN
    mask |= spoken
    mask |= _DISGUISED
    mask &= here
    match = _HIDDEN_CONTACT_GATE_RE.match
    found = set(_texts_at(texts, [p for p in np.flatnonzero(mask).tolist() if match(joined, p)]))
    search = _ASCII_ALNUM_RE.search
    found.update(i for i in _texts_at(texts, np.flatnonzero(here & _FULL_WIDTH)) if search(texts[i]))
    return sorted(found)


def _classify_digits(digits: str) -> tuple[EntityKind, str, bool, str | None] | None:
    """Kind, value, valid and note of one number; None when it is none of the kinds we extract."""
    n = len(digits)
    if n == 18 and (digits[:17].isdigit()):
        if resident_id_valid(digits):
            return EntityKind.ID_NUMBER, digits, True, None
        if digits[-1] == "X" or (digits[0] in "12345678" and digits[6:8] in ("19", "20")):
            # Shaped like an ID (region digit, birth century) but the check character is wrong.
            return EntityKind.ID_NUMBER, digits, False, "身份证号校验位不符"
    if not digits.isdigit():
        return None
    if 16 <= n <= 19:
        if luhn_valid(digits):
            return EntityKind.BANK_CARD, digits, True, None
        if digits[0] in "3456":
            return EntityKind.BANK_CARD, digits, False, "银行卡号校验(Luhn)不符"
        return None
    if (n == 13 and digits.startswith("86")) or (n == 15 and digits.startswith("0086")):
        digits = digits[-11:]
        n = 11
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return EntityKind.MOBILE, digits, True, None
    if n == 10 and digits[:3] in ("400", "800"):
        return EntityKind.SERVICE_NUMBER, digits, True, None
    if 10 <= n <= 12 and digits[0] == "0" and (m := _LANDLINE_AREA_RE.match(digits)):
        local = digits[m.end() :]
        if 7 <= len(local) <= 8 and local[0] in "23456789":
            return EntityKind.LANDLINE, digits, True, None
    # 12xxx: the government hotlines are 121xx and 123xx (12110, 12123, 12306, 12315, 12345 …); another
    # 12xxx is an amount or a count ("退保金额12800"), not a number to call.
    if n == 5 and (digits[:2] in ("95", "96") or digits[:3] in ("100", "111", "121", "123")):
        return EntityKind.SERVICE_NUMBER, digits, True, None
    # 95 numbers of 6 (956025) and 8 digits (9510 xxxx); round fifteen: local banks' 96 numbers of 6 (961122).
    if (n in (6, 8) and digits[:2] == "95") or (n == 6 and digits[:2] == "96"):
        return EntityKind.SERVICE_NUMBER, digits, True, None
    return None


def _numbers(t: str) -> Iterator[Found]:
    for m in _RUN_RE.finditer(t):
        run = m.group(0)
        if len(run) < 5:
            continue
        digits = _digits(run)
        if len(digits) < 5:
            continue
        kind = _classify_digits(digits)
        if kind is not None:
            yield m.start(), m.end(), *kind
            continue
        # A run that is no number as a whole may be two numbers side by side ("13812345678 5000").
        for g in re.finditer(r"\d+x?", run):
            kind = _classify_digits(_digits(g.group(0)))
            if kind is not None:
                yield m.start() + g.start(), m.start() + g.end(), *kind


# Round fifteen: the three-digit emergency numbers, only as a number to call (拨打110, 报警电话110): the hand
# sets' authors list them as service numbers in every police reminder.
_EMERGENCY_RE = re.compile(r"(?:拨打|打|致电|报警|电话|热线|或)\s*[:：]?\s*(110|119|120|122)(?![0-9])")


def _emergency(t: str) -> Iterator[Found]:
    if "11" in t or "12" in t:
        for m in _EMERGENCY_RE.finditer(t):
            yield m.start(1), m.end(1), EntityKind.SERVICE_NUMBER, m.group(1), True, None


def _qq_wechat(t: str) -> Iterator[Found]:
    if "q" in t or "扣" in t or "群号" in t:
        for m in _QQ_RE.finditer(t):
            group = m.lastindex or 1
            yield m.start(group), m.end(group), EntityKind.QQ, m.group(group).replace(" ", ""), True, None
    if "微" in t or "v" in t or "薇" in t or "威" in t or "加" in t:
        for m in _WECHAT_RE.finditer(t):
            group = m.lastindex or 1
            value = m.group(group).replace(" ", "")
            if 6 <= len(value) <= 20:
                yield m.start(group), m.end(group), EntityKind.WECHAT, value, True, None


def _codes(t: str) -> Iterator[Found]:
    if "码" not in t:
        return
    for m in _CODE_RE.finditer(t):
        group = 1 if m.group(1) else 2
        yield m.start(group), m.end(group), EntityKind.VERIFICATION_CODE, m.group(group), True, None


def _amounts(t: str) -> Iterator[Found]:
    for c in _AMOUNT_RE.finditer(t):
        m = _AMOUNT_PARTS_RE.search(c.group(0))
        if m is None:
            continue
        num, unit = m.group("num"), m.group("unit")
        if unit in ("k", "w", "usdt") and c.end() < len(t) and t[c.end()].isascii() and t[c.end()].isalpha():
            continue  # "3kg", "2wifi": a unit letter glued to a word
        # Chinese numerals need a digit word: 千万不要 / 百万保障 are no amounts.
        if not num[0].isdigit() and not _CN_NUMBER_WORDS.intersection(num):
            continue
        start, end = c.start() + m.start(), c.end()
        if (p := _AMOUNT_PREFIX_RE.search(t, max(0, start - 4), end)) and p.end("num") == start + len(num):
            start = p.start()
        value = _amount_value(num, unit)
        if value is not None and value != "0":
            yield start, end, EntityKind.AMOUNT, value, True, None
    if not _CURRENCY_GATE.search(t):
        return
    for m in _AMOUNT_PREFIX_RE.finditer(t):
        value = _amount_value(m.group("num"), None)
        if value is not None and value != "0":
            yield m.start(), m.end(), EntityKind.AMOUNT, value, True, None


def _apps(t: str) -> Iterator[Found]:
    for end_index, (name, kind) in _app_automaton().iter_long(t):
        yield end_index - len(name) + 1, end_index + 1, kind, name, True, None


# Order is priority: context-anchored QQ/WeChat ids and codes first, then bare numbers, then amounts.
_EXTRACTORS: tuple[Callable[[str], Iterator[Found]], ...] = (_urls, _qq_wechat, _codes, _numbers, _emergency, _amounts)
# Cheap gate: text without digits (ASCII or a Chinese amount) skips the number extractors.
_HAS_DIGIT = re.compile(r"\d|[一二两三四五六七八九十百千][万亿]?(?:元|块|万)")


def extract_entities(norm: Normalized) -> list[Entity]:
    t = norm.text
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    extractors = _EXTRACTORS if _HAS_DIGIT.search(t) else (_urls, _qq_wechat, _amounts)
    for extract in (*extractors, _apps):
        for item in extract(t):
            start, end = item[0], item[1]
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(item)
    found.sort(key=lambda f: f[0])
    entities = []
    for start, end, kind, value, valid, note in found:
        o_start, o_end = norm.to_original(start, end)
        entities.append(
            built(
                Entity,
                {
                    "kind": kind,
                    "value": value,
                    "text": norm.original[o_start:o_end],
                    "start": o_start,
                    "end": o_end,
                    "valid": valid,
                    "note": note,
                    "risk_listed": False,
                },
            )
        )
    return entities
