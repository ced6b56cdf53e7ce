import math

import pandas as pd
import pytest

from metrics import sdg


@pytest.mark.parametrize("value, target, lower, expected", [
    (100, 100, 0, 3), (85, 100, 0, 2), (60, 100, 0, 1), (20, 100, 0, 0),   # higher is better
    (2.0, 2.0, 15.0, 3), (4.0, 2.0, 15.0, 2), (8.0, 2.0, 15.0, 1), (14.0, 2.0, 15.0, 0),  # lower is better
    (120, 100, 0, 3), (-5, 100, 0, 0),                                   # beyond the bounds clip
])
def test_indicator_score(value, target, lower, expected):
    assert sdg.indicator_score(value, target, lower) == expected


def test_missing_value_is_not_scored():
    assert math.isnan(sdg.indicator_score(None, 100, 0))
    assert math.isnan(sdg.indicator_score(50, 100, 100))  # degenerate bounds


def test_goal_is_rated_by_its_two_worst_indicators():
    values = pd.DataFrame({
        "goal": [1, 1, 1, 2, 2, 3],
        "value": [100, 85, 10, 100, 100, None],
        "target_value": [100] * 6, "lower_bound": [0] * 6,
    })
    out = sdg.goal_ratings(values).set_index("goal")
    assert out.loc[1, "score"] == 1 and out.loc[1, "rating"] == "significant"  # floor((2 + 0) / 2)
    assert out.loc[2, "rating"] == "achieved"
    assert 3 not in out.index  # a goal with no data gets no rating
    assert sdg.goals_on_track(out) == 1


@pytest.mark.parametrize("values, expected", [
    ([50, 60], "on_track"),      # +10/yr where (100-50)/6 ≈ 8.3/yr is needed
    ([50, 55], "moderate"),      # 5 of 8.3
    ([50, 50.2], "stagnating"),
    ([50, 45], "decreasing"),
])
def test_trend_against_the_pace_needed_for_2030(values, expected):
    assert sdg.trend([2567, 2568], values, target=100, lower_bound=0) == expected


def test_trend_for_lower_is_better_and_edge_cases():
    assert sdg.trend([2567, 2569], [10.0, 6.0], target=2.0, lower_bound=15.0) == "on_track"
    assert sdg.trend([2567, 2569], [10.0, 12.0], target=2.0, lower_bound=15.0) == "decreasing"
    assert sdg.trend([2567], [10.0], target=2.0, lower_bound=15.0) is None
    assert sdg.trend([2567, 2568], [100.0, 101.0], target=100, lower_bound=0) == "on_track"  # holding
    assert sdg.trend([2567, 2568], [95.0, 85.0], target=90, lower_bound=0) == "decreasing"  # fell below
    assert sdg.trend([2567, 2568], [90.0, 85.0], target=90, lower_bound=0) == "decreasing"  # no 0-division
