"""CEBRS (urgent relief) figures for the CEBRS page: pure functions on small frames.

Money arrives in whole baht and leaves in million baht (`_mb`) except the budget-vs-need ratio, which
is in baht per household. A ratio with a zero or missing denominator is NaN ("no data"), never 0 or
inf; an empty frame (a quarter with no data) gives NaN figures and empty tables, never an exception.

Budget vs need (`budget_vs_need`)
---------------------------------
For each area: money = CEBRS approved (rollup_cebrs.approved_baht) + PADME budget
(rollup_padme.budget_baht) of the same fiscal year and quarter; need = ThaiQM target households
(rollup_thaiqm.n_target); `baht_per_household` = money / need. A source with no rows for the area
counts as 0 baht as long as the other money source has a row there; with neither, money is NaN. No
target households (0 or missing) gives NaN, not inf.

An area is **flagged** ("need high, money low") when, among its peers (the areas compared on the
same screen that have a value):
  - its need is above the peers' median of target households (strictly), AND
  - its baht per household is in the bottom quartile of the peers (at or below the 25th percentile).
Areas with no data are never flagged and do not count as peers.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .kpis import BAHT_PER_MB, ratio_pct

CATEGORIES = ("drought", "flood", "roads", "agriculture", "health", "housing", "other")
STATUSES = ("approved", "in_progress", "done")
NEED_QUANTILE = 0.5    # need above the peers' median …
MONEY_QUANTILE = 0.25  # … and money per household in the peers' bottom quartile
_SUMS = ("n_projects", "approved_baht", "disbursed_baht", "beneficiary_households", "beneficiary_people",
         "n_done")


def _nan(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def headline(totals: pd.DataFrame) -> dict[str, float]:
    """The area's headline from its one-row rollup total: approved_mb, disbursed_mb, disbursed_pct,
    n_projects, beneficiary_households, beneficiary_people, n_done. All NaN for no row (no data)."""
    row = totals.iloc[0] if len(totals) else pd.Series(dtype="float64")
    approved, disbursed = _nan(row.get("approved_baht")), _nan(row.get("disbursed_baht"))
    return {
        "approved_mb": approved / BAHT_PER_MB,
        "disbursed_mb": disbursed / BAHT_PER_MB,
        "disbursed_pct": float(ratio_pct([disbursed], [approved]).iloc[0]),
        **{k: _nan(row.get(k)) for k in ("n_projects", "beneficiary_households", "beneficiary_people", "n_done")},
    }


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """approved_mb, disbursed_mb and disbursed_pct (NaN where nothing was approved) added to a frame
    of summed rollup columns."""
    out = frame.copy()
    out["approved_mb"] = out["approved_baht"].astype("float64") / BAHT_PER_MB
    out["disbursed_mb"] = out["disbursed_baht"].astype("float64") / BAHT_PER_MB
    out["disbursed_pct"] = ratio_pct(out["disbursed_baht"], out["approved_baht"]).values
    return out


def by_category(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-category sums in the canonical category order (drought … other), with rates. Only the
    categories that have rows appear; an empty frame gives an empty frame with the same columns."""
    columns = ["category", *_SUMS]
    out = frame.reindex(columns=columns) if len(frame) else pd.DataFrame(columns=columns)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out = out.assign(_order=out["category"].map(order)).sort_values("_order").drop(columns="_order")
    return with_rates(out.reset_index(drop=True))


def status_at(projects: pd.DataFrame, end: dt.date) -> pd.Series:
    """Each project's status at `end`, from its dates: done (completed_on <= end), in_progress
    (disbursed_on <= end), approved (approved_on <= end), else None (not yet approved then)."""
    def _by(column):
        return projects[column].map(lambda d: d is not None and not pd.isna(d) and d <= end).astype(bool)

    status = np.select([_by("completed_on"), _by("disbursed_on"), _by("approved_on")],
                       ["done", "in_progress", "approved"], default="")
    return pd.Series(status, index=projects.index, dtype="object").replace("", None)


def status_counts(projects: pd.DataFrame, end: dt.date) -> dict[str, int]:
    """Projects approved by `end`, counted by their status at `end` (every status, 0 when none)."""
    counts = status_at(projects, end).value_counts() if len(projects) else pd.Series(dtype="int64")
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def days_to_disbursement(projects: pd.DataFrame, end: dt.date) -> dict[str, float]:
    """Median and 90th percentile of days from approved_on to disbursed_on, over the projects
    disbursed by `end` (n: how many). NaN figures when none was."""
    if len(projects):
        done = projects[projects["disbursed_on"].map(lambda d: d is not None and not pd.isna(d) and d <= end)]
        days = pd.Series([(b - a).days for a, b in zip(done["approved_on"], done["disbursed_on"])], dtype="float64")
    else:
        days = pd.Series(dtype="float64")
    if days.empty:
        return {"median": float("nan"), "p90": float("nan"), "n": 0}
    return {"median": float(days.median()), "p90": float(days.quantile(0.9)), "n": int(len(days))}


def as_of_quarter_end(projects: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """The projects approved by `end`, with status, disbursed amount and date as they stood then
    (a disbursement after `end` shows as not yet disbursed), newest approval first."""
    if projects.empty:
        return projects.assign(status=pd.Series(dtype="object"))
    status = status_at(projects, end)
    out = projects[status.notna()].copy()
    out["status"] = status[status.notna()]
    paid = out["disbursed_on"].map(lambda d: d is not None and not pd.isna(d) and d <= end).astype(bool)
    out["disbursed_baht"] = out["disbursed_baht"].where(paid, 0)
    out["disbursed_on"] = out["disbursed_on"].where(paid, None)
    out["completed_on"] = out["completed_on"].where(out["status"] == "done", None)
    return out.sort_values(["approved_on", "project_id"], ascending=[False, True]).reset_index(drop=True)


def money_per_household(cebrs_approved_baht, padme_budget_baht, n_target) -> pd.Series:
    """(CEBRS approved + PADME budget) / target households, in baht per household (see module doc)."""
    cebrs = pd.Series(cebrs_approved_baht, dtype="float64")
    padme = pd.Series(padme_budget_baht, dtype="float64")
    need = pd.Series(n_target, dtype="float64")
    money = cebrs.fillna(0) + padme.fillna(0)
    money = money.where(cebrs.notna() | padme.notna())
    return (money / need.where(need > 0)).astype("float64")


def budget_vs_need(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds money_baht, baht_per_household, need_high, money_low and flagged to a frame with
    area_code, cebrs_approved_baht, padme_budget_baht, n_target (one row per peer area)."""
    out = frame.copy()
    for column in ("cebrs_approved_baht", "padme_budget_baht", "n_target"):
        if column not in out:
            out[column] = np.nan
    cebrs = out["cebrs_approved_baht"].astype("float64")
    padme = out["padme_budget_baht"].astype("float64")
    out["money_baht"] = (cebrs.fillna(0) + padme.fillna(0)).where(cebrs.notna() | padme.notna())
    out["baht_per_household"] = money_per_household(cebrs, padme, out["n_target"]).values
    peers = out["baht_per_household"].notna()
    need = out["n_target"].astype("float64")
    if peers.any():
        need_line = need[peers].quantile(NEED_QUANTILE)
        money_line = out.loc[peers, "baht_per_household"].quantile(MONEY_QUANTILE)
        out["need_high"] = peers & (need > need_line)
        out["money_low"] = peers & (out["baht_per_household"] <= money_line)
    else:
        out["need_high"] = False
        out["money_low"] = False
    out["need_high"] = out["need_high"].astype(bool)
    out["money_low"] = out["money_low"].astype(bool)
    out["flagged"] = out["need_high"] & out["money_low"]
    return out


def flagged(frame: pd.DataFrame) -> pd.DataFrame:
    """The flagged areas of a `budget_vs_need` frame, lowest money per household first."""
    return frame[frame["flagged"]].sort_values(["baht_per_household", "area_code"]).reset_index(drop=True)
