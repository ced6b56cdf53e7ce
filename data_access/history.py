"""Weeks of history for the weekly review of a freshly seeded demo, so its first meeting has a past.

The weekly review compares today's figures with the snapshot of an earlier week (data_access.snapshots),
and snapshots are only taken from the first view of a week on: a new install would show nothing to
compare with for a week. So the demo seed stores the `WEEKS` weeks before its as-of date's week (the
as-of week itself is taken by the app on its first view, as every week is).

Each past week holds **the figures as the data stood when that week began** (every event dated up to
the Sunday before its Monday), computed from the dated rows the seed wrote — nothing is invented:

- CEBRS: projects approved by that day (`approved_on`), money paid by then (`disbursed_on`);
- ThaiQM: the survey's target households, helped or self-resolved by then (`resolved_on`);
- PADME: each project's latest report received by then (`reported_at`, quarters up to that day's),
  the figures a late report carried forward, and the target due pro rata on that day;
- the late and at-risk projects by those same reports;
- the reports filed on time (the pseudo-source "reporting"): the quarter judged that day, each
  district's reports as they stood at the day's end, judged on that day (data_access.compliance).

These are the rollup's sums (data_access.rollups) with that day in place of the quarter's end, for the
quarter that day falls in, summed to region, province and nation and turned into the `KPIS` by
metrics.kpis — so a week taken on the as-of date gives exactly what `snapshots.take` stores (a test
holds the two together). A demo's figures grow through the quarter as reports, payments and
resolutions arrive, so the weeks move a little each, some areas cross the exceptions rule and
projects turn late. A quarter change between two weeks is what a real snapshot would hold too.

The meeting's notes of the two latest past weeks are demo text in Thai, marked "[ข้อมูลตัวอย่าง]" and
written by the demo's staff viewer (staff take the minutes): for the nation, naming the provinces lowest
that week; for the provinces with the most districts behind them on PADME disbursement, naming those
districts (some of which have caught up since: the review's "left red"). Only a database whose origin
is "demo" gets any of this (`fill` refuses any other); imported data never gets snapshots it did not
live through. The rules are in docs/DATA_CONTRACT.md, "Demo history".
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import (BigInteger, Connection, Date, DateTime, Engine, Integer, and_, case, cast, delete, func,
                        insert, literal, select, union_all)

from metrics import compliance as reporting, kpis
from metrics.fiscal import FiscalQuarter, elapsed_share, fiscal_quarter_of, week_start

from . import compliance, queries, schema as s
from .scope import NATION
from .snapshots import LEVELS

WEEKS = 8
NOTED_WEEKS = 2        # the latest past weeks that carry meeting notes
NOTED_PROVINCES = 5    # per noted week: the provinces with the most districts behind on PADME
BEHIND = 10.0          # points behind the province: the exceptions rule's default for PADME disbursement
AUTHOR = "demo-staff"  # the demo chooser's staff viewer (ui/auth.py names demo viewers demo-<role>)
LATE = ("late", "at_risk")
BANGKOK_OFFSET = dt.timedelta(hours=7)
SEED = 2570
_SUMS = {
    "padme": ("n_projects", "budget_baht", "budget_capital_baht", "disb_actual_baht", "disb_capital_baht",
              "committed_baht", "n_late", "n_at_risk"),
    "cebrs": ("n_projects", "approved_baht", "disbursed_baht"),
    "thaiqm": ("n_surveyed", "n_target", "n_helped", "n_self_resolved"),
}
Progress = Callable[[float, str], None]


def past_weeks(as_of: dt.date, n: int = WEEKS) -> list[dt.date]:
    """The Mondays of the `n` weeks before `as_of`'s week, oldest first."""
    this_week = week_start(as_of)
    return [this_week - dt.timedelta(weeks=k) for k in range(n, 0, -1)]


def _sum(value):
    return cast(func.coalesce(func.sum(value), 0), BigInteger)


def _sum_if(condition, value=1):
    return _sum(case((condition, value), else_=0))


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    result = conn.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


# --- each source's sums per district on given days: the rollup's, cut at each day ------------------
def _days(days: list[dt.date]):
    """A small table of the days: k (the day's position), its fiscal year and quarter, the day itself
    and the next midnight (PADME reports are time-stamped)."""
    rows = []
    for k, day in enumerate(days):
        fq = fiscal_quarter_of(day)
        rows.append(select(literal(k, Integer).label("k"), literal(fq.year, Integer).label("fiscal_year"),
                           literal(fq.quarter, Integer).label("quarter"), literal(day, Date).label("day"),
                           literal(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), DateTime)
                           .label("before")))
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("d")


def _padme(conn: Connection, d) -> tuple[pd.DataFrame, pd.DataFrame]:
    """District sums and the late and at-risk projects, by the reports received up to each day."""
    p, r, prior = s.padme_project, s.padme_report.alias("r"), s.padme_report.alias("prior")
    latest = (select(func.max(prior.c.quarter))
              .where(prior.c.project_id == p.c.project_id, prior.c.quarter <= d.c.quarter,
                     prior.c.reported_at < d.c.before)
              .correlate(p, d).scalar_subquery())
    joined = p.join(d, d.c.fiscal_year == p.c.fiscal_year).outerjoin(
        r, and_(r.c.project_id == p.c.project_id, r.c.quarter == latest))
    capital, actual = p.c.budget_type == "capital", func.coalesce(r.c.disb_actual_baht, 0)
    sums = _frame(conn, select(
        d.c.k, p.c.dist_code, _sum(1).label("n_projects"), _sum(p.c.budget_baht).label("budget_baht"),
        _sum_if(capital, p.c.budget_baht).label("budget_capital_baht"), _sum(actual).label("disb_actual_baht"),
        _sum_if(capital, actual).label("disb_capital_baht"),
        _sum(func.coalesce(r.c.committed_baht, 0)).label("committed_baht"),
        _sum_if(r.c.status == "late").label("n_late"), _sum_if(r.c.status == "at_risk").label("n_at_risk"),
    ).select_from(joined).group_by(d.c.k, p.c.dist_code))
    late = _frame(conn, select(d.c.k, p.c.project_id, p.c.dist_code, r.c.status).select_from(joined)
                  .where(r.c.status.in_(LATE)).order_by(d.c.k, p.c.project_id))
    return sums, late


def _cebrs(conn: Connection, d) -> pd.DataFrame:
    c = s.cebrs_project
    paid = and_(c.c.disbursed_on.is_not(None), c.c.disbursed_on <= d.c.day)
    return _frame(conn, select(
        d.c.k, c.c.dist_code, _sum(1).label("n_projects"), _sum(c.c.approved_baht).label("approved_baht"),
        _sum_if(paid, c.c.disbursed_baht).label("disbursed_baht"),
    ).select_from(c.join(d, and_(d.c.fiscal_year == c.c.fiscal_year, c.c.approved_on <= d.c.day)))
        .group_by(d.c.k, c.c.dist_code))


def _thaiqm(conn: Connection, days: list[dt.date]) -> pd.DataFrame:
    """One pass over the households of the days' survey years, a pair of conditional sums per day
    (a join with the days would read the largest table once per day)."""
    h = s.thaiqm_household
    years = sorted({fiscal_quarter_of(day).year for day in days})
    by_day = []
    for k, day in enumerate(days):
        by_then = and_(h.c.resolved_on.is_not(None), h.c.resolved_on <= day)
        by_day += [_sum_if(and_(h.c.status == "helped", by_then)).label(f"n_helped_{k}"),
                   _sum_if(and_(h.c.status == "self_resolved", by_then)).label(f"n_self_resolved_{k}")]
    wide = _frame(conn, select(
        h.c.survey_year, h.c.dist_code, _sum(1).label("n_surveyed"),
        _sum_if(h.c.status != "surveyed").label("n_target"), *by_day,
    ).where(h.c.survey_year.in_(years)).group_by(h.c.survey_year, h.c.dist_code))
    parts = [wide.loc[wide.survey_year == fiscal_quarter_of(day).year,
                      ["dist_code", "n_surveyed", "n_target", f"n_helped_{k}", f"n_self_resolved_{k}"]]
             .rename(columns={f"n_helped_{k}": "n_helped", f"n_self_resolved_{k}": "n_self_resolved"}).assign(k=k)
             for k, day in enumerate(days)]
    return pd.concat(parts, ignore_index=True)


class _InTransaction:
    """Reads the statements data_access.compliance builds on the history's own connection, for the whole
    country (a demo seed's job, as snapshots.take reads as EVERYONE), inside the transaction that writes
    the weeks."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def frame(self, stmt, _area, _scope, _by: str = "rows") -> pd.DataFrame:
        return _frame(self._conn, stmt)


def _reporting(conn: Connection, days: list[dt.date]) -> list[pd.DataFrame]:
    """For each day: level, area_code and the reporting KPI's columns (metrics.compliance.by_area) of
    the quarter judged that day, the filings as they stood at its end. Each quarter's facts are read once."""
    facts: dict[FiscalQuarter, pd.DataFrame] = {}
    out = []
    for day in days:
        quarter = compliance.judged_quarter(fiscal_quarter_of(day), day)
        if quarter not in facts:
            facts[quarter] = compliance.districts(_InTransaction(conn), NATION, quarter)
        classified = compliance.judge(facts[quarter], quarter, day)
        out.append(pd.concat([reporting.by_area(classified, by).assign(level=level) for level, by in LEVELS],
                             ignore_index=True))
    return out


def _target_due(targets: dict, period: FiscalQuarter, day: dt.date) -> float | None:
    """The national overall target due on `day` (as queries.padme_target_due on data through `day`)."""
    if (period.year, period.quarter) not in targets:
        return None
    previous = targets.get((period.year, period.quarter - 1), 0.0) if period.quarter > 1 else 0.0
    return kpis.target_due(previous, targets[(period.year, period.quarter)], elapsed_share(period, day))


def _areas(conn: Connection) -> pd.DataFrame:
    d, p = s.district, s.province
    return _frame(conn, select(d.c.dist_code, d.c.prov_code, p.c.region4)
                  .join(p, p.c.prov_code == d.c.prov_code))


def _levels(sums: pd.DataFrame, areas: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """k, level, area_code and the summed columns for the nation, the regions, provinces and districts."""
    cols = list(columns)
    merged = sums.merge(areas, on="dist_code")
    merged[cols] = merged[cols].astype("int64")
    nation = merged.groupby("k", as_index=False)[cols].sum().assign(level="nation", area_code="TH")
    parts = [nation] + [merged.groupby(["k", key], as_index=False)[cols].sum()
                        .rename(columns={key: "area_code"}).assign(level=level)
                        for level, key in (("region", "region4"), ("province", "prov_code"),
                                           ("district", "dist_code"))]
    return pd.concat(parts, ignore_index=True)


def figures(conn: Connection, days: list[dt.date]) -> list[tuple[FiscalQuarter, pd.DataFrame, pd.DataFrame]]:
    """For each day, (quarter, KPI values, late projects) as the data stood at the end of that day,
    for the quarter the day falls in: area_code, level, kpi, value of every KPI of every area with
    data (what snapshots.take stores), and project_id, dist_code, status of the late and at-risk
    PADME projects."""
    if not days:
        return []
    d = _days(days)
    areas = _areas(conn)
    fq = s.fiscal_quarter
    targets = {(y, q): v for y, q, v in
               conn.execute(select(fq.c.fiscal_year, fq.c.quarter, fq.c.target_overall_pct))}
    padme_sums, late = _padme(conn, d)
    found = {"padme": padme_sums, "cebrs": _cebrs(conn, d), "thaiqm": _thaiqm(conn, days)}
    measured = {source: _levels(sums, areas, _SUMS[source]) for source, sums in found.items()}
    judged = _reporting(conn, days)
    out = []
    for k, day in enumerate(days):
        period = fiscal_quarter_of(day)
        parts = []
        frames = {}
        for source, frame in measured.items():
            frame = frame[frame.k == k]
            if len(frame):
                frames[source] = (kpis.padme(frame, _target_due(targets, period, day)) if source == "padme" else
                                  kpis.cebrs(frame) if source == "cebrs" else kpis.thaiqm(frame))
        if frames and len(judged[k]):  # (no week before the data begins, as before reporting was measured)
            frames[kpis.REPORTING] = judged[k]
        for source, frame in frames.items():
            for kpi in (x for x in kpis.KPIS.values() if x.source == source):
                value = frame[kpi.column].astype("float64")
                parts.append(pd.DataFrame({"area_code": frame["area_code"].to_numpy(),
                                           "level": frame["level"].to_numpy(), "kpi": kpi.key,
                                           "value": value.to_numpy()}))
        values = (pd.concat(parts, ignore_index=True) if parts else
                  pd.DataFrame({"area_code": [], "level": [], "kpi": [], "value": []}))
        values["value"] = values["value"].astype(object).where(values["value"].notna(), None)
        out.append((period, values, late[late.k == k].drop(columns="k").reset_index(drop=True)))
    return out


def figures_on(conn: Connection, day: dt.date) -> tuple[FiscalQuarter, pd.DataFrame, pd.DataFrame]:
    """`figures` of one day."""
    return figures(conn, [day])[0]


def _records(frame: pd.DataFrame, **constant) -> list[dict]:
    names = [*frame.columns, *constant]
    columns = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(names, (*row, *constant.values()))) for row in zip(*columns)]


# --- the demo's weeks -------------------------------------------------------------------------------
def _utc(day: dt.date, at: dt.time) -> dt.datetime:
    """A Bangkok wall-clock moment as the database stores moments (naive UTC)."""
    return dt.datetime.combine(day, at) - BANGKOK_OFFSET


def fill(engine: Engine, as_of: dt.date, progress: Progress = lambda _f, _m: None) -> dict:
    """Store the `WEEKS` weeks before `as_of`'s week and the demo's meeting notes (demo data only)."""
    origin = queries.dataset_meta(engine).get("origin")
    if origin != "demo":
        raise ValueError(f"refusing to write weekly history: the database's origin is {origin!r}, not 'demo'")
    weeks = past_weeks(as_of)
    stored = []
    with engine.begin() as conn:
        names = _names(conn)
        for table in (s.kpi_snapshot, s.late_project_snapshot, s.kpi_note):
            conn.execute(delete(table).where(table.c.week_start.in_(weeks)))
        progress(0.95, "weekly history")
        for week, (period, values, late) in zip(weeks, figures(conn, [w - dt.timedelta(days=1) for w in weeks])):
            if values.empty:
                continue  # before the data begins
            conn.execute(insert(s.kpi_snapshot), _records(values, week_start=week, fiscal_year=period.year,
                                                          quarter=period.quarter, taken_at=_utc(week, dt.time())))
            if len(late):
                conn.execute(insert(s.late_project_snapshot), _records(late, week_start=week))
            stored.append((week, values))
        notes = [n for week, values in stored[-NOTED_WEEKS:] for n in _notes(week, values, names)]
        if notes:
            conn.execute(insert(s.kpi_note), notes)
    return {"weeks": [w for w, _ in stored], "notes": len(notes)}


# Demo minutes: clearly marked, naming the areas that lagged that week ({areas}).
DEMO = "[ข้อมูลตัวอย่าง]"
NATION_NOTES = {
    "padme_disbursed_pct": ("ที่ประชุมมอบหมายให้ติดตามการเบิกจ่ายของ{areas} ซึ่งต่ำที่สุดในประเทศ "
                            "และรายงานแผนเร่งรัดในการประชุมครั้งถัดไป"),
    "cebrs_disbursed_pct": "ให้{areas} ชี้แจงโครงการช่วยเหลือผู้ประสบภัยที่อนุมัติแล้วแต่ยังไม่เบิกจ่าย",
    "thaiqm_helped_pct": "ขอให้{areas} เร่งช่วยเหลือครัวเรือนเป้าหมายตามแผนพุ่งเป้า และประสานหน่วยงานในพื้นที่",
}
PROVINCE_NOTES = (
    "ให้{areas} เร่งรัดการเบิกจ่ายโครงการที่ล่าช้า และรายงานปัญหาอุปสรรคภายในวันศุกร์",
    "มอบหมาย{areas} ติดตามผู้รับจ้างและเร่งส่งมอบงานตามสัญญา",
    "ที่ประชุมรับทราบ ขอให้{areas} ทบทวนแผนการใช้จ่ายงบประมาณให้ทันไตรมาสนี้",
)


def _names(conn: Connection) -> dict[str, str]:
    """Thai names as minutes write them: "จังหวัดขอนแก่น" (Bangkok as it is), "อำเภอเมืองขอนแก่น"."""
    p, d = s.province, s.district
    out = {code: name if code == "10" else f"จังหวัด{name}"
           for code, name in conn.execute(select(p.c.prov_code, p.c.name_th))}
    out.update((code, f"{kind}{name}")
               for code, kind, name in conn.execute(select(d.c.dist_code, d.c.type_th, d.c.name_th)))
    return out


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{' '.join(names[:-1])} และ{names[-1]}"


def _kpi(values: pd.DataFrame, key: str, level: str, prefix: str = "") -> pd.Series:
    """The KPI's figures that week for the areas of `level` (codes starting with `prefix`), by code."""
    rows = values[(values.kpi == key) & (values.level == level) & values.area_code.str.startswith(prefix)]
    return rows.set_index("area_code")["value"].dropna().astype("float64").sort_index()


def _notes(week: dt.date, values: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """That week's demo minutes: for the nation, the three provinces lowest on each headline rate; for
    the provinces with the most districts `BEHIND` points or more behind them on PADME disbursement
    (the exceptions rule's default), those districts."""
    rng = np.random.default_rng([SEED, week.toordinal()])  # the same week, the same minutes
    written = _utc(week, dt.time(10, 30))  # the meeting, Monday morning in Bangkok
    out = []

    def note(area_code: str, key: str, text: str, codes: list[str]) -> None:
        if codes:
            shown = _listed([names.get(c, c) for c in codes])
            out.append({"week_start": week, "area_code": area_code, "kpi": key, "author": AUTHOR,
                        "note": f"{DEMO} {text.format(areas=shown)}", "written_at": written})

    for key, text in NATION_NOTES.items():
        provinces = _kpi(values, key, "province")
        note("TH", key, text, list(provinces.sort_values(kind="stable").index[:3]))
    key = "padme_disbursed_pct"
    behind = {}
    for prov, figure in _kpi(values, key, "province").items():
        districts = _kpi(values, key, "district", prov)
        behind[prov] = list(districts[districts <= figure - BEHIND].sort_values(kind="stable").index)
    noted = sorted((p for p in behind if behind[p]), key=lambda p: (-len(behind[p]), p))[:NOTED_PROVINCES]
    for prov in noted:
        note(prov, key, PROVINCE_NOTES[int(rng.integers(len(PROVINCE_NOTES)))], behind[prov][:3])
    return out
