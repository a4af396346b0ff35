"""How numbers read in a 工作总结: counts as plain integers, money in 万元, rates in percent,
changes as 上升/下降. Every figure in a report goes through these functions, so the test
that checks a document against the engine formats the engine's values the same way."""

from __future__ import annotations

NO_DATA = "无数据"
CN_DIGITS = "零一二三四五六七八九十"


def count(value: int | float | None) -> str:
    return NO_DATA if value is None else str(int(value))


def money(fen: int | float | None) -> str:
    """分 → "123.45万元" (or "860元" below 1万元)."""
    if fen is None:
        return NO_DATA
    yuan = fen / 100
    if abs(yuan) < 10_000:
        return f"{yuan:.0f}元"
    return f"{yuan / 10_000:.2f}万元"


def pct(rate: float | None) -> str:
    return NO_DATA if rate is None else f"{rate * 100:.1f}%"


def per_10k(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.2f}"


def minutes(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}分钟"


def change(value: int | float | None, base: int | float | None, label: str) -> str:
    """"同比上升12.3%" / "同比下降4.5%" / "同比持平"; says so when the base period has no data."""
    if value is None:
        return f"{label}{NO_DATA}"
    if base is None:
        return f"{label}无可比数据"
    if base == 0:
        return f"{label}持平" if value == 0 else f"{label}由零增加"
    delta = (value - base) / base
    if round(delta * 100, 1) == 0:
        return f"{label}持平"
    return f"{label}{'上升' if delta > 0 else '下降'}{abs(delta) * 100:.1f}%"


def change_points(value: float | None, base: float | None, label: str) -> str:
    """Rates compare in percentage points: "同比提高2.1个百分点"."""
    if value is None:
        return f"{label}{NO_DATA}"
    if base is None:
        return f"{label}无可比数据"
    delta = (value - base) * 100
    if round(delta, 1) == 0:
        return f"{label}持平"
    return f"{label}{'提高' if delta > 0 else '降低'}{abs(delta):.1f}个百分点"


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (heading numbers up to 99)."""
    if n <= 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def date_zh(year: int, month: int, day: int) -> str:
    return f"{year}年{month}月{day}日"
