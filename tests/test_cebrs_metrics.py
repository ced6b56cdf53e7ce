"""metrics.cebrs: headline, categories, status at a quarter's end, time to disbursement, budget vs need."""
import datetime as dt
import math

import pandas as pd
import pytest

from metrics import cebrs as m

D = dt.date
END = D(2026, 12, 31)  # end of Q1 FY2570


def totals(**over):
    row = dict(area_code="TH", n_projects=4, approved_baht=2_000_000, disbursed_baht=500_000,
               beneficiary_households=40, beneficiary_people=120, n_done=1)
    row.update(over)
    return pd.DataFrame([row])


def project(pid, approved_on, disbursed_on=None, completed_on=None, approved=100_000, disbursed=None):
    return dict(project_id=pid, approved_on=approved_on, disbursed_on=disbursed_on, completed_on=completed_on,
                approved_baht=approved, disbursed_baht=approved if disbursed is None else disbursed,
                status="x")


def projects(*rows):
    return pd.DataFrame(list(rows), columns=["project_id", "approved_on", "disbursed_on", "completed_on",
                                             "approved_baht", "disbursed_baht", "status"])


# ---------------------------------------------------------------- headline and rates
def test_headline_in_million_baht_and_percent():
    h = m.headline(totals())
    assert h["approved_mb"] == 2.0 and h["disbursed_mb"] == 0.5
    assert h["disbursed_pct"] == pytest.approx(25.0)
    assert (h["n_projects"], h["beneficiary_households"], h["beneficiary_people"]) == (4, 40, 120)


def test_headline_zero_approved_is_no_rate_not_zero_or_inf():
    h = m.headline(totals(approved_baht=0, disbursed_baht=0))
    assert h["approved_mb"] == 0.0 and math.isnan(h["disbursed_pct"])


def test_headline_of_a_missing_quarter_is_all_nan():
    h = m.headline(totals().iloc[0:0])
    assert all(math.isnan(v) for v in h.values())


def test_with_rates_zero_approved_gives_nan():
    out = m.with_rates(pd.DataFrame({"approved_baht": [0, 4_000_000], "disbursed_baht": [0, 1_000_000]}))
    assert math.isnan(out.disbursed_pct[0]) and out.disbursed_pct[1] == pytest.approx(25.0)
    assert list(out.approved_mb) == [0.0, 4.0]


def test_by_category_orders_categories_canonically():
    frame = pd.DataFrame({"category": ["other", "flood", "drought"], "n_projects": [1, 2, 3],
                          "approved_baht": [1_000_000, 0, 3_000_000], "disbursed_baht": [500_000, 0, 0],
                          "beneficiary_households": [1, 2, 3], "beneficiary_people": [3, 6, 9], "n_done": [0, 0, 1]})
    out = m.by_category(frame)
    assert list(out.category) == ["drought", "flood", "other"]
    assert math.isnan(out.disbursed_pct[1]) and out.disbursed_pct[2] == pytest.approx(50.0)
    assert out.disbursed_pct[0] == 0.0


def test_by_category_of_a_missing_quarter_is_empty():
    out = m.by_category(pd.DataFrame())
    assert out.empty and {"category", "approved_mb", "disbursed_pct"} <= set(out.columns)


# ---------------------------------------------------------------- status and time to disbursement
def test_status_at_the_quarters_end_comes_from_the_dates():
    rows = projects(project("a", D(2026, 10, 5)),                                      # approved only
                    project("b", D(2026, 10, 5), D(2026, 10, 25)),                     # disbursed
                    project("c", D(2026, 10, 1), D(2026, 10, 11), D(2026, 12, 1)),     # done
                    project("d", D(2026, 12, 1), D(2027, 1, 10)),                      # paid after the end
                    project("e", D(2027, 1, 5)))                                      # approved after the end
    assert list(m.status_at(rows, END)) == ["approved", "in_progress", "done", "approved", None]
    assert m.status_counts(rows, END) == {"approved": 2, "in_progress": 1, "done": 1}


def test_days_to_disbursement_median_and_p90_over_projects_paid_by_the_end():
    rows = projects(*(project(str(i), D(2026, 10, 1), D(2026, 10, 1) + dt.timedelta(days=d))
                      for i, d in enumerate([10, 20, 30, 40, 50])),
                    project("late", D(2026, 10, 1), D(2027, 3, 1)),  # paid after the end: not counted
                    project("open", D(2026, 10, 1)))
    out = m.days_to_disbursement(rows, END)
    assert out["n"] == 5 and out["median"] == 30.0 and out["p90"] == pytest.approx(46.0)


def test_no_disbursement_yet_gives_nan_days_and_zero_counts():
    rows = projects(project("a", D(2026, 12, 1)))
    out = m.days_to_disbursement(rows, END)
    assert out["n"] == 0 and math.isnan(out["median"]) and math.isnan(out["p90"])
    empty = projects()
    assert m.status_counts(empty, END) == {"approved": 0, "in_progress": 0, "done": 0}
    assert m.days_to_disbursement(empty, END)["n"] == 0


def test_as_of_quarter_end_hides_later_payments_and_projects():
    rows = projects(project("a", D(2026, 10, 5), D(2026, 10, 25), approved=200_000, disbursed=190_000),
                    project("d", D(2026, 12, 1), D(2027, 1, 10), approved=300_000, disbursed=280_000),
                    project("e", D(2027, 1, 5)))
    out = m.as_of_quarter_end(rows, END)
    assert list(out.project_id) == ["d", "a"]  # newest approval first, "e" not yet approved
    assert list(out.disbursed_baht) == [0, 190_000]
    assert out.disbursed_on[0] is None and list(out.status) == ["approved", "in_progress"]
    assert m.as_of_quarter_end(projects(), END).empty


# ---------------------------------------------------------------- budget vs need
def test_money_per_household_adds_cebrs_and_padme():
    out = m.money_per_household([1_000_000, None, 0], [3_000_000, 2_000_000, 0], [100, 50, 10])
    assert list(out) == [40_000.0, 40_000.0, 0.0]


def test_no_households_is_nan_not_inf():
    out = m.money_per_household([1_000_000, 1_000_000], [0, 0], [0, None])
    assert out.isna().all()


def test_no_money_in_either_source_is_nan_zero_budget_is_zero():
    out = m.money_per_household([None, 0], [None, 0], [10, 10])
    assert math.isnan(out[0]) and out[1] == 0.0


def need_frame(targets, money):
    return pd.DataFrame({"area_code": [f"{i:02d}" for i in range(len(targets))],
                         "cebrs_approved_baht": [x / 2 for x in money], "padme_budget_baht": [x / 2 for x in money],
                         "n_target": targets})


def test_flag_is_need_above_median_and_money_in_bottom_quartile():
    # need: median of [10,20,30,40,50,60,70,80] = 45; money per household bottom quartile
    targets = [10, 20, 30, 40, 50, 60, 70, 80]
    per_hh = [100, 900, 800, 700, 600, 500, 110, 120]
    frame = m.budget_vs_need(need_frame(targets, [t * p for t, p in zip(targets, per_hh)]))
    assert list(frame.baht_per_household) == per_hh
    # 25th percentile of per_hh = 117.5: areas 00 (100), 06 (110); only 06 also has need above 45
    assert list(frame.area_code[frame.money_low]) == ["00", "06"]
    assert list(m.flagged(frame).area_code) == ["06"]
    assert not frame.flagged[0]  # low money but low need


def test_areas_without_data_are_not_peers_and_never_flagged():
    frame = need_frame([10, 100, 0, None], [1_000, 1_000, 0, 0])
    frame.loc[3, ["cebrs_approved_baht", "padme_budget_baht"]] = None
    out = m.budget_vs_need(frame)
    assert out.baht_per_household.isna().tolist() == [False, False, True, True]
    assert not out.flagged[2] and not out.flagged[3] and not out.need_high[2]


def test_budget_vs_need_of_a_missing_quarter_or_missing_sources():
    empty = m.budget_vs_need(need_frame([], []))
    assert empty.empty and "flagged" in empty
    no_padme = m.budget_vs_need(pd.DataFrame({"area_code": ["01"], "cebrs_approved_baht": [500.0], "n_target": [5]}))
    assert no_padme.baht_per_household[0] == 100.0 and not no_padme.flagged[0]
    nothing = m.budget_vs_need(pd.DataFrame({"area_code": ["01", "02"]}))
    assert nothing.baht_per_household.isna().all() and not nothing.flagged.any()
