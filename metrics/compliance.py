"""The reporting calendar and the compliance KPI: did each district file its quarter's reports on time?

Every district reports PADME, ThaiQM and CEBRS itself, each quarter, by a due date: the quarter's end
plus a number of days (`[reporting]` of .streamlit/warroom.toml, data_access.settings.reporting_calendar),
unless the ministry set another date for that source and quarter. A filing is judged by its Bangkok
calendar date: a record stored at 23:30 on the due date in Thailand (16:30 UTC) is on time.
Pure functions: the rows come from the caller (one per district × source), nothing here reads a database.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd

from metrics.fiscal import Comparison, FiscalQuarter, bangkok_today, comparison_period
from metrics.kpis import ratio_pct

REPORTED_SOURCES = ("padme", "thaiqm", "cebrs")  # the sources areas report themselves (SDG is not one)

STATUSES = (
    "on_time",  # every expected record filed, the last of them on or before the due date (Bangkok date)
    "late",     # every expected record filed, the last of them after the due date
    "missing",  # not every expected record filed, and the due date has passed (today > due)
    "open",     # not every expected record filed, but the due date has not passed yet (today <= due)
    "none",     # nothing is expected of the district for this source (n_expected == 0)
)
# A group (a province, a source) takes the worst status of its rows, in this order.
SEVERITY = ("none", "on_time", "open", "late", "missing")  # least to most severe

CLASSIFIED_COLUMNS = ("due_on", "filed_on", "status", "days_late")


def override_key(source: str, quarter: FiscalQuarter) -> str:
    """The key of a due-date override: "padme:2570:Q1"."""
    return f"{source}:{quarter.year}:Q{quarter.quarter}"


def due_on(source: str, quarter: FiscalQuarter, days: int,
           overrides: Mapping[str, dt.date] | None = None) -> dt.date:
    """The day `source`'s reports for `quarter` are due: the quarter's last day plus `days`, or the
    override set for that source and quarter."""
    if source not in REPORTED_SOURCES:
        raise ValueError(f"unknown reported source {source!r}; expected one of {', '.join(REPORTED_SOURCES)}")
    override = (overrides or {}).get(override_key(source, quarter))
    return override if override is not None else quarter.end + dt.timedelta(days=int(days))


def due_dates(quarter: FiscalQuarter, days: Mapping[str, int],
              overrides: Mapping[str, dt.date] | None = None) -> dict[str, dt.date]:
    """due_on of every reported source for `quarter`: the `due` mapping classify takes."""
    return {source: due_on(source, quarter, days[source], overrides) for source in REPORTED_SOURCES}


def _bangkok_date(moment) -> dt.date | None:
    """The Thai calendar date of a stored moment (naive: UTC); None for no moment (None, NaT, NaN)."""
    if moment is None or pd.isna(moment):
        return None
    return bangkok_today(pd.Timestamp(moment).to_pydatetime())


def _status(n_expected: int, n_filed: int, filed_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    if n_expected <= 0:
        return "none"
    if n_filed >= n_expected:
        # Complete but with no filing time recorded: nothing shows it late, so it is not called late.
        return "late" if filed_on is not None and filed_on > due else "on_time"
    return "missing" if today > due else "open"


def classify(frame: pd.DataFrame, due: Mapping[str, dt.date], today: dt.date) -> pd.DataFrame:
    """Each district × source row's status against its source's due date, on `today` (a Bangkok date).

    `frame` has dist_code, source, n_expected, n_filed and filed_at (naive UTC: when the last expected
    record was first filed; None/NaT when it has not been). Adds due_on, filed_on (the Bangkok date of
    filed_at), status (one of STATUSES) and days_late (filed_on − due_on when late, today − due_on when
    missing, else 0). A source with no entry in `due` is an error, never silently "none".
    """
    out = frame.copy()
    unknown = sorted(set(out["source"]) - set(due))
    if unknown:
        raise ValueError(f"no due date for source(s) {', '.join(map(str, unknown))}")
    due_col = [due[source] for source in out["source"]]
    filed_col = [_bangkok_date(moment) for moment in out["filed_at"]]
    statuses = [_status(int(expected), int(filed), filed_on, due_day, today)
                for expected, filed, filed_on, due_day
                in zip(out["n_expected"], out["n_filed"], filed_col, due_col)]
    late_col = [(filed_on - due_day).days if status == "late"
                else (today - due_day).days if status == "missing" else 0
                for status, filed_on, due_day in zip(statuses, filed_col, due_col)]
    out["due_on"] = pd.Series(due_col, index=out.index, dtype="object")
    out["filed_on"] = pd.Series(filed_col, index=out.index, dtype="object")
    out["status"] = pd.Series(statuses, index=out.index, dtype="object")
    out["days_late"] = pd.Series(late_col, index=out.index, dtype="int64")
    return out


def worst_status(statuses) -> str:
    """The most severe of `statuses` (missing > late > open > on_time > none); "none" for no rows."""
    return max(statuses, key=SEVERITY.index, default="none")


def summarise(classified: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of each status per `by` (prov_code, dist_code, source ...), the on-time and filed shares
    of the reports due (NaN where none is due), and the group's worst status; sorted by `by`."""
    classified = classified.reset_index(drop=True)
    counts = (pd.get_dummies(classified["status"])
              .reindex(columns=list(STATUSES), fill_value=0)
              .astype("int64")
              .groupby(classified[by], sort=True).sum())
    worst = classified.groupby(by, sort=True)["status"].agg(worst_status)
    out = pd.DataFrame({by: counts.index})
    out["n_due"] = (counts["on_time"] + counts["late"] + counts["missing"] + counts["open"]).to_numpy()
    for status in ("on_time", "late", "missing", "open"):
        out[f"n_{status}"] = counts[status].to_numpy()
    out["on_time_pct"] = ratio_pct(out["n_on_time"], out["n_due"]).to_numpy()
    out["filed_pct"] = ratio_pct(out["n_on_time"] + out["n_late"], out["n_due"]).to_numpy()
    out["status"] = worst.reindex(counts.index).to_numpy(dtype="object")
    return out.sort_values(by, kind="stable").reset_index(drop=True)


def reporting_quarter(period: FiscalQuarter, today: dt.date,
                      due: Callable[[FiscalQuarter], dt.date]) -> FiscalQuarter:
    """The quarter whose reports the war room judges while `period` is in view: `period` once its
    reports were due (due(period) before today), else the quarter before it. On 6 Dec 2026 with the
    running Q1 2570 in view (due 15 Jan 2027) that is Q4 2569, due 15 Oct 2026."""
    return period if due(period) < today else period.previous()


# --- the KPI: reports filed on time, per area (metrics.kpis "report_on_time_pct") ----------------------
# The column that names each district's area at every level a KPI frame is read by (None: one row, "TH").
AREA_COLUMNS = {"total": None, "region": "region", "province": "prov_code", "district": "dist_code"}
# How badly an area is behind on its reports (metrics.kpis `flagged_by`): a report missing, or only late.
ALARM = {"missing": 2, "late": 1}
SUMMARY_COLUMNS = ("area_code", "n_due", "n_on_time", "n_late", "n_missing", "n_open", "on_time_pct",
                   "filed_pct", "status", "alarm")


def as_of(facts: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The facts (dist_code, source, n_expected, n_filed, filed_at) as they stood at the end of `day`
    (a Bangkok date): a district whose last expected record came in after that day had not filed
    completely then (filed_at None, n_filed at most n_expected − 1). Earlier filings stand as they are;
    a report not complete now was not complete then either."""
    out = facts.copy()
    after = pd.Series([filed is not None and filed > day for filed in map(_bangkok_date, out["filed_at"])],
                      index=out.index, dtype=bool)
    if after.any():
        out.loc[after, "filed_at"] = pd.NaT
        out.loc[after, "n_filed"] = (out.loc[after, "n_expected"] - 1).clip(lower=0)
    return out


def by_area(classified: pd.DataFrame, by: str) -> pd.DataFrame:
    """`summarise` for the areas of level `by` ("total", "region", "province" or "district";
    AREA_COLUMNS), one row per area with rows, as `area_code` ("TH" for "total"), with `alarm`
    (ALARM of the area's worst status, else 0). No rows: an empty frame of SUMMARY_COLUMNS."""
    column = AREA_COLUMNS[by]
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c in ("area_code", "status") else "float64")
                             for c in SUMMARY_COLUMNS})
    rows = classified.assign(area_code="TH" if column is None else classified[column].astype(str))
    out = summarise(rows, "area_code")
    out["alarm"] = out["status"].map(ALARM).fillna(0).astype("int64")
    return out[list(SUMMARY_COLUMNS)]


def comparison(quarter: FiscalQuarter, today: dt.date) -> Comparison:
    """The like-for-like base of the reporting KPI: `quarter`'s reports judged on `today`, against the
    same quarter of the year before judged on the same day a year before (a 29 February against the
    28th), so a year's late filings count alike on both sides."""
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return Comparison(quarter, comparison_period(quarter), today, today.replace(year=today.year - 1, day=day))


def not_reported(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(missing, late) of areas with `n_missing`, `n_late` and `on_time_pct` (one row each): those with
    a report missing, and those with none missing but some late, each the lowest share on time first
    (ties by area_code): the order of the KPI's exceptions (metrics.kpis.exceptions on `alarm`)."""
    missing = frame[frame["n_missing"].fillna(0) > 0].sort_values(["on_time_pct", "area_code"])
    late = frame[(frame["n_missing"].fillna(0) == 0) & (frame["n_late"].fillna(0) > 0)].sort_values(
        ["on_time_pct", "area_code"])
    return missing.reset_index(drop=True), late.reset_index(drop=True)
