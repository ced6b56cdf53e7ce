"""The overview's reads: the catalogue (versions, periods, the area index), each source's KPI frame,
and the compositions pages share (an area's totals, its child areas ranked, its rank among its peers)."""
from __future__ import annotations

import pandas as pd

from data_access import accounts, audit, clock, compliance as reporting, queries, sessions
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics import compliance, kpis, sdg
from metrics.fiscal import Comparison, FiscalQuarter, comparison

from ._cache import ALL, catalogue, engine, loader


def status_now(url: str) -> pd.DataFrame:
    """Each source's version, last update and data-through date, read fresh: four tiny rows."""
    return queries.data_status(engine(url))


def versions(url: str) -> dict[str, int]:
    """Four integers, read on every run: the cheap question 'has anything changed?'."""
    status = status_now(url)
    return dict(zip(status["source"], status["version"]))


@catalogue(reads=ALL, max_entries=64)
def data_status(e) -> pd.DataFrame:
    return queries.data_status(e)


@catalogue(reads=ALL)
def dataset_meta(e) -> dict[str, str]:
    return queries.dataset_meta(e)


@catalogue(reads=ALL)
def periods(e) -> list[FiscalQuarter]:
    return queries.periods(e)


@catalogue(reads=(), ttl="24h", max_entries=8)
def _area_index(e) -> pd.DataFrame:
    return queries.area_index(e)


def area_index(url: str) -> pd.DataFrame:
    """Names and parents of every district, province and region (reference data, no version)."""
    return _area_index(url, ())


@loader(reads=lambda source, *_, **__: (source,), max_entries=512)
def _kpi_frame(read: ScopedReader, source: str, area: Area, period: FiscalQuarter, by: str,
               through=None) -> pd.DataFrame:
    return queries.kpi_frame(read, source, area, period, by, through)


def kpi_frame(ctx, source: str, area: Area, period: FiscalQuarter, by: str, through=None) -> pd.DataFrame:
    """One row per `by` area with the source's rollup sums and KPI columns (with `through`: the
    quarter cut at that day, the base of a running quarter's comparison).

    The reporting KPI (pseudo-source kpis.REPORTING, keyed by the PADME, ThaiQM and CEBRS versions) is
    judged on a day, today unless `through` names another: the day is in the cache key, so a report
    due yesterday counts as missing from midnight without any write."""
    if source == kpis.REPORTING and through is None:
        through = clock.today()
    return _kpi_frame(ctx, source, area, period, by, through)


def compared(ctx, source: str, period: FiscalQuarter) -> Comparison:
    """What the source's figures of `period` are compared with: metrics.fiscal.comparison on the
    source's own data-through date (each source is cut at its own newest day). The reporting KPI's
    period is the quarter judged today, compared with the same quarter a year before judged on the same
    day a year before (metrics.compliance.comparison)."""
    if source == kpis.REPORTING:
        today = clock.today()
        return compliance.comparison(reporting.judged_quarter(period, today), today)
    status = data_status(ctx.url, ctx.versions).set_index("source")["data_through"]
    through = status.get(source)
    return comparison(period, None if through is None or pd.isna(through) else pd.Timestamp(through).date())


def base_frame(ctx, source: str, area: Area, period: FiscalQuarter, by: str) -> pd.DataFrame:
    """The source's KPI frame for the comparison's base: the same quarter a year before, to the same
    day while `period` is running."""
    cmp = compared(ctx, source, period)
    return kpi_frame(ctx, source, area, cmp.base, by, through=cmp.base_through)


def child_names(index: pd.DataFrame, area: Area) -> pd.DataFrame:
    """area_code, name_th, name_en of the areas one level below `area` (provinces or districts), as
    shown: a district's display names (data_access.areas.district_names)."""
    if area.child_level == "province":
        rows = index if area.level == "nation" else index[index.region4 == area.code]
        rows = rows.drop_duplicates("prov_code")
        return pd.DataFrame({"area_code": rows.prov_code, "name_th": rows.prov_name_th,
                             "name_en": rows.prov_name_en}).reset_index(drop=True)
    rows = index[index.prov_code == (area.code[:2])]
    return pd.DataFrame({"area_code": rows.dist_code, "name_th": rows.display_th,
                         "name_en": rows.display_en}).reset_index(drop=True)


def children(ctx, kpi: kpis.Kpi, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """Every area one level below `area`, named, with the KPI now (and its `details`) and its change,
    ranked."""
    by = area.child_level
    now = kpi_frame(ctx, kpi.source, area, period, by)
    before = base_frame(ctx, kpi.source, area, period, by)
    frame = (child_names(area_index(ctx.url), area)
             .merge(now[["area_code", kpi.column, *kpi.details]], on="area_code", how="left")
             .merge(before[["area_code", kpi.column]].rename(columns={kpi.column: "previous"}),
                    on="area_code", how="left"))
    frame["change"] = frame[kpi.column] - frame["previous"]
    return kpis.ranked(frame, kpi)


def totals(ctx, source: str, area: Area, period: FiscalQuarter) -> dict:
    """The area's KPI row for the period (empty dict when the source has no data there)."""
    frame = kpi_frame(ctx, source, area, period, "total")
    return frame.iloc[0].to_dict() if len(frame) else {}


def base_totals(ctx, source: str, area: Area, period: FiscalQuarter) -> dict:
    """The area's KPI row for the comparison's base of `period` (see base_frame; {} where none)."""
    frame = base_frame(ctx, source, area, period, "total")
    return frame.iloc[0].to_dict() if len(frame) else {}


@loader(reads=("thaiqm", "cebrs"))
def subdistricts(read: ScopedReader, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    return queries.subdistrict_figures(read, dist_code, period)


def peer_rank(ctx, kpi: kpis.Kpi, area: Area, parent: Area, period: FiscalQuarter) -> tuple[int | None, int]:
    """(rank of `area` among the children of `parent` on the KPI, number of peers with data)."""
    frame = children(ctx, kpi, parent, period)
    row = frame[frame.area_code == area.code]
    rank = None if row.empty or pd.isna(row["rank"].iloc[0]) else int(row["rank"].iloc[0])
    return rank, int(frame[kpi.column].notna().sum())


@catalogue(reads=("sdg",))
def sdg_years(e) -> list[int]:
    return queries.sdg_years(e)


@loader(reads=("sdg",))
def _goal_ratings(read: ScopedReader, area: Area, year: int, by: str) -> pd.DataFrame:
    values = queries.sdg_values(read, area, year, by).merge(queries.sdg_indicator_targets(read), on="indicator_code")
    parts = [sdg.goal_ratings(g).assign(area_code=code) for code, g in values.groupby("area_code")]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["goal", "score", "rating", "area_code"])


def sdg_ratings(ctx, area: Area, period: FiscalQuarter, by: str) -> tuple[int | None, pd.DataFrame]:
    """(year, ratings) for the latest SDG year up to the period's fiscal year: area_code, goal, score."""
    years = [y for y in sdg_years(ctx.url, ctx.versions) if y <= period.year]
    if not years:
        return None, pd.DataFrame(columns=["area_code", "goal", "score", "rating"])
    return years[-1], _goal_ratings(ctx, area, years[-1], by)


def account_listing(ctx) -> pd.DataFrame:
    """Accounts, never their hashes; admins only (not cached: it changes as people sign in)."""
    return accounts.listing(ScopedReader(engine(ctx.url), ctx.viewer))


def live_sessions(ctx) -> pd.DataFrame:
    """Signed-in sessions still live, never their tokens; admins only (not cached: they move every minute)."""
    return sessions.live(ScopedReader(engine(ctx.url), ctx.viewer))


def audit_log(ctx, limit: int = 500) -> pd.DataFrame:
    return audit.recent(ScopedReader(engine(ctx.url), ctx.viewer), limit)
