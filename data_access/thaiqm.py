"""ThaiQM reads for the ThaiQM page: area totals, child areas and the fiscal-year trend from
`rollup_thaiqm`, and the subdistricts of one district from an indexed slice of `thaiqm_household`.

Every query runs through the ScopedReader, so the viewer's rights are checked before any SQL runs and
the rows are filtered to them. Quarter-end states follow docs/DATA_CONTRACT.md (ThaiQM, "Quarter-end
state"), the same rules the rollup uses, so subdistricts reconcile with their district's rollup row.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import BigInteger, and_, case, cast, func, literal, or_, select

from metrics.fiscal import FiscalQuarter

from . import queries
from . import schema as s
from .queries import with_areas
from .reader import ByDistrict, ScopedReader
from .scope import Area

COUNTS = ("n_surveyed", "n_target", *(f"n_{d}" for d in s.THAIQM_DIMENSIONS), "n_in_progress", "n_helped",
          "n_self_resolved")


def totals(reader: ScopedReader, area: Area, period: FiscalQuarter, by: str = "total") -> pd.DataFrame:
    """Summed rollup counts for the area and quarter: one row (`by="total"`, none without data) or one
    per child area (`by` a level), keyed by `area_code`."""
    return queries.rollup(reader, "thaiqm", area, period, by)


def year_trend(reader: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """The area's counts at the end of each quarter of `period`'s fiscal year up to `period` itself:
    one row per quarter that has rollup rows (a quarter without any has no row)."""
    r = s.rollup_thaiqm
    stmt = (select(r.c.quarter, *(cast(func.sum(r.c[c]), BigInteger).label(c) for c in COUNTS))
            .select_from(with_areas(r)).where(r.c.fiscal_year == period.year, r.c.quarter <= period.quarter)
            .group_by(r.c.quarter).order_by(r.c.quarter))
    return reader.frame(stmt, area, ByDistrict(r.c.dist_code), "quarter")


def _count_if(condition):
    return cast(func.sum(case((condition, 1), else_=0)), BigInteger)


def subdistricts(reader: ScopedReader, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    """Every subdistrict of one district with its ThaiQM counts as of the quarter's end.

    Reads one district × one survey year of `thaiqm_household` (index ix_thaiqm_area_year), never a
    scan. Subdistricts without households get 0 counts; columns: area_code, name_th, name_en, type_th
    and COUNTS."""
    area = Area("district", dist_code)
    h, sub = s.thaiqm_household, s.subdistrict
    end = literal(period.end)
    resolved_by_end = and_(h.c.resolved_on.is_not(None), h.c.resolved_on <= end)
    stmt = (select(
        h.c.subdist_code,
        cast(func.count(), BigInteger).label("n_surveyed"),
        _count_if(h.c.status != "surveyed").label("n_target"),
        *(_count_if(h.c[f"p_{d}"] == literal(True)).label(f"n_{d}") for d in s.THAIQM_DIMENSIONS),
        _count_if(and_(h.c.started_on.is_not(None), h.c.started_on <= end,
                       or_(h.c.resolved_on.is_(None), h.c.resolved_on > end))).label("n_in_progress"),
        _count_if(and_(h.c.status == "helped", resolved_by_end)).label("n_helped"),
        _count_if(and_(h.c.status == "self_resolved", resolved_by_end)).label("n_self_resolved"),
    ).select_from(with_areas(h)).where(h.c.survey_year == period.year).group_by(h.c.subdist_code))
    counts = reader.frame(stmt, area, ByDistrict(h.c.dist_code))
    names = reader.reference(select(sub.c.subdist_code, sub.c.name_th, sub.c.name_en, sub.c.type_th)
                             .where(sub.c.dist_code == dist_code).order_by(sub.c.subdist_code))
    out = names.merge(counts, on="subdist_code", how="left")
    out[list(COUNTS)] = out[list(COUNTS)].fillna(0).astype("int64")
    return out.rename(columns={"subdist_code": "area_code"})
