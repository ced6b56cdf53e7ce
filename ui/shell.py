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

from . import data
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
        if db.is_seeded(engine):
            return
        with st.status(t("seeding", lang), expanded=True) as status:
            bar = st.progress(0.0)
            seed.seed(engine, demo_scale(), progress=lambda f, m: bar.progress(min(1.0, f), text=m))
            status.update(label=t("seeding_done", lang), state="complete", expanded=False)


def _language() -> str:
    with st.sidebar:
        choice = st.segmented_control(t("language"), LANGS, format_func=LANG_NAMES.get, default="th",
                                      key="lang", bind="query-params", required=True)
    return choice if choice in LANGS else "th"


def _period(ctx_url: str, versions: tuple, lang: str) -> FiscalQuarter | None:
    available = data.periods(ctx_url, versions)
    if not available:
        return None
    years = sorted({p.year for p in available}, reverse=True)
    with st.sidebar:
        year = st.selectbox(t("fiscal_year", lang), years, key="fy", bind="query-params",
                            help=t("period_help", lang))
        quarters = [p.quarter for p in available if p.year == year]
        quarter = st.selectbox(t("quarter", lang), quarters, index=len(quarters) - 1, key="q",
                               bind="query-params", format_func=lambda q: FiscalQuarter(year, q).label(lang))
    return FiscalQuarter(year, quarter if quarter in quarters else quarters[-1])


def start() -> Context:
    lang = _language()
    settings = resolve()
    try:
        if not db.is_seeded(data.engine(settings.url)):
            if not settings.is_embedded:
                _stop_with("warning", t("db_empty", lang), t("db_empty_hint", lang))
            _seed_embedded(settings, lang)
        versions = tuple(sorted(data.versions(settings.url).items()))
        meta = data.dataset_meta(settings.url, versions)
        period = _period(settings.url, versions, lang)
    except SQLAlchemyError as exc:
        _stop_with("error", t("db_down", lang), t("db_down_hint", lang),
                   f"{type(exc).__name__} ({settings.source})")
    if period is None:
        _stop_with("warning", t("db_empty", lang), t("db_empty_hint", lang))
    demo = meta.get("origin") == "demo"
    if demo:
        st.info(t("demo_banner", lang), icon="🧪")
    return Context(lang=lang, period=period, viewer=EVERYONE, url=settings.url, versions=versions, demo=demo)


def footer(lang: str) -> None:
    st.caption(t("attribution", lang))
