"""ThaiQM metrics (pure): KPI 1's target due and gap, ratios, dimensions, funnel, trend, and 'no data'."""
import math

import pandas as pd
import pytest

from metrics import thaiqm as m
from metrics.kpis import DIMENSIONS

ROW = {"n_surveyed": 200, "n_target": 100, "n_health": 20, "n_living": 40, "n_education": 10, "n_income": 80,
       "n_access": 0, "n_in_progress": 30, "n_helped": 25, "n_self_resolved": 5}


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(m.COUNTS) if not rows or "quarter" not in rows[0]
                        else ["quarter", *m.COUNTS])


def test_the_year_end_target_is_a_named_documented_constant():
    assert m.KPI_TARGET_PCT == 100.0
    assert "set each" in m.__doc__ and "KPI_TARGET_PCT" in m.__doc__


@pytest.mark.parametrize("quarter, elapsed, due", [
    (1, 1.0, 25.0), (2, 1.0, 50.0), (3, 1.0, 75.0), (4, 1.0, 100.0),
    (1, 0.0, 0.0), (2, 0.5, 37.5), (4, 0.5, 87.5),
    (3, 2.0, 75.0), (3, -1.0, 50.0),  # clipped to the quarter
])
def test_target_due_is_pro_rata_over_the_quarters(quarter, elapsed, due):
    assert m.target_due(quarter, elapsed) == pytest.approx(due)


def test_target_due_on_20_nov_2026_is_51_of_92_days_of_a_quarter_of_the_year():
    assert m.target_due(1, 51 / 92) == pytest.approx(25 * 51 / 92)
    assert m.target_due(2, 1.0, year_target=80.0) == pytest.approx(40.0)


@pytest.mark.parametrize("quarter, target", [(0, 100.0), (5, 100.0), (None, 100.0), (2, float("nan")), (2, None)])
def test_target_due_without_a_quarter_or_target_is_no_data(quarter, target):
    assert math.isnan(m.target_due(quarter, 1.0, target))


def test_target_due_with_no_data_date_counts_the_quarter_as_finished():
    assert m.target_due(2, float("nan")) == 50.0 and m.target_due(2, None) == 50.0


@pytest.mark.parametrize("helped, due, gap", [(30.0, 50.0, -20.0), (60.0, 50.0, 10.0), (0.0, 0.0, 0.0)])
def test_gap_in_pp(helped, due, gap):
    assert m.gap_pp(helped, due) == pytest.approx(gap)


@pytest.mark.parametrize("helped, due", [(float("nan"), 50.0), (None, 50.0), (30.0, float("nan")), (30.0, None)])
def test_gap_without_either_side_is_no_data(helped, due):
    assert math.isnan(m.gap_pp(helped, due))


def test_with_kpis_ratios_of_sums():
    out = m.with_kpis(frame(ROW)).iloc[0]
    assert out.helped_pct == 25.0 and out.self_resolved_pct == 5.0 and out.resolved_pct == 30.0
    assert out.in_progress_pct == 30.0 and out.n_not_started == 40
    assert [out[f"share_{d}_pct"] for d in DIMENSIONS] == [20.0, 40.0, 10.0, 80.0, 0.0]


def test_with_kpis_zero_target_is_no_data_not_zero():
    out = m.with_kpis(frame(dict(ROW, n_target=0, n_helped=0, n_self_resolved=0, n_in_progress=0))).iloc[0]
    for column in ["helped_pct", "resolved_pct", "in_progress_pct", *(f"share_{d}_pct" for d in DIMENSIONS)]:
        assert math.isnan(out[column]), column


def test_with_kpis_keeps_areas_without_rows_as_no_data():
    named = pd.DataFrame({"area_code": ["30", "31"]}).merge(frame(ROW).assign(area_code="30"), how="left")
    out = m.with_kpis(named)
    assert out.helped_pct.iloc[0] == 25.0 and math.isnan(out.helped_pct.iloc[1])
    assert math.isnan(out.share_income_pct.iloc[1])


def test_totals_row_without_households_is_empty():
    assert m.totals_row(frame()) == {}
    assert m.totals_row(frame(ROW))["helped_pct"] == 25.0


def test_dimensions_counts_and_shares():
    dims = m.dimensions(ROW)
    assert list(dims.dimension) == list(DIMENSIONS)
    assert list(dims.households) == [20, 40, 10, 80, 0]
    assert list(dims.share_pct) == [20.0, 40.0, 10.0, 80.0, 0.0]
    assert dims.share_pct.sum() > 100  # a household can have several problems


def test_dimensions_without_households_or_target_is_no_data():
    assert m.dimensions({}).households.isna().all() and m.dimensions({}).share_pct.isna().all()
    assert m.dimensions(None).share_pct.isna().all()
    zero = m.dimensions(dict(ROW, n_target=0))
    assert list(zero.households) == [20, 40, 10, 80, 0] and zero.share_pct.isna().all()


def test_funnel_stages_counts_and_pct_of_target():
    f = m.funnel(ROW)
    assert list(f.stage) == ["surveyed", "target", "in_progress", "helped", "self_resolved"]
    assert list(f.households) == [200, 100, 30, 25, 5]
    assert list(f.pct_of_target) == [200.0, 100.0, 30.0, 25.0, 5.0]


def test_funnel_without_households_or_target_is_no_data():
    assert m.funnel({}).households.isna().all() and m.funnel({}).pct_of_target.isna().all()
    zero = m.funnel(dict(ROW, n_target=0))
    assert zero.households.iloc[0] == 200 and zero.pct_of_target.isna().all()


def test_trend_keeps_a_missing_quarter_as_no_data():
    rows = frame(dict(ROW, quarter=1, n_helped=10), dict(ROW, quarter=3, n_helped=40))
    out = m.trend(rows, 3)
    assert list(out.quarter) == [1, 2, 3]
    assert out.n_helped.iloc[0] == 10 and math.isnan(out.n_helped.iloc[1]) and out.n_helped.iloc[2] == 40
    assert out.helped_pct.iloc[2] == 40.0 and math.isnan(out.helped_pct.iloc[1])


def test_trend_stops_at_the_quarter_in_view():
    rows = frame(*(dict(ROW, quarter=q, n_helped=10 * q) for q in (1, 2, 3, 4)))
    assert list(m.trend(rows, 2).n_helped) == [10.0, 20.0]
    assert list(m.trend(rows, 4).quarter) == [1, 2, 3, 4]


def test_trend_without_rows_is_no_data():
    out = m.trend(frame(dict(ROW, quarter=1)).iloc[0:0], 2)
    assert list(out.quarter) == [1, 2] and out.n_helped.isna().all() and out.helped_pct.isna().all()
    assert len(m.trend(pd.DataFrame(), 1)) == 1
