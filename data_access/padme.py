"""PADME queries for one area and fiscal year: projects with their latest report, breakdowns, records.

These read an indexed slice of padme_project (area × fiscal year, ix_padme_project_area_year) with
each project's latest report up to the quarter in view — the same carry-forward the rollup uses — so
a list and the rollup totals agree.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import BigInteger, and_, cast, func, or_, select

from metrics.fiscal import FiscalQuarter

from . import schema as s
from .reader import ByDistrict, ScopedReader
from .scope import Area

BREAKDOWNS = ("national_strategy", "nesdp_milestone", "sdg_goal")


def _with_latest_report(period: FiscalQuarter):
    p, r = s.padme_project, s.padme_report.alias("r")
    prior = s.padme_report.alias("prior")
    latest = (select(func.max(prior.c.quarter))
              .where(prior.c.project_id == p.c.project_id, prior.c.quarter <= period.quarter)
              .correlate(p).scalar_subquery())
    joined = (p.join(s.district, s.district.c.dist_code == p.c.dist_code)
              .join(s.province, s.province.c.prov_code == s.district.c.prov_code)
              .outerjoin(r, and_(r.c.project_id == p.c.project_id, r.c.quarter == latest)))
    return p, r, joined


def projects(reader: ScopedReader, area: Area, period: FiscalQuarter,
             search: str | None = None, statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every project of the area's fiscal year with its figures as of the quarter's end."""
    p, r, joined = _with_latest_report(period)
    stmt = (select(p.c.project_id, p.c.name, p.c.agency, p.c.dist_code, s.district.c.name_th.label("dist_name_th"),
                   s.district.c.name_en.label("dist_name_en"), s.province.c.name_th.label("prov_name_th"),
                   s.province.c.name_en.label("prov_name_en"), p.c.budget_type, p.c.budget_baht,
                   func.coalesce(r.c.disb_actual_baht, 0).label("disb_actual_baht"),
                   func.coalesce(r.c.committed_baht, 0).label("committed_baht"),
                   r.c.quarter.label("reported_quarter"), func.coalesce(r.c.status, "not_started").label("status"),
                   r.c.problems, p.c.national_strategy, p.c.nesdp_milestone, p.c.sdg_goal)
            .select_from(joined).where(p.c.fiscal_year == period.year))
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(p.c.name.ilike(like), p.c.agency.ilike(like), p.c.project_id.ilike(like)))
    if statuses:
        stmt = stmt.where(func.coalesce(r.c.status, "not_started").in_(statuses))
    return reader.frame(stmt.order_by(p.c.project_id), area, ByDistrict(p.c.dist_code))


def breakdown(reader: ScopedReader, area: Area, period: FiscalQuarter, by: str) -> pd.DataFrame:
    """Projects, budget and disbursement per national strategy, NESDP milestone or SDG goal."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by one of {BREAKDOWNS}, not {by!r}")
    p, r, joined = _with_latest_report(period)
    key = p.c[by]
    stmt = (select(key.label("key"), func.count().label("n_projects"),
                   cast(func.sum(p.c.budget_baht), BigInteger).label("budget_baht"),
                   cast(func.sum(func.coalesce(r.c.disb_actual_baht, 0)), BigInteger).label("disb_actual_baht"))
            .select_from(joined).where(p.c.fiscal_year == period.year))
    return reader.frame(stmt.group_by(key).order_by(key), area, ByDistrict(p.c.dist_code), "category")


def record(reader: ScopedReader, area: Area, project_id: str) -> tuple[dict, pd.DataFrame]:
    """One project of the area in view, as the PADME report lays it out: its fields and every
    quarterly report. A project outside the area (or outside the viewer's rights) is not found."""
    p, r = s.padme_project, s.padme_report
    found = reader.frame(select(p, s.district.c.name_th.label("dist_name_th"), s.district.c.type_th,
                                s.province.c.name_th.label("prov_name_th"))
                         .select_from(p.join(s.district, s.district.c.dist_code == p.c.dist_code)
                                      .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
                         .where(p.c.project_id == project_id), area, ByDistrict(p.c.dist_code))
    if found.empty:
        raise KeyError(project_id)
    reports = reader.frame(select(r).select_from(r.join(p, p.c.project_id == r.c.project_id)
                                                 .join(s.district, s.district.c.dist_code == p.c.dist_code)
                                                 .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
                           .where(r.c.project_id == project_id).order_by(r.c.quarter), area, ByDistrict(p.c.dist_code))
    return found.iloc[0].to_dict(), reports
