"""Cached loaders: data_access queries plus metrics, keyed by the source's data version.

The version is part of every cache key, so a write (import, feed) makes the next rerun read fresh
figures, and an unchanged source is served from memory. The engine is a shared resource.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data_access import accounts, audit, db, queries
from data_access.scope import Area, Viewer
from metrics import kpis, sdg
from metrics.fiscal import FiscalQuarter, comparison_period


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    return db.engine_for(url)


def status_now(url: str) -> pd.DataFrame:
    """Each source's version, last update and data-through date, read fresh: four tiny rows."""
    return queries.data_status(engine(url))


def versions(url: str) -> dict[str, int]:
    """Four integers, read on every run: the cheap question 'has anything changed?'."""
    status = status_now(url)
    return dict(zip(status["source"], status["version"]))


@st.cache_data(ttl="1h", max_entries=64, show_spinner=False)
def data_status(url: str, version_key: tuple) -> pd.DataFrame:
    return queries.data_status(engine(url))


@st.cache_data(ttl="1h", max_entries=16, show_spinner=False)
def dataset_meta(url: str, version_key: tuple) -> dict[str, str]:
    return queries.dataset_meta(engine(url))


@st.cache_data(ttl="1h", max_entries=16, show_spinner=False)
def periods(url: str, version_key: tuple) -> list[FiscalQuarter]:
    return queries.periods(engine(url))


@st.cache_data(ttl="1h", max_entries=512, show_spinner=False)
def kpi_frame(url: str, version: int, viewer: Viewer, source: str, area: Area,
              period: FiscalQuarter, by: str) -> pd.DataFrame:
    """One row per `by` area with the source's rollup sums and KPI columns."""
    return queries.kpi_frame(engine(url), viewer, source, area, period, by)


@st.cache_data(ttl="24h", max_entries=8, show_spinner=False)
def area_index(url: str) -> pd.DataFrame:
    """Names and parents of every district, province and region (reference data)."""
    return queries.area_index(engine(url))


def child_names(index: pd.DataFrame, area: Area) -> pd.DataFrame:
    """area_code, name_th, name_en of the areas one level below `area` (provinces or districts)."""
    if area.child_level == "province":
        rows = index if area.level == "nation" else index[index.region4 == area.code]
        rows = rows.drop_duplicates("prov_code")
        return pd.DataFrame({"area_code": rows.prov_code, "name_th": rows.prov_name_th,
                             "name_en": rows.prov_name_en}).reset_index(drop=True)
    rows = index[index.prov_code == (area.code[:2])]
    return pd.DataFrame({"area_code": rows.dist_code, "name_th": rows.type_th + rows.name_th,
                         "name_en": rows.name_en + " " + rows.type_en.str.title()}).reset_index(drop=True)


def children(url: str, version: int, viewer: Viewer, kpi: kpis.Kpi, area: Area,
             period: FiscalQuarter) -> pd.DataFrame:
    """Every area one level below `area`, named, with the KPI now and its change, ranked."""
    by = area.child_level
    now = kpi_frame(url, version, viewer, kpi.source, area, period, by)
    before = kpi_frame(url, version, viewer, kpi.source, area, comparison_period(period), by)
    frame = (child_names(area_index(url), area)
             .merge(now[["area_code", kpi.column]], on="area_code", how="left")
             .merge(before[["area_code", kpi.column]].rename(columns={kpi.column: "previous"}),
                    on="area_code", how="left"))
    frame["change"] = frame[kpi.column] - frame["previous"]
    return kpis.ranked(frame, kpi)


def totals(url: str, version: int, viewer: Viewer, source: str, area: Area, period: FiscalQuarter) -> dict:
    """The area's KPI row for the period (empty dict when the source has no data there)."""
    frame = kpi_frame(url, version, viewer, source, area, period, "total")
    return frame.iloc[0].to_dict() if len(frame) else {}


@st.cache_data(ttl="1h", max_entries=256, show_spinner=False)
def subdistricts(url: str, version_key: tuple, viewer: Viewer, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    return queries.subdistrict_figures(engine(url), viewer, dist_code, period)


def peer_rank(url: str, version: int, viewer: Viewer, kpi: kpis.Kpi, area: Area, parent: Area,
              period: FiscalQuarter) -> tuple[int | None, int]:
    """(rank of `area` among the children of `parent` on the KPI, number of peers with data)."""
    frame = children(url, version, viewer, kpi, parent, period)
    row = frame[frame.area_code == area.code]
    rank = None if row.empty or pd.isna(row["rank"].iloc[0]) else int(row["rank"].iloc[0])
    return rank, int(frame[kpi.column].notna().sum())


def account_listing(url: str, viewer: Viewer) -> pd.DataFrame:
    """Accounts, never their hashes; admins only (not cached: it changes as people sign in)."""
    audit_log(url, viewer, limit=0)  # the same admin check
    return accounts.listing(engine(url))


def audit_log(url: str, viewer: Viewer, limit: int = 500) -> pd.DataFrame:
    return audit.recent(engine(url), viewer, limit)


@st.cache_data(ttl="1h", max_entries=256, show_spinner=False)
def sdg_ratings(url: str, version: int, viewer: Viewer, area: Area, period: FiscalQuarter,
                by: str) -> tuple[int | None, pd.DataFrame]:
    """(year, ratings) for the latest SDG year up to the period's fiscal year: area_code, goal, score."""
    e = engine(url)
    years = [y for y in queries.sdg_years(e) if y <= period.year]
    if not years:
        return None, pd.DataFrame(columns=["area_code", "goal", "score", "rating"])
    meta = queries.sdg_indicators(e)[["indicator_code", "goal", "target_value", "lower_bound"]]
    values = queries.sdg_values(e, viewer, area, years[-1], by).merge(meta, on="indicator_code")
    parts = [sdg.goal_ratings(g).assign(area_code=code) for code, g in values.groupby("area_code")]
    ratings = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["goal", "score", "rating", "area_code"])
    return years[-1], ratings
