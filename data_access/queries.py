"""The read side: every query the pages use, aggregated in the database and scoped by the viewer.

Dashboards read only the rollup tables (district × fiscal quarter) and the SDG values (district × year),
grouped to the level asked for; a page never touches the household or project rows on a rerun.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import BigInteger, Engine, Float, and_, case, cast, func, literal, select, union

from metrics import kpis
from metrics.fiscal import FiscalQuarter, elapsed_share, fiscal_quarter_of

from . import schema as s
from .scope import NATION, Area, Viewer

_KEYS = ("dist_code", "fiscal_year", "quarter", "category")


def frame(engine: Engine, stmt) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _group_column(by: str, rollup_dist_col):
    return {"total": None, "region": s.province.c.region4, "province": s.district.c.prov_code,
            "district": rollup_dist_col}[by]


def scoped(stmt, viewer: Viewer, area: Area, dist_col, by: str = "rows"):
    """Filter to the area in view and, independently, to what the viewer may see.

    The statement must join `district` (and `province` for a region); every source module's queries
    go through here, so no query can skip the viewer's rights. Pass `by="total"` only for a query
    that returns one aggregate row for the whole area: that is the one national read a governor's
    policy may allow; anything else (rows, per-area groups) over the nation stays refused."""
    viewer.check(area, by)
    if area.level == "region":
        stmt = stmt.where(s.province.c.region4 == area.code)
    elif area.level == "province":
        stmt = stmt.where(s.district.c.prov_code == area.code)
    elif area.level == "district":
        stmt = stmt.where(dist_col == area.code)
    if area != NATION or not viewer.national_totals:  # the one national read policy may allow
        if viewer.prov_code:
            stmt = stmt.where(s.district.c.prov_code == viewer.prov_code)
        if viewer.dist_code:
            stmt = stmt.where(dist_col == viewer.dist_code)
    return stmt


def _aggregate(engine, viewer, area, by, table, dist_col, measures, where):
    group = _group_column(by, dist_col)
    key = (group if group is not None else literal("TH")).label("area_code")
    frm = table.join(s.district, s.district.c.dist_code == dist_col).join(
        s.province, s.province.c.prov_code == s.district.c.prov_code)
    stmt = select(key, *measures).select_from(frm).where(*where)
    stmt = scoped(stmt, viewer, area, dist_col, by)
    if group is not None:
        stmt = stmt.group_by(group).order_by(group)
    out = frame(engine, stmt)
    if group is None and out.iloc[:, 1:].isna().all(axis=None):
        return out.iloc[0:0]  # an aggregate over no rows: no figures, not zeros
    return out


def rollup(engine: Engine, viewer: Viewer, source: str, area: Area, period: FiscalQuarter,
           by: str = "total") -> pd.DataFrame:
    """Summed rollup columns of one source for the area and quarter: one row for the whole area
    (`by="total"`), or one per region, province or district inside it."""
    t = s.ROLLUPS[source]
    measures = [cast(func.sum(c), BigInteger).label(c.name) for c in t.c if c.name not in _KEYS]
    return _aggregate(engine, viewer, area, by, t, t.c.dist_code, measures,
                      (t.c.fiscal_year == period.year, t.c.quarter == period.quarter))


def sdg_values(engine: Engine, viewer: Viewer, area: Area, year: int, by: str = "total") -> pd.DataFrame:
    """Population-weighted mean of every SDG indicator for the area and year, per `by` area."""
    v = s.sdg_value
    mean = (func.sum(v.c.value * v.c.weight) / func.sum(v.c.weight)).label("value")
    group = _group_column(by, v.c.dist_code)
    key = (group if group is not None else literal("TH")).label("area_code")
    frm = v.join(s.district, s.district.c.dist_code == v.c.dist_code).join(
        s.province, s.province.c.prov_code == s.district.c.prov_code)
    stmt = select(key, v.c.indicator_code, cast(mean, Float).label("value")).select_from(frm).where(v.c.year == year)
    stmt = scoped(stmt, viewer, area, v.c.dist_code, by)
    stmt = stmt.group_by(*([group] if group is not None else []), v.c.indicator_code).order_by(v.c.indicator_code)
    return frame(engine, stmt)


def sdg_indicators(engine: Engine) -> pd.DataFrame:
    i, g = s.sdg_indicator, s.sdg_goal
    return frame(engine, select(i, g.c.name_th.label("goal_name_th"), g.c.name_en.label("goal_name_en"),
                                 g.c.colour).join(g, g.c.goal == i.c.goal).order_by(i.c.goal, i.c.indicator_code))


def sdg_years(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(s.sdg_value.c.year).distinct().order_by(s.sdg_value.c.year))]


def districts(engine: Engine, viewer: Viewer, prov_code: str) -> pd.DataFrame:
    viewer.check(Area("province", prov_code)) if not viewer.dist_code else None
    d = s.district
    stmt = select(d.c.dist_code, d.c.prov_code, d.c.name_th, d.c.name_en, d.c.type_th, d.c.type_en,
                  d.c.n_subdistricts).where(d.c.prov_code == prov_code).order_by(d.c.dist_code)
    if viewer.dist_code:
        stmt = stmt.where(d.c.dist_code == viewer.dist_code)
    return frame(engine, stmt)


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
    return frame(engine, select(t.c.source, t.c.version, t.c.updated_at, t.c.data_through).order_by(t.c.source))


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
    """Every district with its province and region: the reference for names, parents and validation."""
    d, p = s.district, s.province
    return frame(engine, select(
        d.c.dist_code, d.c.prov_code, d.c.name_th, d.c.name_en, d.c.type_th, d.c.type_en,
        p.c.name_th.label("prov_name_th"), p.c.name_en.label("prov_name_en"),
        p.c.region4, p.c.region4_th).join(p, p.c.prov_code == d.c.prov_code).order_by(d.c.dist_code))


def subdistrict_figures(engine: Engine, viewer: Viewer, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    """ThaiQM and CEBRS per subdistrict of one district, cumulative to the quarter's end.

    Reads an indexed slice of the source rows (one district, one fiscal year), never a scan.
    """
    viewer.check(Area("district", dist_code))
    h, c, sub = s.thaiqm_household, s.cebrs_project, s.subdistrict
    end = period.end
    households = frame(engine, select(
        h.c.subdist_code,
        func.sum(case((h.c.status != "surveyed", 1), else_=0)).label("n_target"),
        func.sum(case((and_(h.c.status == "helped", h.c.resolved_on <= end), 1), else_=0)).label("n_helped"),
    ).where(h.c.dist_code == dist_code, h.c.survey_year == period.year).group_by(h.c.subdist_code))
    relief = frame(engine, select(
        c.c.subdist_code, func.count().label("n_relief_projects"),
        cast(func.sum(c.c.approved_baht), BigInteger).label("approved_baht"),
        cast(func.sum(case((and_(c.c.disbursed_on.is_not(None), c.c.disbursed_on <= end), c.c.disbursed_baht),
                           else_=0)), BigInteger).label("disbursed_baht"),
    ).where(c.c.dist_code == dist_code, c.c.fiscal_year == period.year, c.c.approved_on <= end)
        .group_by(c.c.subdist_code))
    names = frame(engine, select(sub.c.subdist_code, sub.c.name_th, sub.c.name_en, sub.c.type_th)
                   .where(sub.c.dist_code == dist_code).order_by(sub.c.subdist_code))
    out = names.merge(households, on="subdist_code", how="left").merge(relief, on="subdist_code", how="left")
    counts = ["n_target", "n_helped", "n_relief_projects", "approved_baht", "disbursed_baht"]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out.rename(columns={"subdist_code": "area_code"})


def padme_target_due(engine: Engine, period: FiscalQuarter) -> float | None:
    """The national overall target due on the day PADME data runs through (pro rata mid-quarter)."""
    end = quarter_targets(engine, period).get("overall")
    if end is None:
        return None
    previous = quarter_targets(engine, period.previous()).get("overall", 0.0) if period.quarter > 1 else 0.0
    through = data_status(engine).set_index("source")["data_through"].get("padme")
    elapsed = 1.0 if through is None or pd.isna(through) else elapsed_share(period, pd.Timestamp(through).date())
    return kpis.target_due(previous, end, elapsed)


def kpi_frame(engine: Engine, viewer: Viewer, source: str, area: Area, period: FiscalQuarter,
              by: str = "total") -> pd.DataFrame:
    """One row per `by` area with the source's rollup sums and its KPI columns (metrics.kpis)."""
    rolled = rollup(engine, viewer, source, area, period, by)
    if source == "padme":
        return kpis.padme(rolled, padme_target_due(engine, period))
    return kpis.cebrs(rolled) if source == "cebrs" else kpis.thaiqm(rolled)
