"""Blocks of the data health page: per source what it holds and how fresh it is, then the imports.

Every figure comes through data_access.health (country-level roles only) via ui.loaders.health; the
staleness rule is metrics.freshness against `[health] stale_after_hours` in .streamlit/warroom.toml.
File names, user names and reports are data: they go into tables and code blocks, never markdown.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import clock, routing
from data_access.health import HELD
from metrics.fiscal import thai_date, thai_time
from metrics.freshness import NEVER, STALE, Freshness, freshness

from . import config, fmt
from . import loaders
from .i18n import t
from .shell import Context

SOURCES = tuple(HELD)
SHORT = {"padme": "PADME", "cebrs": "CEBRS", "thaiqm": "ThaiQM", "sdg": "SDG"}
BADGE_COLOUR = {"fresh": "green", "stale": "orange", "never": "gray"}


def duration(hours: float, lang: str) -> str:
    """Hours up to two days, days beyond: "80 hours", "365 days"."""
    return t("health_hours", lang).format(n=hours) if hours < 48 else t("health_days", lang).format(n=hours / 24)


def _moment(value, lang: str) -> str:
    return fmt.DASH if value is None or pd.isna(value) else thai_time(pd.Timestamp(value).to_pydatetime(), lang)


def _day(value, lang: str) -> str:
    return fmt.DASH if value is None or pd.isna(value) else thai_date(pd.Timestamp(value).date(), lang)


def freshness_by_source(status: pd.DataFrame, now: dt.datetime) -> dict[str, Freshness]:
    rows = status.set_index("source")
    result = {}
    for source in SOURCES:
        known = source in rows.index
        updated = rows.at[source, "updated_at"] if known else None
        updated = None if updated is None or pd.isna(updated) else pd.Timestamp(updated).to_pydatetime()
        version = int(rows.at[source, "version"]) if known else 0
        result[source] = freshness(updated, version, now, config.stale_after_hours(source))
    return result


def stale_warnings(ctx: Context, states: dict[str, Freshness]) -> None:
    """One warning per stale or never-loaded source, above everything else."""
    lang, calm = ctx.lang, True
    for source, state in states.items():
        if state.state == STALE:
            st.warning(t("health_stale_warning", lang).format(
                source=SHORT[source], age=duration(state.age_hours, lang),
                limit=duration(config.stale_after_hours(source), lang)))
        elif state.state == NEVER:
            st.warning(t("health_never_warning", lang).format(source=SHORT[source]))
        else:
            continue
        calm = False
    if calm:
        st.success(t("health_all_fresh", lang))


def cards(ctx: Context, status: pd.DataFrame, states: dict[str, Freshness]) -> None:
    """A bordered card per source: its freshness, the rows it holds, its data date and last write."""
    lang, rows = ctx.lang, status.set_index("source")
    for column, source in zip(st.columns(len(SOURCES)), SOURCES):
        counts = loaders.health.rows_held(ctx, source)
        with column.container(border=True):
            st.subheader(SHORT[source])
            state = states[source].state
            st.badge(t(f"health_state_{state}", lang), color=BADGE_COLOUR[state])
            for what, n in counts.items():
                st.metric(t(f"health_rows_{what}", lang), fmt.count(n, lang=lang))
            known = source in rows.index
            st.caption(f"{t('health_data_through', lang)} {_day(rows.at[source, 'data_through'] if known else None, lang)}"
                       f" · {t('health_updated', lang)} {_moment(rows.at[source, 'updated_at'] if known else None, lang)}")


def sources_table(ctx: Context, status: pd.DataFrame, states: dict[str, Freshness]) -> pd.DataFrame:
    """One row per source: version, dates, freshness and its last accepted import."""
    lang = ctx.lang
    rows = status.set_index("source")
    last = loaders.health.last_imports(ctx).set_index("source")
    records = []
    for source in SOURCES:
        known, imported = source in rows.index, source in last.index
        records.append({
            t("health_col_source", lang): SHORT[source],
            t("health_col_state", lang): t(f"health_state_{states[source].state}", lang),
            t("health_col_threshold", lang): duration(config.stale_after_hours(source), lang),
            t("health_col_version", lang): int(rows.at[source, "version"]) if known else 0,
            t("health_col_updated", lang): _moment(rows.at[source, "updated_at"] if known else None, lang),
            t("health_col_through", lang): _day(rows.at[source, "data_through"] if known else None, lang),
            t("health_col_last_import", lang): _moment(last.at[source, "finished_at"] if imported else None, lang),
            t("health_col_by", lang): last.at[source, "imported_by"] if imported else fmt.DASH,
            t("health_col_file", lang): last.at[source, "file_name"] if imported else fmt.DASH,
            t("health_col_rows", lang): fmt.count(last.at[source, "n_rows"] if imported else None, lang=lang),
        })
    return pd.DataFrame(records)


def _log_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("health_col_when", lang): [_moment(v, lang) for v in log["finished_at"]],
        t("health_col_source", lang): [SHORT.get(v, v) for v in log["source"]],
        t("health_col_file", lang): log["file_name"],
        t("health_col_by", lang): log["imported_by"],
        t("health_col_rows", lang): log["n_rows"].astype(int),
    })


def overview(ctx: Context) -> None:
    status = loaders.health.status(ctx)
    states = freshness_by_source(status, clock.utcnow())
    stale_warnings(ctx, states)
    standby(ctx)
    cards(ctx, status, states)
    with st.container(border=True):
        st.subheader(t("health_sources", ctx.lang))
        st.dataframe(sources_table(ctx, status, states), hide_index=True, width="stretch",
                     placeholder=t("no_data", ctx.lang))


def standby(ctx: Context) -> None:
    """One line on the read replica when one is configured (data_access/routing.py); nothing without."""
    found = routing.health(ctx.url)
    if found["state"] == "ok":
        st.caption(t("standby_ok", ctx.lang).format(lag=found["lag_seconds"]))
    elif found["state"] == "lagging":
        st.warning(t("standby_lagging", ctx.lang).format(lag=found["lag_seconds"], limit=found["max_lag_seconds"]))
    elif found["state"] == "down":
        st.warning(t("standby_down", ctx.lang))


def rejected(ctx: Context) -> None:
    """Refused files, newest first, each with its report as plain text."""
    lang = ctx.lang
    log = loaders.health.import_log(ctx, accepted=False)
    with st.container(border=True):
        st.subheader(t("health_rejected", lang))
        if log.empty:
            st.caption(t("health_rejected_none", lang))
            return
        st.dataframe(_log_table(log, lang), hide_index=True, width="stretch", placeholder=t("no_data", lang))
        for row in log.itertuples():
            with st.expander(f"{_moment(row.finished_at, lang)} · {fmt.literal(SHORT.get(row.source, row.source))} · "
                             f"{t('health_report', lang)} #{row.import_id}"):
                st.code(row.report, language=None)


def accepted(ctx: Context) -> None:
    lang = ctx.lang
    log = loaders.health.import_log(ctx, accepted=True)
    with st.container(border=True):
        st.subheader(t("health_accepted", lang))
        if log.empty:
            st.caption(t("health_accepted_none", lang))
        else:
            st.dataframe(_log_table(log, lang), hide_index=True, width="stretch", placeholder=t("no_data", lang))


# --- deliveries (e-mail and LINE) ----------------------------------------------------------------------
LATE_AFTER = dt.timedelta(minutes=30)  # a message waiting longer than this: is the delivery runner running?
WEEK = dt.timedelta(days=7)


def waited(age: dt.timedelta, lang: str) -> str:
    """How long a message has waited: minutes up to two hours, then hours and days (`duration`)."""
    minutes = max(0.0, age.total_seconds() / 60)
    return t("deliveries_minutes", lang).format(n=minutes) if minutes < 120 else duration(minutes / 60, lang)


def deliveries(ctx: Context) -> None:
    """What the delivery runner did in the last 7 days and what waits: sent (on demo data, messages kept
    here count as sent, and the label says so), waiting, failed, the oldest waiting one's age and the
    last error (as typed). A warning when any failed or one has waited more than LATE_AFTER."""
    lang, now = ctx.lang, clock.utcnow()
    counts = loaders.alerts.delivery_counts(ctx, now - WEEK)
    oldest = counts.get("oldest_pending")
    age = None if oldest is None or pd.isna(oldest) else now - pd.Timestamp(oldest).to_pydatetime()
    with st.container(border=True, key="health-deliveries"):
        st.subheader(t("deliveries_health", lang))
        if counts["failed"]:
            st.warning(t("deliveries_failed_warning", lang).format(n=fmt.count(counts["failed"], lang=lang)))
        if age is not None and age > LATE_AFTER:
            st.warning(t("deliveries_late_warning", lang).format(age=waited(age, lang)))
        sent = counts["sent"] + (counts["held"] if ctx.demo else 0)
        with st.grid(4, min_column_width=180, gap="small"):
            st.metric(t("deliveries_sent_7d_demo" if ctx.demo else "deliveries_sent_7d", lang), fmt.count(sent, lang=lang),
                      border=True)
            st.metric(t("deliveries_waiting", lang), fmt.count(counts["pending"], lang=lang), border=True)
            st.metric(t("deliveries_failed", lang), fmt.count(counts["failed"], lang=lang), border=True)
            st.metric(t("deliveries_oldest", lang),
                      t("deliveries_oldest_none", lang) if age is None else waited(age, lang), border=True)
        if counts.get("last_error"):
            st.caption(f"{t('deliveries_last_error', lang)}: {fmt.literal(counts['last_error'])}")
