"""PADME measures beyond the headline: the disbursement S-curve and indicator achievement."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .kpis import ratio_pct


def s_curve(by_quarter: pd.DataFrame, targets: dict[int, float]) -> pd.DataFrame:
    """Cumulative disbursed and committed % of budget at each quarter's end, beside the national
    cumulative target curve. `by_quarter`: quarter, budget_baht, disb_actual_baht, committed_baht
    (summed rollups, one row per quarter reached); `targets`: quarter -> cumulative target %
    (the quarter in progress may carry its pro-rata target due). A quarter with no row is missing
    data (NaN), not zero."""
    quarters = pd.DataFrame({"quarter": [1, 2, 3, 4]})
    out = quarters.merge(by_quarter, on="quarter", how="left")
    out["disbursed_pct"] = ratio_pct(out["disb_actual_baht"], out["budget_baht"]).values
    out["committed_pct"] = ratio_pct(out["committed_baht"], out["budget_baht"]).values
    out["target_pct"] = [targets.get(q, np.nan) for q in out["quarter"]]
    return out[["quarter", "disbursed_pct", "committed_pct", "target_pct"]]


def indicator_achievement(n_met: float | None, n_projects: float | None) -> float:
    """% of projects whose indicator result has reached its target (NaN without projects)."""
    if n_projects is None or n_met is None or pd.isna(n_projects) or pd.isna(n_met):
        return float("nan")
    return float(ratio_pct([n_met], [n_projects]).iloc[0])


def disbursed_share(frame: pd.DataFrame) -> pd.Series:
    """Per project: % of its budget disbursed (NaN for a zero budget)."""
    return ratio_pct(frame["disb_actual_baht"], frame["budget_baht"]).set_axis(frame.index)
