"""SDG reads for the SDG page: the goals, and indicator values per area and year.

Values are the population-weighted mean of the districts in each area, Σ(value × weight) / Σ(weight),
exactly as `queries.sdg_values`, over several years at once (for trends). Every area read runs through
the ScopedReader, so the viewer's rights apply; reads use the (year, dist_code) index.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, Float, cast, func, literal, select

from . import access, queries
from . import schema as s
from .db import select_frame
from .queries import with_areas
from .reader import ByDistrict, ScopedReader
from .scope import Area


def goals(engine: Engine) -> pd.DataFrame:
    """The 17 goals: goal, name_th, name_en, colour (official identity colour), reference data."""
    g = s.sdg_goal
    return select_frame(engine, select(g.c.goal, g.c.name_th, g.c.name_en, g.c.colour).order_by(g.c.goal))


def indicators(engine: Engine) -> pd.DataFrame:
    """Every indicator with unit, direction, target, lower bound and its goal's names and colour."""
    return queries.sdg_indicators(engine)


def years(engine: Engine) -> list[int]:
    return queries.sdg_years(engine)


def values(reader: ScopedReader, area: Area, years: Sequence[int], by: str = "total") -> pd.DataFrame:
    """Weighted mean of every indicator per `by` area and year in `years`.

    Columns: area_code ("TH" for `by="total"`), indicator_code, year, value, weight (Σ weight, so a
    caller can re-aggregate). No rows when the area has no values in those years.
    """
    v = s.sdg_value
    columns = ["area_code", "indicator_code", "year", "value", "weight"]
    years = sorted({int(y) for y in years})
    if not years:
        access.require(reader.viewer, access.read_action(area, by), area)
        return pd.DataFrame(columns=columns)
    group = {"total": None, "region": s.province.c.region4, "province": s.district.c.prov_code,
             "district": v.c.dist_code}[by]
    key = (group if group is not None else literal("TH")).label("area_code")
    weight = func.sum(v.c.weight)
    grouping = ([group] if group is not None else []) + [v.c.indicator_code, v.c.year]
    stmt = (select(key, v.c.indicator_code, v.c.year,
                   cast(func.sum(v.c.value * v.c.weight) / weight, Float).label("value"),
                   cast(weight, Float).label("weight"))
            .select_from(with_areas(v)).where(v.c.year.in_(years)).group_by(*grouping).order_by(*grouping))
    out = reader.frame(stmt, area, ByDistrict(v.c.dist_code), by)
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["year"] = out["year"].astype(int)
    out["area_code"] = out["area_code"].astype(str)
    return out[columns]
