import datetime as dt

import pytest
from hypothesis import given, strategies as st

from metrics.fiscal import (FiscalQuarter, elapsed_share, fiscal_quarter_of, fiscal_year_bounds,
                            thai_date, to_be)


def test_fy2570_runs_from_october_2026_to_september_2027():
    assert fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


@pytest.mark.parametrize("day, year, quarter", [
    (dt.date(2026, 9, 30), 2569, 4), (dt.date(2026, 10, 1), 2570, 1), (dt.date(2026, 12, 31), 2570, 1),
    (dt.date(2027, 1, 1), 2570, 2), (dt.date(2027, 4, 1), 2570, 3), (dt.date(2027, 7, 15), 2570, 4),
])
def test_quarter_of_a_day(day, year, quarter):
    assert fiscal_quarter_of(day) == FiscalQuarter(year, quarter)


def test_quarter_bounds_and_neighbours():
    q1 = FiscalQuarter(2570, 1)
    assert (q1.start, q1.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert FiscalQuarter(2570, 2).end == dt.date(2027, 3, 31)
    assert q1.previous() == FiscalQuarter(2569, 4) and FiscalQuarter(2569, 4).next() == q1


def test_labels_in_thai_and_english():
    assert FiscalQuarter(2570, 1).label("th") == "ไตรมาส 1/2570"
    assert FiscalQuarter(2570, 1).label("en") == "Q1 FY2570"
    assert thai_date(dt.date(2026, 11, 20)) == "20 พ.ย. 2569"
    assert thai_date(dt.date(2026, 11, 20), "en") == "20 Nov 2026"
    assert to_be(2026) == 2569


def test_change_is_measured_against_the_same_quarter_of_last_fiscal_year():
    from metrics.fiscal import comparison_period
    assert comparison_period(FiscalQuarter(2570, 3)) == FiscalQuarter(2569, 3)
    assert comparison_period(FiscalQuarter(2570, 1)) == FiscalQuarter(2569, 1)


def test_a_running_quarter_is_compared_with_the_same_day_of_last_years_quarter():
    from metrics.fiscal import Comparison, comparison
    q1 = FiscalQuarter(2570, 1)
    # Day 67 of Q1 2570 (6 Dec 2026) against day 67 of Q1 2569 (6 Dec 2025).
    assert comparison(q1, dt.date(2026, 12, 6)) == Comparison(q1, FiscalQuarter(2569, 1), dt.date(2026, 12, 6),
                                                              dt.date(2025, 12, 6))
    assert comparison(q1, dt.date(2026, 12, 6)).to_date
    # The quarter's first day against the base's first day.
    assert comparison(q1, dt.date(2026, 10, 1)).base_through == dt.date(2025, 10, 1)


def test_a_complete_quarter_is_compared_whole_with_last_years_whole_quarter():
    from metrics.fiscal import comparison
    q1 = FiscalQuarter(2570, 1)
    for through in (dt.date(2026, 12, 31), dt.date(2027, 3, 1), None):
        found = comparison(q1, through)
        assert (found.base, found.base_through, found.to_date) == (FiscalQuarter(2569, 1), None, False)
    # Data that ends before the quarter begins: nothing to cut, the whole quarters.
    assert not comparison(FiscalQuarter(2570, 2), dt.date(2026, 12, 6)).to_date


def test_a_leap_day_is_compared_with_the_28th():
    from metrics.fiscal import comparison
    # Q2 2571 runs 1 Jan – 31 Mar 2028 (29 Feb 2028 exists); the same dates a year before.
    q2 = FiscalQuarter(2571, 2)
    assert comparison(q2, dt.date(2028, 3, 30)).base_through == dt.date(2027, 3, 30)
    assert comparison(q2, dt.date(2028, 2, 29)).base_through == dt.date(2027, 2, 28)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_the_base_cut_is_the_same_date_a_year_before_inside_the_base_quarter(day):
    from metrics.fiscal import comparison
    period = fiscal_quarter_of(day)
    found = comparison(period, day)
    assert found.to_date == (day != period.end)
    if found.to_date:
        assert found.base.contains(found.base_through)
        assert (found.base_through.year, found.base_through.month) == (day.year - 1, day.month)


def test_invalid_quarter_is_refused():
    with pytest.raises(ValueError):
        FiscalQuarter(2570, 5)


def test_elapsed_share():
    q1 = FiscalQuarter(2570, 1)
    assert elapsed_share(q1, dt.date(2026, 9, 1)) == 0.0
    assert elapsed_share(q1, dt.date(2027, 1, 5)) == 1.0
    assert elapsed_share(q1, dt.date(2026, 11, 20)) == pytest.approx(51 / 92)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_falls_in_exactly_its_quarter(day):
    fq = fiscal_quarter_of(day)
    assert fq.contains(day)
    assert not fq.previous().contains(day) and not fq.next().contains(day)
    assert fq.year == to_be(day.year) + (1 if day.month >= 10 else 0)
