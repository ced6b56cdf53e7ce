"""Scoped read queries: every level reconciles with the districts below it; scope is enforced."""
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from data_access.reader import ScopedReader
from data_access import queries
from data_access.scope import Area, EVERYONE, NATION, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter

PERIODS = [FiscalQuarter(y, q) for y in (2567, 2568, 2569) for q in (1, 2, 3, 4)] + [FiscalQuarter(2570, 1)]
SOURCES = ["padme", "cebrs", "thaiqm"]


def measures(frame):
    return [c for c in frame.columns if c != "area_code"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SOURCES), period=st.sampled_from(PERIODS))
def test_district_sums_equal_province_equal_nation(engine, source, period):
    districts = queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, period, by="district")
    provinces = queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, period, by="province")
    nation = queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, period, by="total")
    cols = measures(nation)
    from_districts = districts.assign(area_code=districts.area_code.str[:2]).groupby("area_code")[cols].sum()
    pd.testing.assert_frame_equal(from_districts.astype("int64"),
                                  provinces.set_index("area_code")[cols].astype("int64"), check_names=False)
    assert provinces[cols].sum().astype("int64").tolist() == nation[cols].iloc[0].astype("int64").tolist()


def test_region_is_the_sum_of_its_provinces(engine):
    period = FiscalQuarter(2569, 2)
    regions = queries.rollup(ScopedReader(engine, EVERYONE), "padme", NATION, period, by="region").set_index("area_code")
    ne = queries.rollup(ScopedReader(engine, EVERYONE), "padme", Area("region", "northeast"), period, by="province")
    assert len(ne) == 20
    assert ne["budget_baht"].sum() == regions.loc["northeast", "budget_baht"]
    assert regions["budget_baht"].sum() == queries.rollup(ScopedReader(engine, EVERYONE), "padme", NATION, period)["budget_baht"].iloc[0]


def test_province_view_has_its_districts(engine):
    rows = queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", Area("province", "30"), FiscalQuarter(2569, 4), by="district")
    districts = queries.districts(engine, "30")
    assert len(districts) == 32  # Nakhon Ratchasima's 32 districts
    assert set(rows.area_code) <= set(districts.dist_code) and len(rows) >= 28


def test_sdg_weighted_means_reconcile(engine):
    prov = queries.sdg_values(ScopedReader(engine, EVERYONE), Area("province", "30"), 2569)
    dist = queries.sdg_values(ScopedReader(engine, EVERYONE), Area("province", "30"), 2569, by="district")
    assert len(prov) == 34 and dist.area_code.nunique() == 32
    nation = queries.sdg_values(ScopedReader(engine, EVERYONE), NATION, 2569).set_index("indicator_code")["value"]
    assert nation.between(0, 1000).all()
    assert prov.value.notna().all()


def test_bangkok_has_no_provincial_plan_data(engine):
    """No rows is 'no data', never a zero that would rank Bangkok last."""
    assert queries.rollup(ScopedReader(engine, EVERYONE), "padme", Area("province", "10"), FiscalQuarter(2569, 4)).empty


def test_a_governor_cannot_query_another_province(engine):
    governor = Viewer(name="gov-korat", role="governor", prov_code="30")
    period = FiscalQuarter(2569, 4)
    assert len(queries.rollup(ScopedReader(engine, governor), "padme", Area("province", "30"), period, by="district")) > 0
    for area in (NATION, Area("province", "50"), Area("district", "5001"), Area("region", "northeast")):
        with pytest.raises(NotPermitted):
            queries.rollup(ScopedReader(engine, governor), "padme", area, period)


@pytest.mark.parametrize("level, code", [("province", "3"), ("district", "30"), ("region", "mars"), ("nation", "10")])
def test_malformed_areas_are_refused(level, code):
    with pytest.raises(ValueError):
        Area(level, code)


def test_periods_run_to_the_as_of_quarter(engine):
    periods = queries.periods(engine)
    assert periods[0] == FiscalQuarter(2567, 1) and periods[-1] == FiscalQuarter(2570, 1)
    assert queries.quarter_targets(engine, FiscalQuarter(2569, 3)) == {"overall": 72.0, "recurrent": 79.0, "capital": 46.0}
    assert queries.dataset_meta(engine)["origin"] == "demo"


def test_area_index_has_every_district_with_its_parents(engine):
    index = queries.area_index(engine)
    assert len(index) == 928 and index.prov_code.nunique() == 77
    korat = index[index.dist_code == "3001"].iloc[0]
    assert korat.prov_code == "30" and korat.region4 == "northeast"


def test_subdistrict_figures_add_up_to_the_district_rollup(engine):
    period = FiscalQuarter(2569, 4)
    with_relief = queries.rollup(ScopedReader(engine, EVERYONE), "cebrs", Area("province", "30"), period, by="district")
    dist = with_relief.sort_values("n_projects", ascending=False).area_code.iloc[0]  # both sources present
    subs = queries.subdistrict_figures(ScopedReader(engine, EVERYONE), dist, period)
    rolled = queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", Area("district", dist), period)
    relief = queries.rollup(ScopedReader(engine, EVERYONE), "cebrs", Area("district", dist), period)
    assert subs.area_code.str[:4].eq(dist).all() and len(subs) > 1
    assert subs.n_target.sum() == rolled.n_target.iloc[0] and subs.n_helped.sum() == rolled.n_helped.iloc[0]
    assert subs.approved_baht.sum() == relief.approved_baht.iloc[0] > 0
    assert subs.disbursed_baht.sum() == relief.disbursed_baht.iloc[0]
    with pytest.raises(NotPermitted):
        queries.subdistrict_figures(ScopedReader(engine, Viewer(name="gov", role="governor", prov_code="50")), dist, period)
