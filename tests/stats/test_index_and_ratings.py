import pytest

from fanzha.core.errors import Invalid
from fanzha.stats import index, ratings
from fanzha.stats.ratings import Colour


def test_percentiles_put_the_best_area_at_one_and_share_ties() -> None:
    lower_better = index.percentiles({"A": 1.0, "B": 2.0, "C": 2.0, "D": 4.0, "E": None}, higher_is_better=False)
    assert lower_better == {"A": 1.0, "B": 0.5, "C": 0.5, "D": 0.0, "E": None}
    higher_better = index.percentiles({"A": 0.3, "B": 0.6}, higher_is_better=True)
    assert higher_better == {"A": 0.0, "B": 1.0}


def test_index_weights_percentiles_and_ranks_best_first() -> None:
    config = index.parse_config({"indicators": [
        {"code": "cases_per_10k", "direction": "lower_better", "weight": 3},
        {"code": "app_install_rate", "direction": "higher_better", "weight": 1},
    ]})
    scores = index.score(config, {
        "T1": {"cases_per_10k": 1.0, "app_install_rate": 0.3},
        "T2": {"cases_per_10k": 3.0, "app_install_rate": 0.6},
        "T3": {"cases_per_10k": None, "app_install_rate": 0.5},
    })
    by_area = {s.area_code: s for s in scores}
    assert by_area["T1"].score == 75.0 and by_area["T1"].rank == 1
    assert by_area["T2"].score == 25.0 and by_area["T2"].rank == 2
    # T3 lacks the indicator carrying 3/4 of the weight: no index rather than a skewed one.
    assert by_area["T3"].score is None and by_area["T3"].rank is None
    assert any("万人发案率" in r for r in by_area["T1"].reasons_zh)


@pytest.mark.parametrize(("item", "message"), [
    ({"code": "nope", "direction": "lower_better", "weight": 1}, "不存在"),
    ({"code": "cases", "direction": "up", "weight": 1}, "direction"),
    ({"code": "cases", "direction": "lower_better", "weight": 0}, "权重"),
])
def test_bad_index_config_is_rejected(item: dict[str, object], message: str) -> None:
    with pytest.raises(Invalid) as exc:
        index.parse_config({"indicators": [item]})
    assert message in exc.value.message_zh


def test_shipped_configs_load() -> None:
    assert index.load_config().codes
    assert ratings.load_config().basis == "relative"


RELATIVE = ratings.parse_config({"basis": "relative", "red_rate": 1.3, "yellow_rate": 1.0, "red_rise": 0.3,
                                 "yellow_rise": 0.5, "min_cases": 3})


@pytest.mark.parametrize(("rate", "parent", "cases", "previous", "colour"), [
    (1.5, 1.0, 15, 15, Colour.RED),        # 150% of the county's rate
    (1.1, 1.0, 11, 8, Colour.RED),          # above average and up 37.5%
    (1.1, 1.0, 11, 10, Colour.YELLOW),      # above average, steady
    (0.8, 1.0, 8, 5, Colour.YELLOW),        # below average but up 60%
    (0.8, 1.0, 2, 0, Colour.BLUE),          # rise from a handful of cases does not count
    (0.5, 1.0, 5, 5, Colour.BLUE),
    (0.0, 0.0, 0, 0, Colour.BLUE),          # no cases anywhere
    (None, 1.0, None, None, Colour.NONE),   # no data is not blue
])
def test_colour_follows_per_capita_cases_and_trend(rate: float | None, parent: float, cases: int | None,
                                                   previous: int | None, colour: Colour) -> None:
    rating = ratings.rate(RELATIVE, rate_per_10k=rate, parent_rate=parent, cases=cases, previous_cases=previous)
    assert rating.colour is colour
    assert rating.reason_zh


def test_absolute_thresholds_scale_with_the_period_length() -> None:
    config = ratings.parse_config({"basis": "absolute", "red_rate": 1.5, "yellow_rate": 1.0, "red_rise": 0.3,
                                   "yellow_rise": 0.5, "min_cases": 3})
    # 12 per 10,000 in a year is 0.99 a month: blue, though 12 in a month would be red.
    assert ratings.rate(config, rate_per_10k=12, parent_rate=None, cases=48, previous_cases=48,
                        days=365).colour is Colour.BLUE
    assert ratings.rate(config, rate_per_10k=12, parent_rate=None, cases=48, previous_cases=48,
                        days=30).colour is Colour.RED
