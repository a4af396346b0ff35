"""The synthetic county is reproducible and has the field's magnitudes."""

from __future__ import annotations

from datetime import date

from fanzha.sim.county import build_county, id_checksum
from fanzha.sim.fraud import build_rings, day_attempts, luhn_complete
from fanzha.sim.runner import SimContext


def test_same_seed_same_county_and_a_different_seed_differs() -> None:
    a, b, c = build_county(7, residents=3000), build_county(7, residents=3000), build_county(8, residents=3000)
    assert [r.phone for r in a.residents] == [r.phone for r in b.residents]
    assert [r.phone for r in a.residents] != [r.phone for r in c.residents]


def test_the_county_has_towns_villages_grids_banks_and_valid_ids() -> None:
    county = build_county(1, residents=5000)
    assert len(county.towns) == 15 and len(county.banks) == 8
    assert 180 <= sum(1 for a in county.areas if a.level == "village") <= 220
    assert county.areas[0].population == 5000
    assert all(r.id_number[-1] == id_checksum(r.id_number[:17]) for r in county.residents)
    rate = sum(r.app_installed for r in county.residents) / len(county.residents)
    assert 0.25 < rate < 0.6


def test_about_five_hundred_warning_worthy_attempts_a_day_with_evening_peak() -> None:
    ctx = SimContext(seed=3, county=build_county(3, residents=20_000), start=date(2026, 3, 1), days=10)
    attempts = ctx.attempts
    assert 450 * 10 < len(attempts) < 550 * 10
    evening = sum(1 for a in attempts if 18 <= (a.at.hour + 8) % 24 <= 22)
    morning = sum(1 for a in attempts if 2 <= (a.at.hour + 8) % 24 <= 6)
    assert evening > 5 * morning
    losers = [a for a in attempts if a.would_lose_fen]
    avg_yuan = sum(a.would_lose_fen for a in losers) / len(losers) / 100
    assert 40_000 < avg_yuan < 130_000
    by_type: dict[str, int] = {}
    for a in losers:
        by_type[a.type_code] = by_type.get(a.type_code, 0) + a.would_lose_fen
    top_two = sorted(by_type, key=lambda k: -by_type[k])[:3]
    assert "F02" in top_two


def test_rings_reuse_valid_bank_cards() -> None:
    import random

    rings = build_rings(random.Random(1))
    card = rings[0].accounts[0]
    assert luhn_complete(card[:-1]) == card
    county = build_county(2, residents=1000)
    first = list(day_attempts(random.Random(1), county, rings, date(2026, 1, 1)))
    assert all(any(a.payee_account in r.accounts for r in rings) for a in first)
