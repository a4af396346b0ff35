import pytest

from fanzha.reports import phrasing as say


@pytest.mark.parametrize(("fen", "text"), [
    (None, "无数据"), (86_000, "860元"), (1_000_000, "1.00万元"), (6_164_870_000, "6164.87万元"),
])
def test_money_reads_in_wan_yuan(fen: int | None, text: str) -> None:
    assert say.money(fen) == text


@pytest.mark.parametrize(("value", "base", "text"), [
    (120, 100, "同比上升20.0%"),
    (80, 100, "同比下降20.0%"),
    (100, 100, "同比持平"),
    (5, 0, "同比由零增加"),
    (0, 0, "同比持平"),
    (5, None, "同比无可比数据"),
    (None, 5, "同比无数据"),
])
def test_changes_read_as_rise_or_fall(value: int | None, base: int | None, text: str) -> None:
    assert say.change(value, base, "同比") == text


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")])
def test_heading_ordinals(n: int, text: str) -> None:
    assert say.ordinal(n) == text


def test_rates_and_points() -> None:
    assert say.pct(0.6734) == "67.3%"
    assert say.change_points(0.70, 0.65, "同比") == "同比提高5.0个百分点"
    assert say.minutes(27.14) == "27.1分钟"
