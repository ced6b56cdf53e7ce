import math

import pandas as pd

from metrics import padme


def test_s_curve_against_the_target_curve_with_missing_quarters():
    by_quarter = pd.DataFrame({"quarter": [1, 2], "budget_baht": [100, 100], "disb_actual_baht": [20, 45],
                               "committed_baht": [30, 60]})
    out = padme.s_curve(by_quarter, {1: 26.0, 2: 50.0, 3: 72.0}).set_index("quarter")
    assert out.loc[1, "disbursed_pct"] == 20.0 and out.loc[2, "committed_pct"] == 60.0
    assert out.loc[3, "target_pct"] == 72.0 and math.isnan(out.loc[3, "disbursed_pct"])  # not reached yet
    assert math.isnan(out.loc[4, "target_pct"])


def test_s_curve_with_zero_budget_is_no_data():
    out = padme.s_curve(pd.DataFrame({"quarter": [1], "budget_baht": [0], "disb_actual_baht": [0],
                                      "committed_baht": [0]}), {1: 26.0})
    assert math.isnan(out.disbursed_pct[0]) and math.isnan(out.committed_pct[0])


def test_indicator_achievement():
    assert padme.indicator_achievement(3, 12) == 25.0
    assert math.isnan(padme.indicator_achievement(0, 0))
    assert math.isnan(padme.indicator_achievement(None, 5))


def test_disbursed_share_per_project():
    frame = pd.DataFrame({"budget_baht": [200, 0], "disb_actual_baht": [50, 0]}, index=[7, 8])
    share = padme.disbursed_share(frame)
    assert share[7] == 25.0 and math.isnan(share[8])
