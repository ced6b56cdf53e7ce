"""Weekly snapshots for the review meeting: every KPI of every area, the late projects, and notes.

The rollups always hold the present; a meeting asks what changed since last week, which the present
alone cannot answer. Once a week (`python -m data_access snapshot`, or the first view in a new week)
the KPI of every area — nation, regions, provinces, districts — for the newest quarter with data is
stored under the week's Monday, with the set of late and at-risk PADME projects. Taking a week again
replaces it. A demo seed also stores the weeks before its as-of week, as its data stood then
(data_access.history), so a fresh demo's first meeting has weeks to compare with. Reads run through the
ScopedReader like every other page's query; a note is written only where
`access.allowed(viewer, "write_note", area)`.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, and_, delete, false, insert, or_, select

from metrics.fiscal import week_start
from metrics.kpis import KPIS, REPORTING

from . import access, clock, compliance, padme, queries, schema as s
from .clock import utcnow
from .reader import ByAreaCode, ByDistrict, ScopedReader
from .scope import EVERYONE, NATION, Area, Viewer

LEVELS = (("nation", "total"), ("region", "region"), ("province", "province"), ("district", "district"))
LATE = ("late", "at_risk")


def take(engine: Engine, day: dt.date | None = None) -> dict:
    """Snapshot the newest quarter's KPIs for the week of `day` (default: today in Bangkok)."""
    week = week_start(day or clock.today())
    periods = queries.periods(engine)
    if not periods:
        raise ValueError("no source data yet: nothing to snapshot")
    period, now = periods[-1], utcnow()
    system = ScopedReader(engine, EVERYONE)  # a job for the whole country, not a person's view
    frames = {source: {level: queries.kpi_frame(system, source, NATION, period, by) for level, by in LEVELS}
              for source in ("padme", "cebrs", "thaiqm")}
    # The reporting KPI of every level from one read, judged today like the pages' (data_access.compliance).
    reporting = compliance.kpi_frames(system, NATION, period, [by for _, by in LEVELS], clock.today())
    frames[REPORTING] = {level: reporting[by] for level, by in LEVELS}
    rows = []
    for source, by_level in frames.items():
        chosen = [k for k in KPIS.values() if k.source == source]
        for level, frame in by_level.items():
            for kpi in chosen:
                rows += [{"week_start": week, "area_code": code, "kpi": kpi.key, "level": level,
                          "fiscal_year": period.year, "quarter": period.quarter,
                          "value": None if pd.isna(value) else float(value), "taken_at": now}
                         for code, value in zip(frame["area_code"], frame[kpi.column])]
    late = padme.projects(system, NATION, period, statuses=LATE)
    with engine.begin() as conn:
        for table in (s.kpi_snapshot, s.late_project_snapshot):
            conn.execute(delete(table).where(table.c.week_start == week))
        conn.execute(insert(s.kpi_snapshot), rows)
        if len(late):
            conn.execute(insert(s.late_project_snapshot), [
                {"week_start": week, "project_id": pid, "dist_code": dist, "status": status}
                for pid, dist, status in zip(late["project_id"], late["dist_code"], late["status"])])
    return {"week": week, "period": period, "values": len(rows), "late": len(late)}


def weeks(engine: Engine) -> list[dt.date]:
    """Every week with a snapshot, newest first."""
    k = s.kpi_snapshot
    with engine.connect() as conn:
        found = conn.execute(select(k.c.week_start).distinct().order_by(k.c.week_start.desc())).scalars().all()
    return [d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in found]


def _children(area: Area):
    k = s.kpi_snapshot
    if area.level == "nation":
        return k.c.level == "province"
    if area.level == "region":
        return and_(k.c.level == "province",
                    k.c.area_code.in_(select(s.province.c.prov_code).where(s.province.c.region4 == area.code)))
    if area.level == "province":
        return and_(k.c.level == "district", k.c.area_code.like(f"{area.code}%"))
    return false()


def values(reader: ScopedReader, area: Area, week: dt.date, kpi: str) -> pd.DataFrame:
    """area_code, level, value of one KPI in one week: the area itself and the areas one level down."""
    k = s.kpi_snapshot
    own = and_(k.c.level == area.level, k.c.area_code == (area.code or "TH"))
    stmt = (select(k.c.area_code, k.c.level, k.c.value, k.c.fiscal_year, k.c.quarter)
            .where(k.c.week_start == week, k.c.kpi == kpi, or_(own, _children(area)))
            .order_by(k.c.level, k.c.area_code))
    return reader.frame(stmt, area, ByAreaCode(k.c.area_code), area.child_level if area.level != "district" else "total")


def late(reader: ScopedReader, area: Area, week: dt.date) -> pd.DataFrame:
    """project_id, dist_code, status of the area's late and at-risk projects in that week's snapshot."""
    lp = s.late_project_snapshot
    stmt = (select(lp.c.project_id, lp.c.dist_code, lp.c.status)
            .select_from(queries.with_areas(lp)).where(lp.c.week_start == week).order_by(lp.c.project_id))
    return reader.frame(stmt, area, ByDistrict(lp.c.dist_code))


def write_note(engine: Engine, viewer: Viewer, area: Area, week: dt.date, kpi: str, text: str) -> None:
    """The meeting's note on one KPI of one area for one week (written again: replaced)."""
    access.require(viewer, "write_note", area)
    if kpi not in KPIS:
        raise ValueError(f"unknown KPI {kpi!r}")
    n = s.kpi_note
    key = {"week_start": week, "area_code": area.code or "TH", "kpi": kpi}
    with engine.begin() as conn:
        conn.execute(delete(n).where(*(n.c[c] == v for c, v in key.items())))
        if text.strip():
            conn.execute(insert(n).values(**key, note=text.strip(), author=viewer.name, written_at=utcnow()))


def notes(reader: ScopedReader, area: Area, weeks: list[dt.date]) -> pd.DataFrame:
    """week_start, kpi, note, author, written_at of the area's notes in those weeks, newest first."""
    n = s.kpi_note
    stmt = (select(n.c.week_start, n.c.kpi, n.c.note, n.c.author, n.c.written_at)
            .where(n.c.area_code == (area.code or "TH"), n.c.week_start.in_(weeks))
            .order_by(n.c.week_start.desc(), n.c.kpi))
    return reader.frame(stmt, area, ByAreaCode(n.c.area_code))
