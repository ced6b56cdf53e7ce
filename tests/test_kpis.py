import math

import numpy as np
import pandas as pd
import pytest

from metrics import kpis


def padme_frame(**over):
    row = dict(area_code="TH", n_projects=10, budget_baht=100_000_000, budget_capital_baht=40_000_000,
               disb_target_baht=26_000_000, disb_actual_baht=20_000_000, disb_capital_baht=2_000_000,
               committed_baht=30_000_000, n_reported=9, n_indicator_met=1, n_late=2, n_at_risk=1)
    row.update(over)
    return pd.DataFrame([row])


def test_padme_disbursement_against_budget_and_target():
    out = kpis.padme(padme_frame(), 26.0).iloc[0]
    assert out.budget_mb == 100.0 and out.disbursed_mb == 20.0
    assert out.disbursed_pct == pytest.approx(20.0)
    assert out.gap_pp == pytest.approx(-6.0)
    assert out.capital_disbursed_pct == pytest.approx(5.0)
    assert out.late_pct == pytest.approx(30.0)
    assert out.committed_pct == pytest.approx(30.0)


def test_zero_budget_gives_no_rate_not_zero():
    out = kpis.padme(padme_frame(budget_baht=0, budget_capital_baht=0, disb_actual_baht=0,
                                 disb_capital_baht=0, n_projects=0), 26.0).iloc[0]
    assert math.isnan(out.disbursed_pct) and math.isnan(out.gap_pp) and math.isnan(out.late_pct)


def test_missing_quarter_target_gives_no_gap():
    out = kpis.padme(padme_frame(), None).iloc[0]
    assert math.isnan(out.target_pct) and math.isnan(out.gap_pp)


def test_thaiqm_helped_share_and_no_households():
    frame = pd.DataFrame([dict(area_code="1", n_target=200, n_helped=50, n_self_resolved=10),
                          dict(area_code="2", n_target=0, n_helped=0, n_self_resolved=0)])
    out = kpis.thaiqm(frame)
    assert out.helped_pct.iloc[0] == pytest.approx(25.0) and out.resolved_pct.iloc[0] == pytest.approx(30.0)
    assert math.isnan(out.helped_pct.iloc[1])


def test_cebrs_disbursed_share():
    out = kpis.cebrs(pd.DataFrame([dict(area_code="1", approved_baht=4_000_000, disbursed_baht=1_000_000)]))
    assert out.approved_mb.iloc[0] == 4.0 and out.disbursed_pct.iloc[0] == pytest.approx(25.0)


@pytest.mark.parametrize("previous, end, elapsed, due", [
    (0.0, 26.0, 0.5, 13.0),     # half-way through Q1
    (26.0, 50.0, 1.0, 50.0),    # a finished quarter is judged on its end target
    (50.0, 72.0, 0.0, 50.0),    # first day of Q3: the Q2 target is due
    (0.0, 26.0, 1.7, 26.0),     # clamped
])
def test_target_due_mid_quarter(previous, end, elapsed, due):
    assert kpis.target_due(previous, end, elapsed) == pytest.approx(due)


def test_ranking_puts_the_best_first_and_no_data_last():
    frame = pd.DataFrame({"area_code": ["10", "30", "50", "90"], "helped_pct": [float("nan"), 40.0, 75.0, 40.0]})
    out = kpis.ranked(frame, kpis.KPIS["thaiqm_helped_pct"])
    assert out.area_code.tolist() == ["50", "30", "90", "10"]
    assert out["rank"].tolist()[:3] == [1, 2, 2] and math.isnan(out["rank"].iloc[3])
    sizes = pd.DataFrame({"area_code": ["1", "2"], "n_target": [5, 9]})
    assert kpis.ranked(sizes, kpis.KPIS["thaiqm_n_target"]).area_code.tolist() == ["2", "1"]


def test_exceptions_are_the_areas_well_behind_their_parent():
    frame = pd.DataFrame({"area_code": ["a", "b", "c", "d", "e"], "helped_pct": [10.0, 30.0, 39.0, 5.0, float("nan")]})
    kpi = kpis.KPIS["thaiqm_helped_pct"]
    out = kpis.exceptions(frame, kpi, reference=40.0, worse_by=10.0, limit=5)
    assert out.area_code.tolist() == ["d", "a", "b"]  # 35, 30 and 10 points behind; c is within 10
    assert kpis.exceptions(frame, kpi, 40.0, 10.0, limit=1).area_code.tolist() == ["d"]
    assert kpis.exceptions(frame, kpi, None, 10.0, 5).empty
    sizes = pd.DataFrame({"area_code": ["a"], "n_target": [1]})
    assert kpis.exceptions(sizes, kpis.KPIS["thaiqm_n_target"], 100, 1, 5).empty


def test_a_kpi_flagged_by_a_column_lists_every_flagged_area_the_worst_first():
    """The reporting KPI: every area with a report missing (alarm 2), then late (1), whatever its distance
    from the area above it; the lowest share on time first within each; gap still the distance."""
    kpi = kpis.KPIS["report_on_time_pct"]
    frame = pd.DataFrame({"area_code": ["a", "b", "c", "d", "e"], "on_time_pct": [95.0, 60.0, 100.0, 99.0, 40.0],
                          "alarm": [2, 1, 0, 2, 1]})
    out = kpis.exceptions(frame, kpi, reference=90.0, worse_by=15.0, limit=5)
    assert out.area_code.tolist() == ["a", "d", "e", "b"]  # c has nothing missing or late
    assert out.gap.tolist() == pytest.approx([5.0, 9.0, -50.0, -30.0])
    assert kpis.exceptions(frame, kpi, None, 15.0, limit=2).area_code.tolist() == ["a", "d"]


def test_a_pseudo_source_reads_the_sources_it_is_computed_from():
    from data_access.schema import SOURCES
    from metrics import compliance
    assert kpis.reads("padme") == ("padme",)
    assert set(kpis.reads(kpis.REPORTING)) == set(compliance.REPORTED_SOURCES)
    assert kpis.REPORTING not in SOURCES  # data_version rows exist only for real sources
    assert {k.source for k in kpis.KPIS.values()} <= {*SOURCES, *kpis.DERIVED}


def test_change_needs_both_sides():
    assert kpis.change(30.0, 25.5) == pytest.approx(4.5)
    assert kpis.change(None, 3.0) is None and kpis.change(3.0, float("nan")) is None


def test_every_kpi_names_a_column_its_source_computes():
    computed = {
        "padme": set(kpis.padme(padme_frame(), 1.0).columns),
        "cebrs": set(kpis.cebrs(pd.DataFrame([dict(approved_baht=1, disbursed_baht=1)])).columns),
        "thaiqm": set(kpis.thaiqm(pd.DataFrame([dict(n_target=1, n_helped=1, n_self_resolved=0)])).columns),
        "reporting": set(reporting_frame().columns),
    }
    for kpi in kpis.KPIS.values():
        assert kpi.column in computed[kpi.source], kpi.key
        assert set(kpi.details) <= computed[kpi.source] and (kpi.flagged_by in (None, *computed[kpi.source])), kpi.key


def reporting_frame() -> pd.DataFrame:
    """The reporting KPI's frame (metrics.compliance.by_area) of two districts' reports."""
    import datetime as dt
    from metrics import compliance
    facts = pd.DataFrame({"dist_code": ["1001", "1002"], "prov_code": ["10", "10"], "region": ["central"] * 2,
                          "source": ["padme", "cebrs"], "n_expected": [3, 1], "n_filed": [3, 0],
                          "filed_at": [pd.Timestamp("2026-10-01 03:00"), pd.NaT]})
    due = {source: dt.date(2026, 10, 15) for source in compliance.REPORTED_SOURCES}
    return compliance.by_area(compliance.classify(facts, due, dt.date(2026, 11, 20)), "total")


def test_a_missing_figure_is_none_and_a_present_one_a_float():
    assert kpis.value_or_none(None) is None
    assert kpis.value_or_none(float("nan")) is None
    assert kpis.value_or_none(np.float64(2.5)) == 2.5 and isinstance(kpis.value_or_none(np.int64(3)), float)
