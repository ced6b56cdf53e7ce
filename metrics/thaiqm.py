"""ThaiQM households in need: the ministry's KPI 1, the five TPMAP dimensions, the case funnel, the trend.

Pure functions on the small frames that data_access.thaiqm returns (summed rollup columns, one row per
area, quarter or subdistrict). Every ratio is a ratio of sums; a zero denominator (no target households)
gives NaN, "no data", never 0 and never an error.

**The KPI target.** The ministry's KPI 1 is the share of target households helped (ช่วยเหลือแล้ว) by
the end of the fiscal year. `KPI_TARGET_PCT` holds that year-end target. The real figure is set each
fiscal year in the ministry's KPI agreement (คำรับรองการปฏิบัติราชการ); 100 % (every target household
helped by 30 Sep) is a demo assumption, so change this one constant when the year's figure is known.
Mid-year the target *due* is pro-rated evenly over the four quarters: a quarter's end owes a quarter
of the year's target more than the previous one (25 %, 50 %, 75 %, 100 %), and part-way through a
quarter the step is pro-rated by the share of the quarter elapsed (`target_due`, as
metrics.kpis.target_due does for PADME's disbursement targets).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .kpis import DIMENSIONS, ratio_pct
from .kpis import target_due as _pro_rata

KPI_TARGET_PCT = 100.0  # % of target households helped by the fiscal year's end (demo assumption; set yearly)
QUARTERS = (1, 2, 3, 4)
COUNTS = ("n_surveyed", "n_target", *(f"n_{d}" for d in DIMENSIONS), "n_in_progress", "n_helped",
          "n_self_resolved")
FUNNEL_STAGES = ("surveyed", "target", "in_progress", "helped", "self_resolved")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def target_due(quarter: int, elapsed: float = 1.0, year_target: float = KPI_TARGET_PCT) -> float:
    """% of target households that should be helped by now: `year_target` × (quarter − 1 + elapsed) / 4.

    `elapsed` is the share of the quarter passed (metrics.fiscal.elapsed_share), clipped to 0 … 1; a
    finished quarter owes its end figure. NaN for a quarter outside 1–4 or a missing target."""
    if quarter not in QUARTERS or _missing(year_target):
        return float("nan")
    previous = year_target * (quarter - 1) / 4
    return _pro_rata(previous, year_target * quarter / 4, 1.0 if _missing(elapsed) else elapsed)


def gap_pp(helped_pct, due_pct) -> float:
    """Percentage points ahead (+) or behind (−) the target due; NaN when either is missing."""
    if _missing(helped_pct) or _missing(due_pct):
        return float("nan")
    return float(helped_pct) - float(due_pct)


def with_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ratios to summed ThaiQM counts (any grain): helped_pct (KPI 1), self_resolved_pct,
    resolved_pct, in_progress_pct, the derived n_not_started, and share_<dimension>_pct for each of the
    five dimensions (a household can have several, so the shares need not add up to 100)."""
    out = frame.copy()
    target = out["n_target"]
    out["n_not_started"] = target - out["n_in_progress"] - out["n_helped"] - out["n_self_resolved"]
    out["helped_pct"] = ratio_pct(out["n_helped"], target).values
    out["self_resolved_pct"] = ratio_pct(out["n_self_resolved"], target).values
    out["resolved_pct"] = ratio_pct(out["n_helped"] + out["n_self_resolved"], target).values
    out["in_progress_pct"] = ratio_pct(out["n_in_progress"], target).values
    for d in DIMENSIONS:
        out[f"share_{d}_pct"] = ratio_pct(out[f"n_{d}"], target).values
    return out


def totals_row(frame: pd.DataFrame) -> dict:
    """The one row of an area's totals with its KPIs, or {} when the area has no ThaiQM rows."""
    return with_kpis(frame).iloc[0].to_dict() if len(frame) else {}


def dimensions(row: dict) -> pd.DataFrame:
    """The five dimensions of one area: dimension, households with that problem, share of target
    households (%). With no data every figure is NaN."""
    counts = [row.get(f"n_{d}", np.nan) if row else np.nan for d in DIMENSIONS]
    target = row.get("n_target", np.nan) if row else np.nan
    return pd.DataFrame({"dimension": list(DIMENSIONS),
                         "households": pd.Series(counts, dtype="float64"),
                         "share_pct": ratio_pct(counts, [target] * len(DIMENSIONS)).values})


def funnel(row: dict) -> pd.DataFrame:
    """The case funnel at the quarter's end: stage, households, % of target households.

    Stages: surveyed → target → in progress → helped / self-resolved (the last three as of the
    quarter's end). With no data every figure is NaN; with zero target households the % is NaN."""
    counts = [row.get(f"n_{s}", np.nan) if row else np.nan for s in FUNNEL_STAGES]
    target = row.get("n_target", np.nan) if row else np.nan
    return pd.DataFrame({"stage": list(FUNNEL_STAGES),
                         "households": pd.Series(counts, dtype="float64"),
                         "pct_of_target": ratio_pct(counts, [target] * len(FUNNEL_STAGES)).values})


def trend(frame: pd.DataFrame, up_to_quarter: int) -> pd.DataFrame:
    """One row per quarter 1 … `up_to_quarter` of a fiscal year (frame: `quarter` plus the counts).

    A quarter with no rollup row keeps its place with NaN figures ("no data"), never 0."""
    quarters = pd.DataFrame({"quarter": list(range(1, max(0, min(4, up_to_quarter)) + 1))})
    present = frame.copy()
    if "quarter" not in present:
        present["quarter"] = pd.Series(dtype="int64")
    present["quarter"] = present["quarter"].astype("int64")
    merged = quarters.merge(present, on="quarter", how="left")
    for column in COUNTS:
        if column not in merged:
            merged[column] = np.nan
        merged[column] = merged[column].astype("float64")
    return with_kpis(merged)
