"""Loads the reference tables (areas from static/geo, DOPA codes; the fiscal quarter calendar) and
names districts for display (`district_names`, the one rule every page, map, table and document uses)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func, insert, select

from metrics.fiscal import FiscalQuarter

from . import schema
from .settings import PROJECT_ROOT

GEO_DIR = PROJECT_ROOT / "static" / "geo"

# National cumulative disbursement targets (% of budget by quarter end): overall, recurrent, capital.
# Demo assumption in the shape of recent cabinet resolutions (Q3: 72 / 79 / 46); edit the
# fiscal_quarter table to set a year's real targets.
DEFAULT_DISBURSEMENT_TARGETS = {1: (26.0, 30.0, 12.0), 2: (50.0, 56.0, 28.0),
                                3: (72.0, 79.0, 46.0), 4: (93.0, 98.0, 75.0)}
FISCAL_YEARS = range(2565, 2576)


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(GEO_DIR / name, dtype=str, encoding="utf-8")


def load_reference(conn: Connection, only_if_empty: bool = False) -> bool:
    """Load the area and calendar tables; with `only_if_empty`, leave existing ones untouched.

    Returns whether anything was loaded. Edited quarter targets survive a repeated `init`.
    """
    if only_if_empty and conn.execute(select(func.count()).select_from(schema.province)).scalar_one():
        return False

    prov = _csv("provinces.csv")
    conn.execute(insert(schema.province), [
        {"prov_code": r.prov_code, "name_th": r.name_th, "name_en": r.name_en, "iso3166_2": r.iso3166_2,
         "region": r.region, "region_th": r.region_th, "region4": r.region4, "region4_th": r.region4_th,
         "label_lon": float(r.label_lon), "label_lat": float(r.label_lat), "area_km2": float(r.area_km2)}
        for r in prov.itertuples()])

    sub = _csv("subdistricts.csv")
    n_sub = sub.groupby("dist_code").size()
    dist = _csv("districts.csv")
    conn.execute(insert(schema.district), [
        {"dist_code": r.dist_code, "prov_code": r.prov_code, "name_th": r.name_th, "name_en": r.name_en,
         "type_th": r.type_th, "type_en": r.type_en, "label_lon": float(r.label_lon),
         "label_lat": float(r.label_lat), "area_km2": float(r.area_km2),
         "n_subdistricts": int(n_sub.get(r.dist_code, 0))}
        for r in dist.itertuples()])
    conn.execute(insert(schema.subdistrict), [
        {"subdist_code": r.subdist_code, "dist_code": r.dist_code, "name_th": r.name_th,
         "name_en": r.name_en, "type_th": r.type_th}
        for r in sub.itertuples()])

    rows = []
    for year in FISCAL_YEARS:
        for q in (1, 2, 3, 4):
            fq = FiscalQuarter(year, q)
            overall, recurrent, capital = DEFAULT_DISBURSEMENT_TARGETS[q]
            rows.append({"fiscal_year": year, "quarter": q, "start_date": fq.start, "end_date": fq.end,
                         "target_overall_pct": overall, "target_recurrent_pct": recurrent,
                         "target_capital_pct": capital})
    conn.execute(insert(schema.fiscal_quarter), rows)
    return True


def district_names(districts: pd.DataFrame) -> pd.DataFrame:
    """How each district is named on screen and in documents: `display_th` and `display_en`, aligned
    with `districts` (dist_code, prov_code, name_th, name_en, type_th and prov_name_en of every district
    of the provinces it holds: a name is told apart from its province's other districts).

    Thai writes the type before the name, as Thai does: อำเภอโนนแดง, เขตบางรัก.
    English gives the name alone, as it names a province: "Non Daeng", "Bang Rak". The romanised type
    (amphoe, khet, king amphoe) is Thai grammar, not English, and the breadcrumb, the table's column or
    the map already says the area is a district. A name the English reader could mistake keeps more:
    - the name of its own province takes "District", as official English writes it ("Phra Nakhon Si
      Ayutthaya District", the capital district of the province of the same name);
    - two districts of one province romanised alike (Ayutthaya's บางไทร and บางซ้าย, both "Bang Sai")
      take their DOPA code, as Wikipedia's "Bang Sai District (1404)" does: "Bang Sai (1404)".
    Districts of different provinces may share a name ("Chaloem Phra Kiat" in five): a district is
    always shown under its province.
    """
    english = districts["name_en"].astype(str).str.strip()
    key = english.str.casefold()
    own_province = key == districts["prov_name_en"].astype(str).str.strip().str.casefold()
    english = english.where(~own_province, english + " District")
    twin = pd.DataFrame({"prov": districts["prov_code"], "key": key}).duplicated(keep=False)
    english = english.where(~twin, english + " (" + districts["dist_code"].astype(str) + ")")
    return pd.DataFrame({"display_th": districts["type_th"] + districts["name_th"], "display_en": english},
                        index=districts.index)
