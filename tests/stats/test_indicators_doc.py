from pathlib import Path

from fanzha.stats.indicators import BREAKDOWNS, BY_CODE, INDICATORS, POPULATION, Ratio

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_indicator_and_breakdown_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for item in [*INDICATORS, *BREAKDOWNS]:
        assert f"`{item.code}`" in text, item.code


def test_ratios_refer_to_defined_indicators() -> None:
    for ind in INDICATORS:
        if isinstance(ind, Ratio):
            assert {ind.num, ind.den} <= set(BY_CODE) | {POPULATION}, ind.code
