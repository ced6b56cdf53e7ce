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


# --- the SDG page: goal trend, indicator status, benchmarking -------------------------------------
@pytest.mark.parametrize("trends, expected", [
    (["on_track", "moderate"], "moderate"),          # the worse of the two
    (["decreasing", "on_track"], "decreasing"),
    (["stagnating", None], "stagnating"),            # an indicator without a trend is left out
    ([None, None], None),                            # one year only: no trend at all
    ([], None),
    ([float("nan"), "on_track"], "on_track"),
])
def test_goal_trend_is_the_worst_indicator_trend(trends, expected):
    assert sdg.goal_trend(trends) == expected


INDICATORS = pd.DataFrame({
    "indicator_code": ["1.a", "1.b", "2.a", "2.b"], "goal": [1, 1, 2, 2],
    "target_value": [2.0, 95.0, 8.0, 98.0], "lower_bound": [15.0, 50.0, 30.0, 60.0],
})


def test_indicator_status_value_rating_and_trend_up_to_the_year():
    series = pd.DataFrame({
        "indicator_code": ["1.a"] * 4 + ["1.b"] * 3 + ["2.a"],
        "year": [2567, 2568, 2569, 2570, 2567, 2568, 2569, 2569],
        "value": [8.0, 7.2, 6.5, 1.0, 85.0, 86.5, 88.0, 20.0],
    })
    out = sdg.indicator_status(series, INDICATORS, 2569).set_index("indicator_code")
    assert out.loc["1.a", "value"] == 6.5  # 2570 lies after the year in view: ignored
    assert out.loc["1.a", "rating"] == "significant" and out.loc["1.a", "trend"] == "moderate"
    assert out.loc["1.b", "rating"] == "challenges" and out.loc["1.b", "trend"] == "moderate"
    assert pd.isna(out.loc["2.a", "trend"])  # one year only
    assert out.loc["2.a", "progress"] == pytest.approx((20 - 30) / (8 - 30))
    assert math.isnan(out.loc["2.b", "value"]) and pd.isna(out.loc["2.b", "rating"])  # missing value
    assert math.isnan(out.loc["2.b", "score"]) and pd.isna(out.loc["2.b", "trend"])


def test_goal_status_for_every_goal_even_without_data():
    series = pd.DataFrame({"indicator_code": ["1.a", "1.a", "1.b", "1.b"], "year": [2568, 2569] * 2,
                           "value": [7.0, 6.5, 80.0, 88.0]})
    status = sdg.indicator_status(series, INDICATORS, 2569)
    out = sdg.goal_status(status, goals=[1, 2, 3]).set_index("goal")
    assert out.loc[1, "rating"] == "significant" and out.loc[1, "score"] == 1
    assert out.loc[1, "index"] == pytest.approx(100 * ((6.5 - 15) / (2 - 15) + (88 - 50) / (95 - 50)) / 2)
    assert out.loc[1, "trend"] == sdg.goal_trend(status[status.goal == 1]["trend"])
    for goal in (2, 3):  # no values: no rating, no score, no trend (never 0)
        assert pd.isna(out.loc[goal, "rating"]) and math.isnan(out.loc[goal, "score"])
        assert math.isnan(out.loc[goal, "index"]) and pd.isna(out.loc[goal, "trend"])
    empty = sdg.indicator_status(series.iloc[0:0], INDICATORS, 2569)
    assert sdg.goal_status(empty, goals=[1])["rating"].tolist() == [None]


def test_goal_status_agrees_with_goal_ratings():
    values = pd.DataFrame({"indicator_code": INDICATORS.indicator_code, "year": 2570,
                           "value": [6.5, 88.0, 9.0, 97.0]})
    status = sdg.indicator_status(values, INDICATORS, 2570)
    rated = sdg.goal_ratings(status)
    out = sdg.goal_status(status, goals=[1, 2])
    assert out["rating"].tolist() == rated["rating"].tolist()


def test_goal_index():
    assert sdg.goal_index([0.5, 1.0]) == 75.0
    assert sdg.goal_index([0.5, None, float("nan")]) == 50.0
    assert math.isnan(sdg.goal_index([None]))
    assert math.isnan(sdg.goal_index([]))


def _values(rows):
    """area_code, goal, value rows on a 0..100 higher-is-better indicator."""
    frame = pd.DataFrame(rows, columns=["area_code", "goal", "value"])
    return frame.assign(target_value=100.0, lower_bound=0.0)


def test_area_goal_scores_per_area_and_goal():
    out = sdg.area_goal_scores(_values([("A", 1, 100), ("A", 1, 85), ("A", 2, 40), ("B", 1, None),
                                        ("B", 2, 90)]))
    got = {(r.area_code, r.goal): (r.score, r.rating, r.index) for r in out.itertuples()}
    assert got[("A", 1)] == (2, "challenges", pytest.approx(92.5))
    assert got[("A", 2)] == (0, "major", pytest.approx(40.0))
    assert ("B", 1) not in got and got[("B", 2)][1] == "challenges"  # missing value: no score
    assert sdg.area_goal_scores(_values([])).empty
    assert sdg.area_goal_scores(_values([("C", 1, None)])).empty


def test_rank_desc_ties_share_the_best_rank_and_nan_stays_unranked():
    ranks = sdg.rank_desc(pd.Series([50, 70, 70, None, 10]))
    assert ranks.tolist()[:3] == [3.0, 1.0, 1.0] and math.isnan(ranks[3]) and ranks[4] == 4.0


def test_benchmark_ranks_within_each_peer_group_with_ties():
    scores = sdg.area_goal_scores(_values([
        ("10", 1, 80), ("11", 1, 90), ("12", 1, 80), ("20", 1, 95),     # 10 and 12 tie
        ("10", 2, 50), ("11", 2, 60), ("20", 2, 40),                    # 12 has no goal-2 value
    ]))
    groups = {"region": ["10", "11", "12"], "country": ["10", "11", "12", "20"]}
    out = sdg.benchmark(scores, "12", groups).set_index("goal")
    assert out.loc[1, "rank_region"] == 2 and out.loc[1, "n_region"] == 3
    assert out.loc[1, "rank_country"] == 3 and out.loc[1, "n_country"] == 4
    assert out.loc[1, "index"] == 80 and out.loc[1, "rating"] == "challenges"
    assert math.isnan(out.loc[2, "rank_region"]) and out.loc[2, "n_region"] == 2  # no value: no rank
    assert pd.isna(out.loc[2, "rating"]) and math.isnan(out.loc[2, "index"])
    ten = sdg.benchmark(scores, "10", groups).set_index("goal")
    assert ten.loc[1, "rank_region"] == 2 and ten.loc[2, "rank_country"] == 2
    one_area = sdg.benchmark(scores[scores.area_code == "20"], "20", {"country": ["20"]})
    assert one_area["rank_country"].tolist() == [1, 1] and one_area["n_country"].tolist() == [1, 1]
    empty = sdg.benchmark(scores.iloc[0:0], "10", groups)
    assert empty.empty and "rank_region" in empty.columns


def test_rating_counts_rank_by_goals_on_track_with_ties_and_missing_areas():
    ratings = pd.DataFrame({"area_code": ["A", "A", "A", "B", "B", "C", "C"],
                            "goal": [1, 2, 3, 1, 2, 1, 2],
                            "score": [3, 2, 0, 3, 3, 2, 1]})
    out = sdg.rating_counts(ratings, areas=["A", "B", "C", "D"]).set_index("area_code")
    assert out.loc["A", "n_on_track"] == 2 and out.loc["A", "n_major"] == 1 and out.loc["A", "n_rated"] == 3
    assert out.loc["B", "n_achieved"] == 2 and out.loc["B", "n_on_track"] == 2
    assert out.loc["A", "rank"] == out.loc["B", "rank"] == 1  # tie on goals on track
    assert out.loc["C", "rank"] == 3 and out.loc["C", "n_significant"] == 1
    assert math.isnan(out.loc["D", "n_on_track"]) and math.isnan(out.loc["D", "rank"])  # no data, not 0
    assert out.index.tolist() == ["B", "A", "C", "D"]  # tie broken by goals achieved, no data last
    assert sdg.rating_counts(ratings.iloc[0:0]).empty
