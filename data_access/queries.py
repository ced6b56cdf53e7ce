"""The read side: every query the pages use, aggregated in the database and scoped by the viewer.

Dashboards read only the rollup tables (district × fiscal quarter) and the SDG values (district × year),
grouped to the level asked for; a page never touches the household or project rows on a rerun.
Area reads take a ScopedReader (data_access.reader), which checks and filters every statement; the
functions that take an engine read the catalogue only (areas, periods, versions, definitions), which
holds no figure of any area and is needed before anyone has signed in.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import BigInteger, Engine, Float, and_, case, cast, func, literal, select, union

from metrics import kpis
from metrics.fiscal import FiscalQuarter, elapsed_share, fiscal_quarter_of

from . import schema as s
from .areas import district_names
from .db import select_frame
from .reader import ByDistrict, ScopedReader
from .scope import Area

_KEYS = ("dist_code", "fiscal_year", "quarter", "category")


def _group_column(by: str, rollup_dist_col):
    return {"total": None, "region": s.province.c.region4, "province": s.district.c.prov_code,
            "district": rollup_dist_col}[by]


def with_areas(table, dist_col=None):
    """`table` joined to its district and province, as ByDistrict scoping needs."""
    dist_col = table.c.dist_code if dist_col is None else dist_col
    return table.join(s.district, s.district.c.dist_code == dist_col).join(
        s.province, s.province.c.prov_code == s.district.c.prov_code)


def _aggregate(reader, area, by, table, dist_col, measures, where):
    group = _group_column(by, dist_col)
    key = (group if group is not None else literal("TH")).label("area_code")
    stmt = select(key, *measures).select_from(with_areas(table, dist_col)).where(*where)
    if group is not None:
        stmt = stmt.group_by(group).order_by(group)
    out = reader.frame(stmt, area, ByDistrict(dist_col), by)
    if group is None and out.iloc[:, 1:].isna().all(axis=None):
        return out.iloc[0:0]  # an aggregate over no rows: no figures, not zeros
    return out


def rollup(reader: ScopedReader, source: str, area: Area, period: FiscalQuarter,
           by: str = "total", through: dt.date | None = None) -> pd.DataFrame:
    """Summed rollup columns of one source for the area and quarter: one row for the whole area
    (`by="total"`), or one per region, province or district inside it. With `through`, the quarter
    cut at that day (the base of a running quarter's comparison; empty when no such cut is stored)."""
    t = s.ROLLUPS[source] if through is None else s.ROLLUPS_TO_DATE[source]
    measures = [cast(func.sum(c), BigInteger).label(c.name) for c in t.c if c.name not in (*_KEYS, "through")]
    where = (t.c.fiscal_year == period.year, t.c.quarter == period.quarter)
    return _aggregate(reader, area, by, t, t.c.dist_code, measures,
                      where if through is None else (*where, t.c.through == through))


def sdg_values(reader: ScopedReader, area: Area, year: int, by: str = "total") -> pd.DataFrame:
    """Population-weighted mean of every SDG indicator for the area and year, per `by` area."""
    v = s.sdg_value
    mean = (func.sum(v.c.value * v.c.weight) / func.sum(v.c.weight)).label("value")
    group = _group_column(by, v.c.dist_code)
    key = (group if group is not None else literal("TH")).label("area_code")
    stmt = (select(key, v.c.indicator_code, cast(mean, Float).label("value")).select_from(with_areas(v))
            .where(v.c.year == year)
            .group_by(*([group] if group is not None else []), v.c.indicator_code).order_by(v.c.indicator_code))
    return reader.frame(stmt, area, ByDistrict(v.c.dist_code), by)


def sdg_indicators(engine: Engine) -> pd.DataFrame:
    """Reference: every indicator with its goal's names and colour."""
    i, g = s.sdg_indicator, s.sdg_goal
    return select_frame(engine, select(i, g.c.name_th.label("goal_name_th"), g.c.name_en.label("goal_name_en"),
                                 g.c.colour).join(g, g.c.goal == i.c.goal).order_by(i.c.goal, i.c.indicator_code))


def sdg_indicator_targets(reader: ScopedReader) -> pd.DataFrame:
    """Reference: indicator_code, goal, target_value, lower_bound (what an SDG score is measured against)."""
    i = s.sdg_indicator
    return reader.reference(select(i.c.indicator_code, i.c.goal, i.c.target_value, i.c.lower_bound)
                            .order_by(i.c.indicator_code))


def sdg_years(engine: Engine) -> list[int]:
    """Catalogue: the years that have SDG values anywhere (no figure, so no scope)."""
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(s.sdg_value.c.year).distinct().order_by(s.sdg_value.c.year))]


def districts(engine: Engine, prov_code: str) -> pd.DataFrame:
    """Reference: the districts of one province."""
    d = s.district
    return select_frame(engine, select(d.c.dist_code, d.c.prov_code, d.c.name_th, d.c.name_en, d.c.type_th,
                                       d.c.type_en, d.c.n_subdistricts)
                        .where(d.c.prov_code == prov_code).order_by(d.c.dist_code))


def quarter_targets(engine: Engine, period: FiscalQuarter) -> dict[str, float]:
    fq = s.fiscal_quarter
    with engine.connect() as conn:
        row = conn.execute(select(fq.c.target_overall_pct, fq.c.target_recurrent_pct, fq.c.target_capital_pct)
                           .where(fq.c.fiscal_year == period.year, fq.c.quarter == period.quarter)).first()
    if row is None:
        return {}
    return {"overall": row[0], "recurrent": row[1], "capital": row[2]}


def data_status(engine: Engine) -> pd.DataFrame:
    t = s.data_version
    return select_frame(engine, select(t.c.source, t.c.version, t.c.updated_at, t.c.data_through)
                        .order_by(t.c.source))


def periods(engine: Engine) -> list[FiscalQuarter]:
    """Every fiscal quarter that has data in any source, up to the quarter the newest data falls in."""
    years_of = union(*(select(t.c.fiscal_year) for t in s.ROLLUPS.values()),
                     select(s.sdg_value.c.year.label("fiscal_year"))).subquery()
    with engine.connect() as conn:
        years = sorted(conn.execute(select(years_of.c.fiscal_year)).scalars())
        through = conn.execute(select(func.max(s.data_version.c.data_through))).scalar()
    if not years or through is None:
        return []
    if isinstance(through, str):
        through = dt.date.fromisoformat(through)
    last = fiscal_quarter_of(through)
    return [FiscalQuarter(y, q) for y in years for q in (1, 2, 3, 4) if FiscalQuarter(y, q) <= last]


def dataset_meta(engine: Engine) -> dict[str, str]:
    """What the data is: origin "demo" for generated data (the UI says so), its scale and as-of date."""
    t = s.dataset_meta
    with engine.connect() as conn:
        return {k: v for k, v in conn.execute(select(t.c.key, t.c.value))}


def area_index(engine: Engine) -> pd.DataFrame:
    """Every district with its province and region: the reference for names, parents and validation.
    `display_th` and `display_en` are the district's name as shown (areas.district_names)."""
    d, p = s.district, s.province
    index = select_frame(engine, select(
        d.c.dist_code, d.c.prov_code, d.c.name_th, d.c.name_en, d.c.type_th, d.c.type_en,
        p.c.name_th.label("prov_name_th"), p.c.name_en.label("prov_name_en"),
        p.c.region4, p.c.region4_th).join(p, p.c.prov_code == d.c.prov_code).order_by(d.c.dist_code))
    return index.join(district_names(index))


def subdistrict_figures(reader: ScopedReader, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    """ThaiQM and CEBRS per subdistrict of one district, cumulative to the quarter's end.

    Reads an indexed slice of the source rows (one district, one fiscal year), never a scan.
    """
    area = Area("district", dist_code)
    h, c, sub = s.thaiqm_household, s.cebrs_project, s.subdistrict
    end = period.end
    households = reader.frame(select(
        h.c.subdist_code,
        func.sum(case((h.c.status != "surveyed", 1), else_=0)).label("n_target"),
        func.sum(case((and_(h.c.status == "helped", h.c.resolved_on <= end), 1), else_=0)).label("n_helped"),
    ).select_from(with_areas(h)).where(h.c.survey_year == period.year).group_by(h.c.subdist_code),
        area, ByDistrict(h.c.dist_code))
    relief = reader.frame(select(
        c.c.subdist_code, func.count().label("n_relief_projects"),
        cast(func.sum(c.c.approved_baht), BigInteger).label("approved_baht"),
        cast(func.sum(case((and_(c.c.disbursed_on.is_not(None), c.c.disbursed_on <= end), c.c.disbursed_baht),
                           else_=0)), BigInteger).label("disbursed_baht"),
    ).select_from(with_areas(c)).where(c.c.fiscal_year == period.year, c.c.approved_on <= end)
        .group_by(c.c.subdist_code), area, ByDistrict(c.c.dist_code))
    names = reader.reference(select(sub.c.subdist_code, sub.c.name_th, sub.c.name_en, sub.c.type_th)
                             .where(sub.c.dist_code == dist_code).order_by(sub.c.subdist_code))
    out = names.merge(households, on="subdist_code", how="left").merge(relief, on="subdist_code", how="left")
    counts = ["n_target", "n_helped", "n_relief_projects", "approved_baht", "disbursed_baht"]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out.rename(columns={"subdist_code": "area_code"})


def padme_target_due(reader: ScopedReader, period: FiscalQuarter, through: dt.date | None = None) -> float | None:
    """The national overall target due on the day PADME data runs through (pro rata mid-quarter), or
    on `through`: the calendar's targets and PADME's data-through date, both reference data."""
    fq, dv = s.fiscal_quarter, s.data_version
    targets = reader.reference(select(fq.c.fiscal_year, fq.c.quarter, fq.c.target_overall_pct).where(
        fq.c.fiscal_year == period.year))
    by_quarter = dict(zip(targets["quarter"], targets["target_overall_pct"]))
    end = by_quarter.get(period.quarter)
    if end is None:
        return None
    previous = by_quarter.get(period.quarter - 1, 0.0) if period.quarter > 1 else 0.0
    if through is None:
        found = reader.reference(select(dv.c.data_through).where(dv.c.source == "padme"))["data_through"]
        through = None if found.empty or pd.isna(found.iloc[0]) else pd.Timestamp(found.iloc[0]).date()
    elapsed = 1.0 if through is None else elapsed_share(period, through)
    return kpis.target_due(previous, end, elapsed)


def kpi_frame(reader: ScopedReader, source: str, area: Area, period: FiscalQuarter,
              by: str = "total", through: dt.date | None = None) -> pd.DataFrame:
    """One row per `by` area with the source's rollup sums and its KPI columns (metrics.kpis); with
    `through`, the quarter cut at that day (see rollup).

    The pseudo-source "reporting" (kpis.REPORTING) has no rollup: its frame is the districts' reports
    of the quarter judged while `period` is in view, judged on `through` (default today) as they stood
    at that day's end (data_access.compliance.kpi_frame)."""
    if source == kpis.REPORTING:
        from . import compliance  # it builds on this module's with_areas: imported here, not at the top
        return compliance.kpi_frame(reader, area, period, by, through)
    rolled = rollup(reader, source, area, period, by, through)
    if source == "padme":
        return kpis.padme(rolled, padme_target_due(reader, period, through))
    return kpis.cebrs(rolled) if source == "cebrs" else kpis.thaiqm(rolled)
