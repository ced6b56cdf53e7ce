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


def test_change_is_measured_within_the_fiscal_year_or_against_last_years_q1():
    from metrics.fiscal import comparison_period
    assert comparison_period(FiscalQuarter(2570, 3)) == FiscalQuarter(2570, 2)
    assert comparison_period(FiscalQuarter(2570, 1)) == FiscalQuarter(2569, 1)


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
