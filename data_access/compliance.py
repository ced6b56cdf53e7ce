"""The reporting calendar's facts, district by district: what each district owed for a quarter and
when it filed it. metrics.compliance judges them (on time, late, missing, open) against the due dates.

- PADME: every project of the fiscal year owes a report for the quarter; a district's is filed when
  each of its projects has one, at the time the last of them was first filed (`reported_at`, which
  PADME writes in Bangkok time; converted here to UTC like every other stored moment).
- ThaiQM, CEBRS: a district with target households (ThaiQM) or relief projects (CEBRS) in the
  quarter owes one quarterly report, filed when it first sends figures or confirms them
  (`report_filing`, data_access/changes.py).

Reads are indexed slices: one fiscal year of padme_project with its reports for one quarter, and the
ThaiQM and CEBRS rollups for one quarter; a district owing nothing for a source has no row.

The KPI "reports filed on time" (metrics.kpis `report_on_time_pct`, pseudo-source "reporting") is
`kpi_frame`: the quarter judged while a period is in view (`judged_quarter`: the latest one whose
reports were due), its districts' reports judged on a day as they stood at that day's end, summed per
area (metrics.compliance.by_area). data_access.queries.kpi_frame, the weekly snapshot and the demo's
weekly history all read it here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import BigInteger, Integer, and_, cast, func, literal, select

from metrics import compliance as m
from metrics.fiscal import FiscalQuarter

from . import clock, schema as s
from .settings import reporting_calendar
from .queries import with_areas
from .reader import ByDistrict, ScopedReader
from .scope import Area

COLUMNS = ("dist_code", "prov_code", "region", "source", "n_expected", "n_filed", "filed_at")
BANGKOK_OFFSET = pd.Timedelta(hours=7)


def _padme(reader: ScopedReader, area: Area, quarter: FiscalQuarter) -> pd.DataFrame:
    p, r = s.padme_project, s.padme_report
    frm = with_areas(p).outerjoin(r, and_(r.c.project_id == p.c.project_id, r.c.quarter == quarter.quarter))
    stmt = (select(p.c.dist_code, s.district.c.prov_code, s.province.c.region4.label("region"),
                   literal("padme").label("source"), cast(func.count(), BigInteger).label("n_expected"),
                   cast(func.count(r.c.project_id), BigInteger).label("n_filed"),
                   func.max(r.c.reported_at).label("filed_at"))
            .select_from(frm).where(p.c.fiscal_year == quarter.year)
            .group_by(p.c.dist_code, s.district.c.prov_code, s.province.c.region4))
    out = reader.frame(stmt, area, ByDistrict(p.c.dist_code))
    out["filed_at"] = pd.to_datetime(out["filed_at"]) - BANGKOK_OFFSET  # Bangkok wall clock → UTC
    return out


def _filed(reader: ScopedReader, area: Area, quarter: FiscalQuarter, source: str, owes) -> pd.DataFrame:
    """Districts that owe `source`'s report for the quarter (`owes`: the rollup's condition), with
    their filing if any."""
    rollup, f = s.ROLLUPS[source], s.report_filing
    owing = (select(rollup.c.dist_code).where(rollup.c.fiscal_year == quarter.year, rollup.c.quarter == quarter.quarter)
             .group_by(rollup.c.dist_code).having(owes(rollup)).subquery("owing"))
    frm = (owing.join(s.district, s.district.c.dist_code == owing.c.dist_code)
           .join(s.province, s.province.c.prov_code == s.district.c.prov_code)
           .outerjoin(f, and_(f.c.dist_code == owing.c.dist_code, f.c.source == source,
                              f.c.fiscal_year == quarter.year, f.c.quarter == quarter.quarter)))
    stmt = select(owing.c.dist_code, s.district.c.prov_code, s.province.c.region4.label("region"),
                  literal(source).label("source"), literal(1, Integer).label("n_expected"),
                  cast(func.count(f.c.filed_at), Integer).label("n_filed"), func.min(f.c.filed_at).label("filed_at"))
    stmt = stmt.select_from(frm).group_by(owing.c.dist_code, s.district.c.prov_code, s.province.c.region4)
    out = reader.frame(stmt, area, ByDistrict(owing.c.dist_code))
    out["filed_at"] = pd.to_datetime(out["filed_at"])
    return out


def districts(reader: ScopedReader, area: Area, quarter: FiscalQuarter) -> pd.DataFrame:
    """One row per district of the area × reported source it owes something for `quarter`: COLUMNS,
    `filed_at` a naive UTC moment (NaT: not filed). Sorted by source, then district."""
    parts = [_padme(reader, area, quarter),
             _filed(reader, area, quarter, "thaiqm", lambda r: func.sum(r.c.n_target) > 0),
             _filed(reader, area, quarter, "cebrs", lambda r: func.sum(r.c.n_projects) > 0)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    out = out.reindex(columns=list(COLUMNS))
    out[["n_expected", "n_filed"]] = out[["n_expected", "n_filed"]].astype("int64")
    out["filed_at"] = pd.to_datetime(out["filed_at"])
    return out.sort_values(["source", "dist_code"]).reset_index(drop=True)


def due_dates(quarter: FiscalQuarter) -> dict[str, dt.date]:
    """Each reported source's due date for `quarter` by `[reporting]` of .streamlit/warroom.toml."""
    days, overrides = reporting_calendar()
    return m.due_dates(quarter, days, overrides)


def judged_quarter(period: FiscalQuarter, day: dt.date) -> FiscalQuarter:
    """The quarter whose reports are judged while `period` is in view on `day`: `period` once every
    source's reports were due, else the quarter before (metrics.compliance.reporting_quarter)."""
    return m.reporting_quarter(period, day, lambda q: max(due_dates(q).values()))


def judge(facts: pd.DataFrame, quarter: FiscalQuarter, day: dt.date) -> pd.DataFrame:
    """`facts` of `quarter` (districts' COLUMNS) as they stood at the end of `day`, classified on `day`."""
    return m.classify(m.as_of(facts, day), due_dates(quarter), day)


def judgement(reader: ScopedReader, area: Area, period: FiscalQuarter,
              day: dt.date) -> tuple[FiscalQuarter, pd.DataFrame]:
    """(the quarter judged while `period` is in view on `day`, each of the area's districts × source
    rows of it classified on `day`)."""
    quarter = judged_quarter(period, day)
    return quarter, judge(districts(reader, area, quarter), quarter, day)


def kpi_frames(reader: ScopedReader, area: Area, period: FiscalQuarter, bys: Iterable[str],
               day: dt.date) -> dict[str, pd.DataFrame]:
    """`kpi_frame` for each level of `bys`, from one read."""
    _, classified = judgement(reader, area, period, day)
    return {by: m.by_area(classified, by) for by in bys}


def kpi_frame(reader: ScopedReader, area: Area, period: FiscalQuarter, by: str = "total",
              day: dt.date | None = None) -> pd.DataFrame:
    """The reporting KPI for the area (`by="total"`, one row "TH") or each region, province or district
    in it: metrics.compliance.SUMMARY_COLUMNS (on_time_pct, the counts of each status, the worst
    status, alarm). `day`: judged on that day, the filings as they stood at its end (default today)."""
    return kpi_frames(reader, area, period, (by,), day or clock.today())[by]


__all__ = ["COLUMNS", "districts", "due_dates", "judge", "judged_quarter", "judgement", "kpi_frame", "kpi_frames"]
