"""Headline KPIs of each source, computed from summed rollup columns (one row per area).

Each function takes the frame that data_access.queries.rollup returns and adds the KPI columns.
A ratio whose denominator is zero is NaN ("no data"), never 0 and never an error: a province with no
budget has no disbursement rate. Money columns in baht become million baht (_mb) here, once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BAHT_PER_MB = 1_000_000
DIMENSIONS = ("health", "living", "education", "income", "access")  # ThaiQM / TPMAP poverty dimensions


def ratio_pct(numerator, denominator):
    num = pd.Series(numerator, dtype="float64")
    den = pd.Series(denominator, dtype="float64")
    return (100.0 * num / den.where(den != 0)).astype("float64")


def target_due(previous_pct: float, end_pct: float, elapsed: float) -> float:
    """The cumulative disbursement target due part-way through a quarter.

    National targets are set for each quarter's end; mid-quarter, a province is judged against the
    previous quarter's target plus the elapsed share of this quarter's step (Q1 starts from 0).
    """
    return previous_pct + (end_pct - previous_pct) * min(1.0, max(0.0, elapsed))


def padme(frame: pd.DataFrame, target_pct: float) -> pd.DataFrame:
    """Disbursement against budget and against the national cumulative target due (`target_pct`)."""
    out = frame.copy()
    out["budget_mb"] = out["budget_baht"] / BAHT_PER_MB
    out["disbursed_mb"] = out["disb_actual_baht"] / BAHT_PER_MB
    out["committed_mb"] = out["committed_baht"] / BAHT_PER_MB
    out["disbursed_pct"] = ratio_pct(out["disb_actual_baht"], out["budget_baht"]).values
    out["committed_pct"] = ratio_pct(out["committed_baht"], out["budget_baht"]).values
    out["target_pct"] = np.nan if target_pct is None else target_pct
    out["gap_pp"] = out["disbursed_pct"] - out["target_pct"]
    out["capital_disbursed_pct"] = ratio_pct(out["disb_capital_baht"], out["budget_capital_baht"]).values
    out["late_pct"] = ratio_pct(out["n_late"] + out["n_at_risk"], out["n_projects"]).values
    return out


def cebrs(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["approved_mb"] = out["approved_baht"] / BAHT_PER_MB
    out["disbursed_mb"] = out["disbursed_baht"] / BAHT_PER_MB
    out["disbursed_pct"] = ratio_pct(out["disbursed_baht"], out["approved_baht"]).values
    return out


def thaiqm(frame: pd.DataFrame) -> pd.DataFrame:
    """% of target households helped (the ministry's KPI 1) and resolved (helped or self-resolved)."""
    out = frame.copy()
    out["helped_pct"] = ratio_pct(out["n_helped"], out["n_target"]).values
    out["resolved_pct"] = ratio_pct(out["n_helped"] + out["n_self_resolved"], out["n_target"]).values
    return out


@dataclass(frozen=True)
class Kpi:
    """A figure the map can colour by: its source, the column that holds it, and its unit."""

    key: str
    source: str  # a data source (data_access.schema.SOURCES) or a pseudo-source of DERIVED
    column: str
    unit: str  # "pct", "pp", "mb", "count" or "baht_hh" (baht per household)
    higher_is_better: bool | None  # None: neither (a size, not a performance)
    # A column whose value above 0 makes an area an exception whatever its distance from the area above
    # it (the higher, the worse); None: the exceptions rule is the distance alone (`exceptions`).
    flagged_by: str | None = None
    # Columns the views show beside the figure (the counts behind it), carried with it where it is ranked.
    details: tuple[str, ...] = ()


# Pseudo-sources: KPIs computed from other sources' data, with the sources whose data versions they read.
# "reporting": did each district file its PADME, ThaiQM and CEBRS reports by their due dates
# (metrics.compliance). No data_version row exists for a pseudo-source: it is never in schema.SOURCES.
REPORTING = "reporting"
DERIVED = {REPORTING: ("padme", "thaiqm", "cebrs")}


def reads(source: str) -> tuple[str, ...]:
    """The data sources behind a KPI's source: itself, or a pseudo-source's (DERIVED)."""
    return DERIVED.get(source, (source,))


KPIS = {k.key: k for k in (
    Kpi("padme_disbursed_pct", "padme", "disbursed_pct", "pct", True),
    Kpi("padme_gap_pp", "padme", "gap_pp", "pp", True),
    Kpi("padme_budget_mb", "padme", "budget_mb", "mb", None),
    Kpi("cebrs_disbursed_pct", "cebrs", "disbursed_pct", "pct", True),
    Kpi("cebrs_approved_mb", "cebrs", "approved_mb", "mb", None),
    Kpi("thaiqm_helped_pct", "thaiqm", "helped_pct", "pct", True),
    Kpi("thaiqm_n_target", "thaiqm", "n_target", "count", None),
    # % of the reports due from the area's districts (one per district × reported source) filed by their
    # due date, for the quarter judged while the period is in view (metrics.compliance). Every area with
    # a report missing or late is an exception (`alarm`: 2 missing, 1 late).
    Kpi("report_on_time_pct", REPORTING, "on_time_pct", "pct", True, flagged_by="alarm",
        details=("n_due", "n_on_time", "n_late", "n_missing", "n_open", "status", "alarm")),
)}


# The four figures the war room leads with: on the wall, and in the weekly review and its brief.
HEADLINES = ("padme_disbursed_pct", "padme_gap_pp", "cebrs_disbursed_pct", "thaiqm_helped_pct")


def ranked(frame: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """Rank areas on a KPI (1 = best; for a size KPI, 1 = largest); areas with no data rank last."""
    out = frame.assign(rank=frame[kpi.column].rank(ascending=kpi.higher_is_better is False, method="min"))
    return out.sort_values(["rank", "area_code"], na_position="last").reset_index(drop=True)


def exceptions(frame: pd.DataFrame, kpi: Kpi, reference: float | None, worse_by: float,
               limit: int) -> pd.DataFrame:
    """The areas that lag: at least `worse_by` points worse than `reference` (the parent area's
    figure), worst first, at most `limit`. A size KPI (higher_is_better None) has no exceptions.

    A KPI `flagged_by` a column lists instead every area where that column is above 0, the highest
    first, then the worst figure (an area with a report missing before one with a report late, and the
    lowest share on time first); `gap` is still the distance from `reference` (NaN without one)."""
    if kpi.higher_is_better is None:
        return frame.iloc[0:0]
    if kpi.flagged_by is not None:
        values = frame[kpi.column]
        gap = (values - reference) if reference is not None and not pd.isna(reference) else np.nan
        flagged = frame.assign(gap=gap)[frame[kpi.flagged_by].fillna(0) > 0]
        return (flagged.sort_values([kpi.flagged_by, kpi.column, "area_code"],
                                    ascending=[False, bool(kpi.higher_is_better), True], na_position="first")
                .head(limit).reset_index(drop=True))
    if reference is None or pd.isna(reference):
        return frame.iloc[0:0]
    values = frame[kpi.column]
    gap = (values - reference) if kpi.higher_is_better else (reference - values)
    flagged = frame.assign(gap=gap)[gap <= -worse_by]
    return flagged.sort_values(["gap", "area_code"]).head(limit).reset_index(drop=True)


def value_or_none(value) -> float | None:
    """A figure as a float, or None where there is none (None, NaN from an empty rollup or a merge)."""
    return None if value is None or pd.isna(value) else float(value)


def change(current: float, previous: float) -> float | None:
    """Difference from the previous period; None when either side has no data."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    return float(current) - float(previous)
