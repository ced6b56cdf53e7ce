"""SDG reads for the SDG page: the goals, and indicator values per area and year.

Values are the population-weighted mean of the districts in each area, Σ(value × weight) / Σ(weight),
exactly as `queries.sdg_values`, over several years at once (for trends). Every area read goes through
`queries.scoped`, so the viewer's rights apply; reads use the (year, dist_code) index.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, Float, cast, func, literal, select

from . import queries
from . import schema as s
from .scope import Area, Viewer


def goals(engine: Engine) -> pd.DataFrame:
    """The 17 goals: goal, name_th, name_en, colour (official identity colour), reference data."""
    g = s.sdg_goal
    return queries.frame(engine, select(g.c.goal, g.c.name_th, g.c.name_en, g.c.colour).order_by(g.c.goal))


def indicators(engine: Engine) -> pd.DataFrame:
    """Every indicator with unit, direction, target, lower bound and its goal's names and colour."""
    return queries.sdg_indicators(engine)


def years(engine: Engine) -> list[int]:
    return queries.sdg_years(engine)


def values(engine: Engine, viewer: Viewer, area: Area, years: Sequence[int], by: str = "total") -> pd.DataFrame:
    """Weighted mean of every indicator per `by` area and year in `years`.

    Columns: area_code ("TH" for `by="total"`), indicator_code, year, value, weight (Σ weight, so a
    caller can re-aggregate). No rows when the area has no values in those years.
    """
    v = s.sdg_value
    columns = ["area_code", "indicator_code", "year", "value", "weight"]
    years = sorted({int(y) for y in years})
    if not years:
        viewer.check(area, by)
        return pd.DataFrame(columns=columns)
    group = {"total": None, "region": s.province.c.region4, "province": s.district.c.prov_code,
             "district": v.c.dist_code}[by]
    key = (group if group is not None else literal("TH")).label("area_code")
    weight = func.sum(v.c.weight)
    frm = v.join(s.district, s.district.c.dist_code == v.c.dist_code).join(
        s.province, s.province.c.prov_code == s.district.c.prov_code)
    stmt = (select(key, v.c.indicator_code, v.c.year,
                   cast(func.sum(v.c.value * v.c.weight) / weight, Float).label("value"),
                   cast(weight, Float).label("weight"))
            .select_from(frm).where(v.c.year.in_(years)))
    stmt = queries.scoped(stmt, viewer, area, v.c.dist_code, by)
    grouping = ([group] if group is not None else []) + [v.c.indicator_code, v.c.year]
    stmt = stmt.group_by(*grouping).order_by(*grouping)
    out = queries.frame(engine, stmt)
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["year"] = out["year"].astype(int)
    out["area_code"] = out["area_code"].astype(str)
    return out[columns]
