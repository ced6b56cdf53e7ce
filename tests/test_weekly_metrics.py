"""What changed between two weeks, as pure functions: movers, red turns, new late projects, weeks."""
import datetime as dt

import pandas as pd

from metrics import weekly
from metrics.fiscal import bangkok_today, week_start
from metrics.kpis import KPIS


def frame(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"area_code": list(values), "value": list(values.values())})


def test_movers_rank_gains_and_losses_and_skip_the_unchanged_and_the_unknown():
    kpi = KPIS["thaiqm_helped_pct"]
    best, worst = weekly.movers(frame({"10": 50.0, "11": 40.0, "12": 30.0, "13": 20.0, "14": None}),
                                frame({"10": 45.0, "11": 40.0, "12": 35.0, "13": 10.0, "14": 5.0}), kpi)
    assert list(best.area_code) == ["13", "10"] and list(best.change) == [10.0, 5.0]
    assert list(worst.area_code) == ["12"] and list(worst.change) == [-5.0]


def test_a_size_kpi_moves_by_its_change_and_a_lower_is_better_one_the_other_way():
    from metrics.kpis import Kpi
    lower = Kpi("x", "padme", "x", "pct", False)
    best, worst = weekly.movers(frame({"10": 8.0, "11": 12.0}), frame({"10": 10.0, "11": 10.0}), lower)
    assert list(best.area_code) == ["10"] and list(worst.area_code) == ["11"]
    size_best, _ = weekly.movers(frame({"10": 3.0}), frame({"10": 1.0}), KPIS["thaiqm_n_target"])
    assert list(size_best.change) == [2.0]


def test_red_turns_follow_the_exceptions_rule_against_each_weeks_parent():
    kpi = KPIS["cebrs_disbursed_pct"]
    now = frame({"10": 20.0, "11": 50.0, "12": 30.0})
    before = frame({"10": 40.0, "11": 30.0, "12": 30.0})
    became, left = weekly.red_turns(now, 50.0, before, 45.0, kpi, worse_by=15.0)
    assert became == {"10"} and left == {"11"}  # 12 was red both weeks
    assert weekly.red_turns(now, None, before, 45.0, kpi, 15.0) == (set(), {"11", "12"})
    assert weekly.red(now, 50.0, KPIS["cebrs_approved_mb"], 15.0) == set()  # a size has no red


def test_new_late_projects_are_the_ones_not_late_before():
    now = pd.DataFrame({"project_id": ["a", "b", "c"]})
    assert list(weekly.new_late(now, pd.DataFrame({"project_id": ["b"]})).project_id) == ["a", "c"]


def test_weeks_start_on_monday_in_bangkok():
    assert week_start(dt.date(2026, 11, 20)) == dt.date(2026, 11, 16)
    assert week_start(dt.date(2026, 11, 16)) == dt.date(2026, 11, 16)
    assert bangkok_today(dt.datetime(2026, 11, 22, 18, 0)) == dt.date(2026, 11, 23)  # 01:00 Monday in Bangkok
