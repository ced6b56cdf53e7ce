"""Cached loaders: data_access queries plus metrics, keyed by the source's data version.

The version is part of every cache key, so a write (import, feed) makes the next rerun read fresh
figures, and an unchanged source is served from memory. The engine is a shared resource.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data_access import db, queries
from data_access.scope import NATION, Area, Viewer
from metrics import kpis, sdg
from metrics.fiscal import FiscalQuarter, elapsed_share


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    return db.engine_for(url)


def versions(url: str) -> dict[str, int]:
    """Four integers, read on every run: the cheap question 'has anything changed?'."""
    status = queries.data_status(engine(url))
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


@st.cache_data(ttl="1h", max_entries=16, show_spinner=False)
def provinces(url: str, viewer: Viewer) -> pd.DataFrame:
    return queries.provinces(engine(url), viewer)


@st.cache_data(ttl="1h", max_entries=512, show_spinner=False)
def kpi_frame(url: str, version: int, viewer: Viewer, source: str, area: Area,
              period: FiscalQuarter, by: str) -> pd.DataFrame:
    """One row per `by` area with the source's rollup sums and KPI columns."""
    e = engine(url)
    frame = queries.rollup(e, viewer, source, area, period, by)
    if source == "padme":
        return kpis.padme(frame, padme_target_due(e, period))
    return kpis.cebrs(frame) if source == "cebrs" else kpis.thaiqm(frame)


def kpi_by_province(url: str, version: int, viewer: Viewer, kpi: kpis.Kpi, period: FiscalQuarter) -> pd.DataFrame:
    """Every province the viewer may see, with its name and the KPI value (NaN where it has no data)."""
    values = kpi_frame(url, version, viewer, kpi.source, NATION, period, "province")
    names = provinces(url, viewer).rename(columns={"prov_code": "area_code"})
    return kpis.ranked(names.merge(values[["area_code", kpi.column]], on="area_code", how="left"), kpi)


def padme_target_due(e: Engine, period: FiscalQuarter) -> float | None:
    """The national overall target due on the day PADME data runs through (pro rata mid-quarter)."""
    end = queries.quarter_targets(e, period).get("overall")
    if end is None:
        return None
    previous = queries.quarter_targets(e, period.previous()).get("overall", 0.0) if period.quarter > 1 else 0.0
    through = queries.data_status(e).set_index("source")["data_through"].get("padme")
    elapsed = 1.0 if through is None else elapsed_share(period, pd.Timestamp(through).date())
    return kpis.target_due(previous, end, elapsed)


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
