"""The indicator engine on both backends: figures per node × period, sibling groups,
同比/环比, and 无数据 (never zero) where a source recorded nothing for the period."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.stats.engine import Engine
from fanzha.stats.periods import Period
from tests.stats.builders import seed_march

MARCH = Period.parse("2026-03")


@pytest.fixture
def county(session: Session) -> Session:
    seed_march(session)
    return session


def test_county_figures_for_a_month_come_from_every_source(county: Session) -> None:
    values = Engine(county).node(areas.get(county, code="C"), MARCH)
    assert values["cases"] == 3  # the declined report is not a case
    assert values["loss_fen"] == 9_000_000
    assert values["cases_per_10k"] == pytest.approx(3.0)  # 3 cases, population 10,000
    assert values["cases_solved"] == 1
    assert values["warnings"] == 3 and values["warnings_high"] == 1
    assert values["warnings_defrauded"] == 1 and values["defrauded_after_warning_rate"] == pytest.approx(1 / 3)
    assert values["closure_rate"] == 1.0
    assert values["loss_averted_fen"] == 2_000_000
    assert values["warnings_visited"] == 1
    assert values["response_minutes_median"] == 4.0
    assert (values["sla_met"], values["sla_missed"]) == (2, 1)
    assert values["sla_rate"] == pytest.approx(2 / 3)
    assert (values["freezes"], values["frozen_fen"]) == (1, 1_200_000)
    assert (values["campaigns"], values["campaign_reach"]) == (1, 120)
    assert (values["visits"], values["app_installs_on_visit"]) == (1, 1)
    assert values["residents"] == 3 and values["app_install_rate"] == pytest.approx(2 / 3)


def test_siblings_are_computed_together_and_a_quiet_town_has_real_zeros(county: Session) -> None:
    kids, values = Engine(county).children(areas.get(county, code="C"), MARCH)
    assert [k.code for k in kids] == ["T1", "T2"]  # the bank branch is not ranked
    assert values["T1"]["cases"] == 2 and values["T2"]["cases"] == 1
    assert values["T2"]["warnings"] == 0  # warnings were recorded that month, none in T2
    assert values["T2"]["response_minutes_median"] is None


def test_tongbi_and_huanbi_bases(county: Session) -> None:
    figures = Engine(county).figures(areas.get(county, code="C"), MARCH, ["cases", "warnings", "app_install_rate"])
    assert figures["cases"].year_ago == 1 and figures["cases"].yoy == pytest.approx(2.0)
    assert figures["warnings"].previous == 1 and figures["warnings"].mom == pytest.approx(2.0)
    # No warnings were recorded a year earlier: no comparison, not "up from zero".
    assert figures["warnings"].year_ago is None and figures["warnings"].yoy is None
    # App coverage is a snapshot: it has no history to compare with.
    assert figures["app_install_rate"].previous is None


def test_a_period_no_source_recorded_reads_no_data_not_zero(county: Session) -> None:
    values = Engine(county).node(areas.get(county, code="C"), Period.parse("2019-05"))
    for code in ("cases", "loss_fen", "warnings", "sla_rate", "campaigns", "freezes", "cases_per_10k"):
        assert values[code] is None, code


def test_month_quarter_and_year_agree(county: Session) -> None:
    engine = Engine(county)
    c = areas.get(county, code="C")
    months = engine.table([c], Period.parse("2026-Q1").months(), ["cases", "warnings"])
    quarter = engine.node(c, Period.parse("2026-Q1"), ["cases", "warnings"])
    assert quarter["warnings"] == sum(v["warnings"] or 0 for v in months.values()) == 4
    assert quarter["cases"] == 3


def test_weeks_and_days_are_counted_directly(county: Session) -> None:
    engine = Engine(county)
    c = areas.get(county, code="C")
    assert engine.node(c, Period.parse("2026-03-03"), ["warnings"])["warnings"] == 1
    assert engine.node(c, Period.parse("2026-W11"), ["warnings", "response_minutes_median"]) == {
        "population": 10_000, "warnings": 1, "response_minutes_median": 4.0}


def test_breakdowns_and_repeat_victims(county: Session) -> None:
    engine = Engine(county)
    c = areas.get(county, code="C")
    types = engine.breakdown(c, MARCH, "cases_by_type")
    assert types is not None and [(s.key, s.value) for s in types] == [("F01", 2), ("F02", 1)]
    assert types[0].label == "刷单返利"
    assert engine.repeat_subjects(c, MARCH, source="cases", column="victim_person_id") == 1
    assert engine.breakdown(c, Period.parse("2019-05"), "cases_by_type") is None


def test_a_period_that_has_not_begun_reads_no_data_even_with_rows_dated_in_it(
        county: Session, frozen_clock: object) -> None:
    from tests.stats.builders import add_case

    add_case(county, area="G111", day="2026-04-10")  # dated ahead of "now" (2 March 2026)
    c = areas.get(county, code="C")
    assert Engine(county).node(c, Period.parse("2026-04"), ["cases"])["cases"] is None
    assert Engine(county).node(c, MARCH, ["cases"])["cases"] == 3
