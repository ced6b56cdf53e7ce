"""What changed between two weekly snapshots: movers, areas that turned red or left it, new late
projects. Inputs are small frames read from kpi_snapshot (area_code, value) for one KPI."""
from __future__ import annotations

import pandas as pd

from .kpis import Kpi


def changes(now: pd.DataFrame, before: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """area_code, value, previous, change and gain (the change in the KPI's good direction; for a
    size KPI, the change itself) for every area in `now`."""
    merged = now[["area_code", "value"]].merge(
        before[["area_code", "value"]].rename(columns={"value": "previous"}), on="area_code", how="left")
    merged["change"] = merged["value"] - merged["previous"]
    merged["gain"] = -merged["change"] if kpi.higher_is_better is False else merged["change"]
    return merged


def movers(now: pd.DataFrame, before: pd.DataFrame, kpi: Kpi, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best, worst): the n areas that gained most and the n that lost most, ignoring no change and
    areas without a figure in either week. Ties order by area code, so the list is stable."""
    moved = changes(now, before, kpi).dropna(subset=["change"])
    moved = moved[moved["change"] != 0]
    best = moved[moved["gain"] > 0].sort_values(["gain", "area_code"], ascending=[False, True]).head(n)
    worst = moved[moved["gain"] < 0].sort_values(["gain", "area_code"], ascending=[True, True]).head(n)
    return best.reset_index(drop=True), worst.reset_index(drop=True)


def red(children: pd.DataFrame, parent_value: float | None, kpi: Kpi, worse_by: float) -> set[str]:
    """Areas at least `worse_by` points behind their parent's figure on the KPI (the exceptions rule)."""
    if kpi.higher_is_better is None or parent_value is None or pd.isna(parent_value):
        return set()
    gap = children["value"] - parent_value if kpi.higher_is_better else parent_value - children["value"]
    return set(children.loc[gap <= -worse_by, "area_code"])


def red_turns(now: pd.DataFrame, now_parent: float | None, before: pd.DataFrame, before_parent: float | None,
              kpi: Kpi, worse_by: float) -> tuple[set[str], set[str]]:
    """(became red, left red) between the two weeks."""
    red_now, red_before = red(now, now_parent, kpi, worse_by), red(before, before_parent, kpi, worse_by)
    return red_now - red_before, red_before - red_now


def new_late(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Late or at-risk projects this week that were neither a week (or snapshot) earlier."""
    return now[~now["project_id"].isin(before["project_id"])].reset_index(drop=True)
