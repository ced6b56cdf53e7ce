"""data_access.cebrs on SQLite and PostgreSQL: reconciliation with the rollups, and the viewer's rights."""
import pandas as pd
import pytest

from data_access.reader import ScopedReader
from data_access import cebrs, queries
from data_access.scope import EVERYONE, NATION, Area, NotPermitted, Viewer
from metrics import cebrs as m
from metrics.fiscal import FiscalQuarter

PERIODS = [FiscalQuarter(2569, 4), FiscalQuarter(2570, 1)]
AREAS = [NATION, Area("region", "northeast"), Area("province", "30"), Area("district", "3001")]
GOVERNOR = Viewer("g", "governor", "30")


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("area", AREAS, ids=str)
def test_category_totals_reconcile_with_the_rollup_totals(engine, area, period):
    total = cebrs.totals(ScopedReader(engine, EVERYONE), area, period)
    categories = cebrs.by_category(ScopedReader(engine, EVERYONE), area, period)
    if total.empty:
        assert categories.empty
        return
    for column in cebrs.MEASURES:
        assert int(categories[column].sum()) == int(total[column].iloc[0]), column
    assert set(categories.category) <= set(m.CATEGORIES)


@pytest.mark.parametrize("area", AREAS[:3], ids=str)
def test_child_areas_add_up_to_the_area(engine, area):
    period = FiscalQuarter(2569, 4)
    total = cebrs.totals(ScopedReader(engine, EVERYONE), area, period).iloc[0]
    children = cebrs.by_area(ScopedReader(engine, EVERYONE), area, period)
    assert int(children.approved_baht.sum()) == int(total.approved_baht)
    assert int(children.disbursed_baht.sum()) == int(total.disbursed_baht)


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("area", AREAS, ids=str)
def test_the_project_slice_at_the_quarters_end_matches_the_rollup(engine, area, period):
    rows = m.as_of_quarter_end(cebrs.projects(ScopedReader(engine, EVERYONE), area, period.year), period.end)
    total = cebrs.totals(ScopedReader(engine, EVERYONE), area, period)
    if total.empty:
        assert rows.empty
        return
    t = total.iloc[0]
    assert len(rows) == int(t.n_projects)
    assert int(rows.approved_baht.sum()) == int(t.approved_baht)
    assert int(rows.disbursed_baht.sum()) == int(t.disbursed_baht)
    assert int(rows.beneficiary_households.sum()) == int(t.beneficiary_households)
    assert m.status_counts(rows, period.end)["done"] == int(t.n_done)
    assert list(rows.approved_on) == sorted(rows.approved_on, reverse=True)


def test_projects_stay_inside_the_area(engine):
    rows = cebrs.projects(ScopedReader(engine, EVERYONE), Area("province", "30"), 2569)
    assert len(rows) and rows.dist_code.str.startswith("30").all()
    assert set(rows.columns) >= {"title", "subdist_name_th", "category", "approved_baht", "disbursed_baht",
                                 "beneficiary_households", "status", "approved_on", "disbursed_on"}
    nation = cebrs.projects(ScopedReader(engine, EVERYONE), NATION, 2569)
    assert (nation.project_id.str.startswith("C2569-")).all() and len(nation) > len(rows)


def test_need_reads_the_three_rollups_of_the_same_quarter(engine):
    period = FiscalQuarter(2569, 4)
    area = Area("province", "30")
    out = cebrs.need(ScopedReader(engine, EVERYONE), area, period)
    padme = queries.rollup(ScopedReader(engine, EVERYONE), "padme", area, period, "district")
    thaiqm = queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", area, period, "district")
    relief = queries.rollup(ScopedReader(engine, EVERYONE), "cebrs", area, period, "district")
    assert int(out.padme_budget_baht.sum()) == int(padme.budget_baht.sum())
    assert int(out.n_target.sum()) == int(thaiqm.n_target.sum())
    assert int(out.cebrs_approved_baht.sum()) == int(relief.approved_baht.sum())
    assert out.area_code.str.startswith("30").all() and out.area_code.is_unique
    flagged = m.budget_vs_need(out)
    assert not (flagged.baht_per_household == float("inf")).any()


@pytest.mark.parametrize("call", [
    lambda e, v, a, p: cebrs.totals(ScopedReader(e, v), a, p),
    lambda e, v, a, p: cebrs.by_category(ScopedReader(e, v), a, p),
    lambda e, v, a, p: cebrs.by_area(ScopedReader(e, v), a, p),
    lambda e, v, a, p: cebrs.need(ScopedReader(e, v), a, p),
    lambda e, v, a, p: cebrs.projects(ScopedReader(e, v), a, p.year),
], ids=["totals", "by_category", "by_area", "need", "projects"])
def test_a_governor_may_not_read_another_province(engine, call):
    period = FiscalQuarter(2569, 4)
    with pytest.raises(NotPermitted):
        call(engine, GOVERNOR, Area("province", "50"), period)
    with pytest.raises(NotPermitted):
        call(engine, GOVERNOR, Area("district", "5001"), period)
    with pytest.raises(NotPermitted):
        call(engine, GOVERNOR, NATION, period)
    assert isinstance(call(engine, GOVERNOR, Area("province", "30"), period), pd.DataFrame)


def test_a_governor_with_national_totals_still_gets_no_national_rows(engine):
    viewer = Viewer("g", "governor", "30", national_totals=True)
    period = FiscalQuarter(2569, 4)
    assert len(cebrs.totals(ScopedReader(engine, viewer), NATION, period)) == 1  # the allowed national total
    for call in (lambda: cebrs.projects(ScopedReader(engine, viewer), NATION, 2569),
                 lambda: cebrs.by_area(ScopedReader(engine, viewer), NATION, period),
                 lambda: cebrs.by_category(ScopedReader(engine, viewer), NATION, period)):
        with pytest.raises(NotPermitted):
            call()


def test_a_district_officer_sees_only_their_district(engine):
    officer = Viewer("d", "district_officer", "30", "3001")
    rows = cebrs.projects(ScopedReader(engine, officer), Area("district", "3001"), 2569)
    assert rows.dist_code.eq("3001").all()
    with pytest.raises(NotPermitted):
        cebrs.projects(ScopedReader(engine, officer), Area("province", "30"), 2569)
