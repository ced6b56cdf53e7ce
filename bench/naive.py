"""The overview computed the naive way, for the ratio the rollups have to earn.

Naive: read the fiscal year's raw rows (PADME projects and reports, CEBRS projects, ThaiQM households)
into pandas and group them by province, as a dashboard without rollups would on every rerun. App: the
overview's own reads (`queries.rollup` at the nation, by province and in total, for the three
sources). Both give the same figures (checked here, so the ratio compares like with like).
"""
from __future__ import annotations

import statistics
import time

import pandas as pd
from sqlalchemy import select

from data_access.reader import ScopedReader
from data_access import db, queries, schema as s
from data_access.scope import EVERYONE, NATION
from metrics.fiscal import FiscalQuarter


def _read(engine, stmt) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(stmt, conn)


def naive(engine, period: FiscalQuarter) -> pd.DataFrame:
    end = pd.Timestamp(period.end)
    projects = _read(engine, select(s.padme_project).where(s.padme_project.c.fiscal_year == period.year))
    reports = _read(engine, select(s.padme_report).where(s.padme_report.c.quarter <= period.quarter))
    latest = reports.sort_values("quarter").drop_duplicates("project_id", keep="last")
    padme = projects.merge(latest, on="project_id", how="left")
    padme["prov"] = padme.dist_code.str[:2]
    relief = _read(engine, select(s.cebrs_project).where(s.cebrs_project.c.fiscal_year == period.year))
    relief = relief[pd.to_datetime(relief.approved_on) <= end]
    relief["paid"] = relief.disbursed_baht.where(pd.to_datetime(relief.disbursed_on) <= end, 0)
    relief["prov"] = relief.dist_code.str[:2]
    homes = _read(engine, select(s.thaiqm_household).where(s.thaiqm_household.c.survey_year == period.year))
    homes["prov"] = homes.dist_code.str[:2]
    homes["helped"] = (homes.status == "helped") & (pd.to_datetime(homes.resolved_on) <= end)
    return pd.concat([
        padme.groupby("prov").agg(budget_baht=("budget_baht", "sum"), disb_actual_baht=("disb_actual_baht", "sum")),
        relief.groupby("prov").agg(approved_baht=("approved_baht", "sum"), disbursed_baht=("paid", "sum")),
        homes.groupby("prov").agg(n_target=("status", lambda x: int((x != "surveyed").sum())),
                                  n_helped=("helped", "sum")),
    ], axis=1).fillna(0).astype("int64").sort_index()


def app(engine, period: FiscalQuarter) -> pd.DataFrame:
    parts = []
    for source, columns in (("padme", ["budget_baht", "disb_actual_baht"]),
                            ("cebrs", ["approved_baht", "disbursed_baht"]),
                            ("thaiqm", ["n_target", "n_helped"])):
        queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, period, "total")
        frame = queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, period, "province")
        parts.append(frame.set_index("area_code")[columns])
    return pd.concat(parts, axis=1).fillna(0).astype("int64").sort_index()


def measure(url: str, period: FiscalQuarter, repeats: int) -> dict:
    engine = db.engine_for(url)
    timings = {}
    results = {}
    for name, way in (("naive", naive), ("app", app)):
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            results[name] = way(engine, period)
            seconds.append(time.perf_counter() - started)
        timings[name] = statistics.median(seconds)
    a, b = results["app"], results["naive"].reindex(results["app"].index, fill_value=0)
    if not a.equals(b[a.columns]):
        raise RuntimeError(f"the naive overview disagrees with the rollups:\n{(a - b[a.columns]).abs().sum()}")
    return {"period": period.label("en"), "naive_s": round(timings["naive"], 3), "app_s": round(timings["app"], 4),
            "ratio": round(timings["naive"] / timings["app"], 1)}
