"""The frame every page runs in: database check and first-run seeding, sidebar controls, banners.

`start()` returns the Context a page needs (language, fiscal quarter, viewer, database URL and data
versions) or stops the run with a clear banner when the database is down or empty; a page never sees a
stack trace from the data layer.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import db, seed
from data_access.scope import EVERYONE, Viewer
from data_access.settings import DatabaseSettings, demo_scale, resolve
from metrics.fiscal import FiscalQuarter

from . import data, urlstate
from .i18n import LANG_NAMES, LANGS, t

_SEED_LOCK = threading.Lock()  # one first-run seed per server process, whatever the number of sessions


@dataclass(frozen=True)
class Context:
    lang: str
    period: FiscalQuarter
    viewer: Viewer
    url: str
    versions: tuple[tuple[str, int], ...]
    demo: bool

    def version(self, source: str) -> int:
        return dict(self.versions)[source]


def _stop_with(kind: str, message: str, hint: str, detail: str | None = None) -> None:
    getattr(st, kind)(f"**{message}**  \n{hint}" + (f"  \n`{detail}`" if detail else ""))
    st.stop()


def _seed_embedded(settings: DatabaseSettings, lang: str) -> None:
    engine = data.engine(settings.url)
    with _SEED_LOCK:
        if db.has_source_data(engine) and db.schema_is_current(engine):
            return
        with st.status(t("seeding", lang), expanded=True) as status:
            bar = st.progress(0.0)
            seed.seed(engine, demo_scale(), progress=lambda f, m: bar.progress(min(1.0, f), text=m))
            status.update(label=t("seeding_done", lang), state="complete", expanded=False)


def language() -> str:
    """The viewer's language from the session or the URL, before any widget is drawn."""
    urlstate.seed("lang", LANGS, "th")
    return st.session_state["lang"]


def _language() -> str:
    language()
    with st.sidebar:
        st.segmented_control(t("language"), LANGS, format_func=LANG_NAMES.get, key="lang", required=True)
    return st.session_state["lang"]


def _period(url: str, versions: tuple, lang: str) -> FiscalQuarter | None:
    available = data.periods(url, versions)
    if not available:
        return None
    years = sorted({p.year for p in available}, reverse=True)
    urlstate.seed("fy", years, available[-1].year, int)
    with st.sidebar:
        year = st.selectbox(t("fiscal_year", lang), years, key="fy", help=t("period_help", lang))
        quarters = [p.quarter for p in available if p.year == year]
        urlstate.seed("q", quarters, quarters[-1], int)
        quarter = st.selectbox(t("quarter", lang), quarters, key="q",
                               format_func=lambda q: FiscalQuarter(year, q).label(lang))
    return FiscalQuarter(year, quarter)


def start() -> Context:
    lang = _language()
    settings = resolve()
    try:
        engine = data.engine(settings.url)
        if settings.is_embedded and not (db.has_source_data(engine) and db.schema_is_current(engine)):
            _seed_embedded(settings, lang)  # the demo store is rebuilt when this build's schema is newer
        elif not db.is_initialised(engine):
            _stop_with("warning", t("db_empty", lang), t("db_empty_hint", lang))
        elif not db.schema_is_current(engine):
            _stop_with("warning", t("db_outdated", lang), t("db_outdated_hint", lang))
        versions = tuple(sorted(data.versions(settings.url).items()))
        meta = data.dataset_meta(settings.url, versions)
        period = _period(settings.url, versions, lang)
    except SQLAlchemyError as exc:
        database_failure(exc, lang)
    if period is None:
        _stop_with("warning", t("db_no_data", lang), t("db_no_data_hint", lang))
    urlstate.publish(lang=lang, fy=period.year, q=period.quarter)
    demo = meta.get("origin") == "demo"
    if demo:
        st.info(t("demo_banner", lang))
    notice_invalid_url(lang)
    return Context(lang=lang, period=period, viewer=EVERYONE, url=settings.url, versions=versions, demo=demo)


def database_failure(exc: SQLAlchemyError, lang: str) -> None:
    """Stop the run with a banner naming the kind of failure, never the URL or a stack trace."""
    _stop_with("error", t("db_down", lang), t("db_down_hint", lang), f"{type(exc).__name__} ({resolve().source})")


def run_page(page, ctx: Context) -> None:
    """Run the chosen page; a database failure mid-page becomes the same banner as at start."""
    try:
        page.run()
    except SQLAlchemyError as exc:
        database_failure(exc, ctx.lang)
    footer(ctx.lang)


def notice_invalid_url(lang: str) -> None:
    """Say which URL values were not understood and were replaced by defaults."""
    if bad := urlstate.invalid():
        st.warning(t("url_invalid", lang) + " " + ", ".join(f"{k}={v!r}" for k, v in bad.items()))


def footer(lang: str) -> None:
    st.caption(t("attribution", lang))
