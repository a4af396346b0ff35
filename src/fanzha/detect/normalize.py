"""Text normalization that undoes common evasion spellings, keeping a map back to original spans.

Pipeline (each step measured to stay in the low microseconds for SMS-length text):
1. one ``str.translate`` with a 1:1 table: full-width -> half-width, traditional -> simplified,
   ASCII lower case, homoglyphs (Cyrillic/Greek look-alikes), circled/bold digits; 1:1 keeps offsets.
2. noise removal: emoji anywhere; spaces/symbols only *between* CJK characters (微 信, 加❤微, 刷*单),
   so that English words and spaced digit groups survive for entity extraction.
3. runs of Chinese numerals (幺三八…, 壹贰…) of length >= 7 become ASCII digits (same length).
4. variant words (V信, 扣扣, 菠菜 …) and obfuscated links (xx点com, xx[.]cn) get canonical spellings.
Steps 2 and 4 change lengths; each records a segment map so spans can be mapped back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
import numpy.typing as npt

# --- step 1: the 1:1 character table -------------------------------------------------------------

_HOMOGLYPHS = {
    # Cyrillic and Greek letters that render like Latin ones (used in look-alike links and ids).
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ɡ": "g",
    "ո": "n",
    "ν": "v",
    "ο": "o",
    "α": "a",
    "ε": "e",
    "τ": "t",
    "κ": "k",
    "ι": "i",
    "ρ": "p",
    "А": "a",
    "В": "b",
    "Е": "e",
    "К": "k",
    "М": "m",
    "Н": "h",
    "О": "o",
    "Р": "p",
    "С": "c",
    "Т": "t",
    "Х": "x",
    "Ο": "o",
    "Α": "a",
}
_DIGIT_VARIANTS = "⓪①②③④⑤⑥⑦⑧⑨"  # circled digits 0-9
_DIGIT_VARIANTS2 = "⑴⑵⑶⑷⑸⑹⑺⑻⑼"  # parenthesized 1-9
_DIGIT_VARIANTS3 = "➀➁➂➃➄➅➆➇➈"
_DIGIT_VARIANTS4 = "❶❷❸❹❺❻❼❽❾"
_EXTRA = {
    "\u3000": " ",
    "\u00a0": " ",
    "帐": "账",
    "\u2014": "-",
    "\u2013": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u3002": "。",
    "\uff61": "。",
    "\u2024": ".",
    "\u00b7": "·",
}


def _opencc_table() -> dict[int, str]:
    """Traditional -> simplified single-character table from the OpenCC data shipped with
    opencc-python-reimplemented; empty (no conversion) if the package data is missing."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - dependency is declared
        return {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    if not path.exists():  # pragma: no cover
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        src, _, dst = line.partition("\t")
        first = dst.split(" ")[0] if dst else ""
        if len(src) == 1 and len(first) == 1 and src != first:
            table[ord(src)] = first
    return table


@cache
def char_table() -> dict[int, str]:
    table = _opencc_table()
    # Full-width letters, digits and link/id symbols become ASCII; full-width sentence punctuation
    # (，！？：；（）) stays, because it marks clause breaks that noise removal must not erase.
    for ch in "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ．＠／－＿＋＃＊％＆＝～＄":
        table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    for cp in range(ord("Ａ"), ord("Ｚ") + 1):
        table[cp] = chr(cp - 0xFEE0 + 32)
    for i, ch in enumerate(_DIGIT_VARIANTS):
        table[ord(ch)] = str(i)
    for variants in (_DIGIT_VARIANTS2, _DIGIT_VARIANTS3, _DIGIT_VARIANTS4):
        for i, ch in enumerate(variants, start=1):
            table[ord(ch)] = str(i)
    for base in (0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6):  # mathematical bold/sans digits
        for i in range(10):
            table[base + i] = str(i)
    for src, dst in (_HOMOGLYPHS | _EXTRA).items():
        table[ord(src)] = dst
    # Resolve chains (帳 -> 帐 -> 账) so one translate pass reaches the final form.
    for cp, dst in list(table.items()):
        if len(dst) == 1 and ord(dst) in table and table[ord(dst)] != dst:
            table[cp] = table[ord(dst)]
    return table


# --- span maps -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SegmentMap:
    """Map from a rewritten string back to its input: segments (new_start, old_start, old_end, copy)."""

    new_starts: tuple[int, ...]
    segments: tuple[tuple[int, int, int, bool], ...]

    def start(self, i: int) -> int:
        new_start, old_start, _old_end, copy = self.segments[bisect_right(self.new_starts, i) - 1]
        return old_start + (i - new_start) if copy else old_start

    def end(self, i: int) -> int:
        """Exclusive old end of the new character i."""
        new_start, old_start, old_end, copy = self.segments[bisect_right(self.new_starts, i) - 1]
        return old_start + (i - new_start) + 1 if copy else old_end


def _rewrite_spans(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, _SegmentMap | None]:
    """Replace non-overlapping, sorted (start, end, replacement) spans and record a segment map."""
    out: list[str] = []
    new_starts: list[int] = []
    segments: list[tuple[int, int, int, bool]] = []
    pos = 0
    new_len = 0
    for start, end, repl in spans:
        if start > pos:
            new_starts.append(new_len)
            segments.append((new_len, pos, start, True))
            out.append(text[pos:start])
            new_len += start - pos
        if repl:
            new_starts.append(new_len)
            segments.append((new_len, start, end, False))
            out.append(repl)
            new_len += len(repl)
        pos = end
    if not spans:
        return text, None
    new_starts.append(new_len)
    segments.append((new_len, pos, len(text), True))
    out.append(text[pos:])
    return "".join(out), _SegmentMap(tuple(new_starts), tuple(segments))


# --- step 2: noise -------------------------------------------------------------------------------

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3\U000e0000-\U000e007f"
_ZERO_WIDTH = "\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad"
# Symbols used to split words. Sentence punctuation and 【】《》 are not here: they carry meaning.
_NOISE_SYMBOLS = r"\s*★☆♥♡·•~_|/\\\-+^#.'`\"=<>$%&@\[\]{}…‘’“”"
_CJK = "\u3400-\u9fff"
_NOISE = f"[{_EMOJI}{_ZERO_WIDTH}{_NOISE_SYMBOLS}]+"
# Noise is dropped (a) between two word characters when one of them is CJK (微 信, 加 V, 刷*单),
# (b) emoji and zero-width characters anywhere, (c) separators between digits typed one by one
# (1 3 8 …) while digit groups (138 1234 5678) stay for the entity patterns.
# The leading look-ahead lets the engine skip ordinary characters fast (measured 7.8 -> 2.8 us).
_NOISE_RE = re.compile(
    f"(?=[{_EMOJI}{_ZERO_WIDTH}{_NOISE_SYMBOLS}])(?:"
    f"(?<=[{_CJK}]){_NOISE}(?=[{_CJK}a-z0-9])"
    f"|(?<=[a-z0-9]){_NOISE}(?=[{_CJK}])"
    f"|[{_EMOJI}{_ZERO_WIDTH}]+"
    r"|(?<=(?<![0-9])[0-9])[ \-]+(?=[0-9](?![0-9])))"
)
_CJK_RE = re.compile(f"[{_CJK}]")
_EMOJI_ONLY_RE = re.compile(f"[{_EMOJI}{_ZERO_WIDTH}]")
_ASCII_LETTER_RE = re.compile("[a-z]")


# --- step 3: Chinese numerals inside long digit-like runs -----------------------------------------

_NUMERALS = {
    "〇": "0",
    "零": "0",
    "o": "0",
    "一": "1",
    "幺": "1",
    "壹": "1",
    "二": "2",
    "贰": "2",
    "两": "2",
    "三": "3",
    "叁": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陆": "6",
    "七": "7",
    "柒": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
}
_NUMERAL_TABLE = str.maketrans(_NUMERALS)
_NUMERAL_RUN_RE = re.compile(r"[0-9〇零一幺壹二贰两三叁四肆五伍六陆七柒八捌九玖o]{7,}")


def _numeral_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if run.isdigit():
        return run
    # A latin 'o' only counts as zero inside a run that is mostly digits already (138oo12345…).
    if not any(c in _NUMERALS and c != "o" for c in run) and sum(c.isdigit() for c in run) < 5:
        return run
    return run.translate(_NUMERAL_TABLE)


# --- step 4: variant words and obfuscated links --------------------------------------------------

# Variant -> canonical, matched after steps 1-3 (so lower case, simplified, no split noise).
VARIANTS: dict[str, str] = {
    "v信": "微信",
    "薇信": "微信",
    "威信": "微信",
    "徽信": "微信",
    "微芯": "微信",
    "危信": "微信",
    "胃信": "微信",
    "卫信": "微信",
    "vx": "微信",
    "wx": "微信",
    "weixin": "微信",
    "微xin": "微信",
    "wei信": "微信",
    "加v信": "加微信",
    "加vx": "加微信",
    "加wx": "加微信",
    "加v": "加微信",
    "+v": "加微信",
    "扣扣": "qq",
    "寇寇": "qq",
    "抠抠": "qq",
    "q q": "qq",
    "企鹅号": "qq号",
    "zfb": "支付宝",
    "吱付宝": "支付宝",
    "支f宝": "支付宝",
    "yhk": "银行卡",
    "银行k": "银行卡",
    "菠菜": "博彩",
    "bc平台": "博彩平台",
    "刷dan": "刷单",
    "shua单": "刷单",
    "兼zhi": "兼职",
    "jian职": "兼职",
    "点zan": "点赞",
    "点攒": "点赞",
    "返l": "返利",
    "反利": "返利",
    "返俐": "返利",
    "dai款": "贷款",
    "贷kuan": "贷款",
    "代款": "贷款",
    "袋款": "贷款",
    "带款": "贷款",
    "d款": "贷款",
    "转zhang": "转账",
    "zhuan账": "转账",
    "洗qian": "洗钱",
    "yzm": "验证码",
    "验证玛": "验证码",
    "验正码": "验证码",
    "屏幕gong享": "屏幕共享",
    "gong享屏幕": "共享屏幕",
    "投zi": "投资",
    "tou资": "投资",
    "理cai": "理财",
    "徵信": "征信",
    "征xin": "征信",
    "zheng信": "征信",
    "公jian法": "公检法",
    "jing察": "警察",
    "tg": "telegram",
    "纸飞机": "telegram",
    "飞机号": "telegram",
    "u币": "usdt",
    "泰达币": "usdt",
    "银行咔": "银行卡",
    "卡号码": "卡号",
    "手续费用": "手续费",
}
_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|info|shop|site|club|icu|me|app|io|co|online|ltd|wang|ren|loan|"
    "tk|ml|ga|cf|gq|live|work|fun|pro|biz|link|asia|tv|hk|tw|mobi|buzz|store|tech|cyou|sbs|life|win"
)
TLD_SET = frozenset(_TLDS.split("|"))
_DOT_WORDS = r"(?:\.|点|點|dot|\[\.\]|\(\.\)|（\.）|【\.】|\[点\]|\(点\)|。|．)"
_OBFUSCATED_LINK = rf"[a-z0-9-]+(?:\s*{_DOT_WORDS}\s*[a-z0-9-]+)+"
# A link needs a label with a letter after a dot-word, so amounts like 500.00 never reach _link().
_LINK_RE = re.compile(rf"[a-z0-9-]+(?:\s*{_DOT_WORDS}\s*[a-z0-9-]*[a-z][a-z0-9-]*)+")
_DOT_RE = re.compile(rf"\s*{_DOT_WORDS}\s*")
# Round seven: a link typed one character at a time (w w w . x x 6 6 . c o m): six or more single letters or
# digit runs separated by spaces or dot-words; rewritten only when a label after a dot is a known TLD.
_SPACED_LINK_RE = re.compile(
    rf"(?<![a-z0-9])(?:[a-z]|[0-9]+)(?:(?:\s+|\s*{_DOT_WORDS}\s*)(?:[a-z]|[0-9]+)(?![a-z0-9])){{5,}}"
)
_SPACE_RE = re.compile(r"\s+")
# Scanning a whole batch with _SPACED_LINK_RE costs ~30% of score_batch, so it runs only on the maximal runs of
# link characters around a cheap literal hint (" x y ": two single characters between single spaces), which
# every rewritten link contains. A run never crosses a batch join character, so per-text and batch
# normalization find the same links.
_SPACED_HINT_RE = re.compile(r" [a-z0-9] [a-z0-9] ")
_LINK_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.点點。．[]()（）【】 \t")


@cache
def _variant_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for variant, canonical in VARIANTS.items():
        automaton.add_word(variant, (variant, canonical))
    automaton.make_automaton()
    return automaton


def _link(m: re.Match[str]) -> str:
    link = m.group(0)
    labels = _DOT_RE.split(link)
    if any(label in TLD_SET for label in labels[1:]):
        return ".".join(labels)
    return link


def _spaced_link(m: re.Match[str]) -> str:
    labels = _DOT_RE.split(_SPACE_RE.sub("", m.group(0)))
    if any(label in TLD_SET for label in labels[1:]) and all(labels):
        return ".".join(labels)
    return m.group(0)


def _spaced_link_spans(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Rewrites of links typed one character at a time, found in the runs around ``_SPACED_HINT_RE``."""
    out: list[tuple[int, int, str]] = []
    run_end = -1
    for hint in _SPACED_HINT_RE.finditer(text):
        if hint.start() < run_end:
            continue
        start, run_end = hint.start(), hint.end()
        while start > 0 and text[start - 1] in _LINK_RUN_CHARS:
            start -= 1
        while run_end < len(text) and text[run_end] in _LINK_RUN_CHARS:
            run_end += 1
        for m in _SPACED_LINK_RE.finditer(text, start, run_end):
            r = _spaced_link(m)
            if r != m.group(0) and not any(s < m.end() and m.start() < e for s, e, _ in taken):
                out.append((m.start(), m.end(), r))
    return out


def _ascii_glued(text: str, start: int, end: int) -> bool:
    """True when a variant with ascii edges sits inside a longer ascii token (vx in 'vxyz')."""
    word = text[start:end]
    if word[0].isascii() and start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        return True
    return word[-1].isascii() and end < len(text) and text[end].isascii() and text[end].isalnum()


def _step4_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    if _ASCII_LETTER_RE.search(text):
        spans = [(m.start(), m.end(), r) for m in _LINK_RE.finditer(text) if (r := _link(m)) != m.group(0)]
        spans += _spaced_link_spans(text, spans)
    taken_until = -1
    link_spans = list(spans)
    for end_index, (variant, canonical) in _variant_automaton().iter_long(text):
        start, end = end_index - len(variant) + 1, end_index + 1
        if _ascii_glued(text, start, end) or any(s < end and start < e for s, e, _ in link_spans):
            continue
        if start > taken_until:
            spans.append((start, end, canonical))
            taken_until = end - 1
    spans.sort()
    return spans


# --- public API ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    maps: tuple[_SegmentMap, ...]  # applied in order; empty when offsets are the identity
    evasion: bool = False  # a split word, a variant spelling, numerals or an obfuscated link was undone

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalized text to a span of the original text."""
        if end <= start:
            return start, start
        s, e = start, end - 1
        lo, hi = s, e + 1
        for seg_map in reversed(self.maps):
            lo = seg_map.start(lo)
            hi = seg_map.end(hi - 1)
        return lo, hi


_STEP1_TABLE: dict[int, str] = {}


def normalize(text: str) -> Normalized:
    global _STEP1_TABLE
    if not _STEP1_TABLE:
        _STEP1_TABLE = char_table()
    t = text.translate(_STEP1_TABLE)
    maps: list[_SegmentMap] = []
    drops = [(m.start(), m.end(), "") for m in _NOISE_RE.finditer(t)]
    # Dropped symbols other than emoji/spaces inside words (刷*单, 微.信) are deliberate splitting.
    evasion = any(not (c.isspace() or _EMOJI_ONLY_RE.match(c)) for s, e, _ in drops for c in t[s:e])
    t, m = _rewrite_spans(t, drops)
    if m is not None:
        maps.append(m)
    if _NUMERAL_RUN_RE.search(t):
        converted = _NUMERAL_RUN_RE.sub(_numeral_run, t)
        evasion = evasion or converted != t
        t = converted
    t, m = _rewrite_spans(t, _step4_spans(t))
    if m is not None:
        maps.append(m)
        evasion = True
    return Normalized(text, t, tuple(maps), evasion)


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


# --- many texts at once ---------------------------------------------------------------------------

# Joins for the batch string: control characters that no step above matches, replaces or removes, so a
# join behaves like the start/end of a text for every look-around; one not in the batch is chosen.
_JOINS = "\x00\x01\x02\x03\x04\x05\x06\x07\x08"


@cache
def _code_point_table() -> npt.NDArray[np.uint32] | None:
    """Step 1's table as a code-point array (one NumPy gather instead of a dict look-up per
    character: 0.16 vs 1.7 us per SMS); None if some entry is not one character to one."""
    table = char_table()
    if any(len(v) != 1 for v in table.values()):
        return None
    lut = np.arange(0x110000, dtype=np.uint32)
    lut[list(table)] = [ord(v) for v in table.values()]
    return lut


def _translate(text: str) -> str:
    lut = _code_point_table()
    if lut is None:
        return text.translate(char_table())
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return lut[code_points].tobytes().decode("utf-32-le", "surrogatepass")


def _stages(texts: Sequence[str]) -> tuple[str, list[str]] | None:
    """The joined batch after steps 1, 2, 3 and 4 (the join character first); None when every join
    character occurs in the batch (the caller then normalizes text by text)."""
    joined = "".join(texts)
    join = next((c for c in _JOINS if c not in joined and ord(c) not in char_table()), None)
    if join is None:
        return None
    t1 = _translate(join.join(texts))
    t2 = _NOISE_RE.sub("", t1)
    t3 = _NUMERAL_RUN_RE.sub(_numeral_run, t2) if _NUMERAL_RUN_RE.search(t2) else t2
    t4, _ = _rewrite_spans(t3, _step4_spans(t3))
    return join, [t1, t2, t3, t4]


def normalized_texts(texts: Sequence[str]) -> list[str]:
    """``[normalize(t).text for t in texts]``, done once over the joined batch (no span maps)."""
    stages = _stages(texts) if texts else None
    if stages is None:
        return [normalize(t).text for t in texts]
    join, joined = stages
    return joined[3].split(join)


def normalize_many(texts: Sequence[str]) -> list[Normalized]:
    """``[normalize(t) for t in texts]``: the batch's character work is done once over the joined
    texts; a text that steps 2 or 4 rewrote (it needs span maps) is normalized again on its own."""
    stages = _stages(texts) if texts else None
    if stages is None:
        return [normalize(t) for t in texts]
    join, joined = stages
    split = [t.split(join) for t in joined]
    return [
        Normalized(text, t4, (), t2 != t3) if t1 == t2 and t3 == t4 else normalize(text)
        for text, t1, t2, t3, t4 in zip(texts, *split, strict=True)
    ]
