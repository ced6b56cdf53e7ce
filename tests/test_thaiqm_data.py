"""ThaiQM data layer (SQLite and PostgreSQL): subdistricts reconcile with their district's rollup, the
year trend with the quarter totals, and every read is scoped to the viewer."""
import pytest

from data_access.reader import ScopedReader
from data_access import queries
from data_access import thaiqm as q
from data_access.scope import EVERYONE, Area, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter

PERIODS = [FiscalQuarter(2570, 1), FiscalQuarter(2569, 2), FiscalQuarter(2569, 4)]
GOVERNOR = Viewer("g", "governor", "30")


def _district_codes(engine, prov="30"):
    return list(queries.districts(engine, prov).dist_code)


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_subdistricts_reconcile_with_the_district_rollup(engine, period):
    checked = 0
    for dist in _district_codes(engine):
        subs = q.subdistricts(ScopedReader(engine, EVERYONE), dist, period)
        rollup = q.totals(ScopedReader(engine, EVERYONE), Area("district", dist), period)
        sums = subs[list(q.COUNTS)].sum()
        if rollup.empty:
            assert (sums == 0).all(), dist
            continue
        assert {c: int(sums[c]) for c in q.COUNTS} == {c: int(rollup[c].iloc[0]) for c in q.COUNTS}, dist
        checked += 1
    assert checked > 10


def test_subdistricts_list_every_subdistrict_of_the_district_once(engine):
    subs = q.subdistricts(ScopedReader(engine, EVERYONE), "3001", FiscalQuarter(2570, 1))
    assert subs.area_code.is_unique and all(c.startswith("3001") for c in subs.area_code)
    assert len(subs) == 25  # อำเภอเมืองนครราชสีมา
    assert set(subs.columns) >= {"area_code", "name_th", "name_en", "type_th", *q.COUNTS}
    assert str(subs.n_target.dtype) == "int64"


def test_province_totals_are_the_sum_of_its_districts(engine):
    period = FiscalQuarter(2570, 1)
    total = q.totals(ScopedReader(engine, EVERYONE), Area("province", "30"), period)
    children = q.totals(ScopedReader(engine, EVERYONE), Area("province", "30"), period, by="district")
    assert len(total) == 1 and all(c.startswith("30") for c in children.area_code)
    for column in q.COUNTS:
        assert int(children[column].sum()) == int(total[column].iloc[0])


@pytest.mark.parametrize("area", [Area(), Area("province", "30"), Area("district", "3001")], ids=str)
def test_year_trend_matches_each_quarters_totals(engine, area):
    period = FiscalQuarter(2569, 3)
    trend = q.year_trend(ScopedReader(engine, EVERYONE), area, period)
    assert list(trend.quarter) == [1, 2, 3]  # only quarters up to the one in view
    for row in trend.itertuples():
        total = q.totals(ScopedReader(engine, EVERYONE), area, FiscalQuarter(2569, int(row.quarter)))
        assert {c: int(getattr(row, c)) for c in q.COUNTS} == {c: int(total[c].iloc[0]) for c in q.COUNTS}
    assert list(trend.n_helped) == sorted(trend.n_helped)  # cumulative to each quarter's end


def test_a_year_without_data_has_no_rows(engine):
    assert q.totals(ScopedReader(engine, EVERYONE), Area("province", "30"), FiscalQuarter(2560, 1)).empty
    assert q.year_trend(ScopedReader(engine, EVERYONE), Area("province", "30"), FiscalQuarter(2560, 4)).empty
    subs = q.subdistricts(ScopedReader(engine, EVERYONE), "3001", FiscalQuarter(2560, 1))
    assert len(subs) == 25 and (subs[list(q.COUNTS)] == 0).all(axis=None)


@pytest.mark.parametrize("call", [
    lambda e: q.totals(ScopedReader(e, GOVERNOR), Area("province", "50"), FiscalQuarter(2570, 1)),
    lambda e: q.totals(ScopedReader(e, GOVERNOR), Area("district", "5001"), FiscalQuarter(2570, 1)),
    lambda e: q.totals(ScopedReader(e, GOVERNOR), Area(), FiscalQuarter(2570, 1), by="province"),
    lambda e: q.year_trend(ScopedReader(e, GOVERNOR), Area("province", "50"), FiscalQuarter(2570, 1)),
    lambda e: q.year_trend(ScopedReader(e, GOVERNOR), Area("district", "5001"), FiscalQuarter(2570, 1)),
    lambda e: q.subdistricts(ScopedReader(e, GOVERNOR), "5001", FiscalQuarter(2570, 1)),
], ids=["totals-prov", "totals-dist", "children-nation", "trend-prov", "trend-dist", "subdistricts"])
def test_a_governor_is_refused_another_province(engine, call):
    with pytest.raises(NotPermitted):
        call(engine)


def test_a_governor_sees_their_own_province_and_districts(engine):
    period = FiscalQuarter(2570, 1)
    mine = q.totals(ScopedReader(engine, GOVERNOR), Area("province", "30"), period)
    assert mine.equals(q.totals(ScopedReader(engine, EVERYONE), Area("province", "30"), period))
    children = q.totals(ScopedReader(engine, GOVERNOR), Area("province", "30"), period, by="district")
    assert all(c.startswith("30") for c in children.area_code)
    assert len(q.subdistricts(ScopedReader(engine, GOVERNOR), "3001", period)) == 25


def test_a_district_officer_sees_only_their_district(engine):
    officer = Viewer("d", "district_officer", "30", "3001")
    assert len(q.subdistricts(ScopedReader(engine, officer), "3001", FiscalQuarter(2570, 1))) == 25
    with pytest.raises(NotPermitted):
        q.subdistricts(ScopedReader(engine, officer), "3002", FiscalQuarter(2570, 1))
    with pytest.raises(NotPermitted):
        q.year_trend(ScopedReader(engine, officer), Area("province", "30"), FiscalQuarter(2570, 1))
