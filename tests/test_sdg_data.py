"""SDG data layer (SQLite and PostgreSQL): weighted means per area and year, scope refusals."""
import math

import pandas as pd
import pytest
from sqlalchemy import select

from data_access.reader import ScopedReader
from data_access import db, queries, schema as s
from data_access import sdg as sdg_data
from data_access.scope import EVERYONE, NATION, Area, NotPermitted, Viewer

GOVERNOR_30 = Viewer("gov30", "governor", prov_code="30")


def _raw(engine, where) -> pd.DataFrame:
    v, d, p = s.sdg_value, s.district, s.province
    return db.select_frame(engine, select(v.c.indicator_code, v.c.dist_code, v.c.year, v.c.value, v.c.weight,
                                        d.c.prov_code, p.c.region4)
                         .join(d, d.c.dist_code == v.c.dist_code).join(p, p.c.prov_code == d.c.prov_code)
                         .where(where))


def _weighted(raw: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    raw = raw.assign(vw=raw["value"] * raw["weight"])
    out = raw.groupby(keys, as_index=False)[["vw", "weight"]].sum()
    return out.assign(expected=out["vw"] / out["weight"])


def test_reference_goals_and_years(engine):
    goals = sdg_data.goals(engine)
    assert goals["goal"].tolist() == list(range(1, 18))
    assert goals["colour"].str.fullmatch(r"#[0-9A-F]{6}").all()
    assert sdg_data.years(engine) == [2567, 2568, 2569, 2570]
    assert len(sdg_data.indicators(engine)) == 34


def test_province_values_per_year_are_the_weighted_mean_of_its_districts(engine):
    got = sdg_data.values(ScopedReader(engine, EVERYONE), Area("province", "30"), [2567, 2568, 2569, 2570])
    raw = _raw(engine, s.district.c.prov_code == "30")
    expected = _weighted(raw, ["indicator_code", "year"])
    merged = got.merge(expected, on=["indicator_code", "year"], suffixes=("", "_raw"), validate="one_to_one")
    assert len(merged) == len(expected) == 34 * 4 and (got["area_code"] == "TH").all()
    assert merged["value"].to_numpy() == pytest.approx(merged["expected"].to_numpy(), rel=1e-9)
    assert merged["weight"].to_numpy() == pytest.approx(merged["weight_raw"].to_numpy())


def test_district_rows_reaggregate_to_the_province_and_match_queries_sdg_values(engine):
    area = Area("province", "30")
    by_district = sdg_data.values(ScopedReader(engine, EVERYONE), area, [2569], "district")
    assert set(by_district["area_code"]) == set(queries.districts(engine, "30")["dist_code"])
    total = sdg_data.values(ScopedReader(engine, EVERYONE), area, [2569]).set_index("indicator_code")["value"]
    again = _weighted(by_district, ["indicator_code"]).set_index("indicator_code")["expected"]
    assert again.sort_index().to_numpy() == pytest.approx(total.sort_index().to_numpy(), rel=1e-9)
    single = queries.sdg_values(ScopedReader(engine, EVERYONE), area, 2569).set_index("indicator_code")["value"]
    assert single.sort_index().to_numpy() == pytest.approx(total.sort_index().to_numpy(), rel=1e-9)


@pytest.mark.parametrize("area, by, where", [
    (NATION, "region", None),
    (Area("region", "northeast"), "province", s.province.c.region4 == "northeast"),
])
def test_region_and_nation_are_weighted_means_of_their_districts(engine, area, by, where):
    got = sdg_data.values(ScopedReader(engine, EVERYONE), area, [2568, 2570], by)
    raw = _raw(engine, s.sdg_value.c.year.in_([2568, 2570]) if where is None
               else (s.sdg_value.c.year.in_([2568, 2570]) & where))
    key = {"region": "region4", "province": "prov_code"}[by]
    expected = _weighted(raw, [key, "indicator_code", "year"]).rename(columns={key: "area_code"})
    merged = got.merge(expected, on=["area_code", "indicator_code", "year"], suffixes=("", "_raw"),
                       validate="one_to_one")
    assert len(merged) == len(got) == len(expected)
    assert merged["value"].to_numpy() == pytest.approx(merged["expected"].to_numpy(), rel=1e-9)


def test_no_years_or_no_data_give_no_rows_not_zeros(engine):
    assert sdg_data.values(ScopedReader(engine, EVERYONE), NATION, []).empty
    assert sdg_data.values(ScopedReader(engine, EVERYONE), NATION, [2500]).empty


def test_a_governor_sees_their_province_only(engine):
    own = sdg_data.values(ScopedReader(engine, GOVERNOR_30), Area("province", "30"), [2570], "district")
    assert len(own) and own["area_code"].str.startswith("30").all()
    with pytest.raises(NotPermitted):
        sdg_data.values(ScopedReader(engine, GOVERNOR_30), Area("province", "50"), [2570])
    with pytest.raises(NotPermitted):
        sdg_data.values(ScopedReader(engine, GOVERNOR_30), Area("district", "5001"), [2570])
    with pytest.raises(NotPermitted):  # the peers a benchmark would need
        sdg_data.values(ScopedReader(engine, GOVERNOR_30), NATION, [2570], "province")
    with pytest.raises(NotPermitted):
        sdg_data.values(ScopedReader(engine, GOVERNOR_30), Area("region", "northeast"), [2570], "province")
    officer = Viewer("do3001", "district_officer", prov_code="30", dist_code="3001")
    with pytest.raises(NotPermitted):
        sdg_data.values(ScopedReader(engine, officer), Area("province", "30"), [2570], "district")
    assert not math.isnan(sdg_data.values(ScopedReader(engine, officer), Area("district", "3001"), [2570])["value"].iloc[0])
