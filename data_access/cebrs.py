"""CEBRS reads for the CEBRS page: urgent relief by problem category, by area, against need, and the
project list.

Figures come from the rollup tables (district × fiscal quarter, cumulative to the quarter's end). The
project list and the status / time-to-disbursement figures read an indexed slice of `cebrs_project`
(one area × one fiscal year, index `ix_cebrs_project_area_year`); at nation level that is the year's
projects, which is bounded. Every query runs through the ScopedReader, so the viewer's rights apply.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import BigInteger, cast, func, select

from metrics.fiscal import FiscalQuarter

from . import queries
from . import schema as s
from .queries import with_areas as _with_areas
from .reader import ByDistrict, ScopedReader
from .scope import Area

MEASURES = ("n_projects", "approved_baht", "disbursed_baht", "beneficiary_households",
            "beneficiary_people", "n_done")
PROJECT_COLUMNS = ("project_id", "title", "subdist_code", "subdist_name_th", "subdist_name_en", "dist_code",
                   "category", "approved_baht", "disbursed_baht", "beneficiary_households",
                   "beneficiary_people", "status", "approved_on", "disbursed_on", "completed_on")


def totals(reader: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """One row of summed rollup_cebrs columns for the area (empty frame: no data)."""
    return queries.rollup(reader, "cebrs", area, period, "total")


def by_category(reader: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """rollup_cebrs summed per problem category over the area: category and the MEASURES."""
    r = s.rollup_cebrs
    stmt = (select(r.c.category, *(cast(func.sum(r.c[m]), BigInteger).label(m) for m in MEASURES))
            .select_from(_with_areas(r))
            .where(r.c.fiscal_year == period.year, r.c.quarter == period.quarter))
    return reader.frame(stmt.group_by(r.c.category).order_by(r.c.category), area, ByDistrict(r.c.dist_code),
                        "category")


def by_area(reader: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """rollup_cebrs summed per child area (provinces of the nation or a region, districts of a province)."""
    return queries.rollup(reader, "cebrs", area, period, area.child_level)


def need(reader: ScopedReader, area: Area, period: FiscalQuarter, by: str | None = None) -> pd.DataFrame:
    """Money against need per `by` area (default: the child areas), same fiscal year and quarter:
    area_code, cebrs_approved_baht (rollup_cebrs), padme_budget_baht (rollup_padme.budget_baht),
    n_target (rollup_thaiqm.n_target). A source with no rows for an area leaves NaN there."""
    by = by or area.child_level
    parts = [
        queries.rollup(reader, "cebrs", area, period, by)[["area_code", "approved_baht"]]
        .rename(columns={"approved_baht": "cebrs_approved_baht"}),
        queries.rollup(reader, "padme", area, period, by)[["area_code", "budget_baht"]]
        .rename(columns={"budget_baht": "padme_budget_baht"}),
        queries.rollup(reader, "thaiqm", area, period, by)[["area_code", "n_target"]],
    ]
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part, on="area_code", how="outer")
    return out.sort_values("area_code").reset_index(drop=True)


def projects(reader: ScopedReader, area: Area, year: int) -> pd.DataFrame:
    """The relief projects of the area and fiscal year (indexed slice), newest approval first."""
    c, sub = s.cebrs_project, s.subdistrict
    frm = _with_areas(c).join(sub, sub.c.subdist_code == c.c.subdist_code)
    stmt = (select(c.c.project_id, c.c.title, c.c.subdist_code, sub.c.name_th.label("subdist_name_th"),
                   sub.c.name_en.label("subdist_name_en"), c.c.dist_code, c.c.category, c.c.approved_baht,
                   c.c.disbursed_baht, c.c.beneficiary_households, c.c.beneficiary_people, c.c.status,
                   c.c.approved_on, c.c.disbursed_on, c.c.completed_on)
            .select_from(frm).where(c.c.fiscal_year == year))
    out = reader.frame(stmt.order_by(c.c.approved_on.desc(), c.c.project_id), area, ByDistrict(c.c.dist_code))
    for column in ("approved_on", "disbursed_on", "completed_on"):
        out[column] = pd.to_datetime(out[column]).dt.date if len(out) else pd.Series(dtype="object")
        out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out.reindex(columns=list(PROJECT_COLUMNS))
