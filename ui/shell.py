"""The frame every page runs in: database check and first-run seeding, sidebar controls, banners.

`start()` returns the Context a page needs (language, fiscal quarter, viewer, database URL and data
versions) or stops the run with a clear banner when the database is down or empty; a page never sees a
stack trace from the data layer.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from data_access import DatabaseError

from data_access import audit, db, seed
from data_access.scope import NotPermitted, Viewer
from data_access.settings import PROJECT_ROOT, DatabaseSettings, demo_scale, resolve
from metrics.fiscal import FiscalQuarter

from . import auth, drill, fmt, kiosk, live, loaders, urlstate, weekly_data
from .i18n import LANG_NAMES, LANGS, t

_SEED_LOCK = threading.Lock()  # one first-run seed per server process, whatever the number of sessions


@dataclass(frozen=True)
class Context:
    lang: str
    period: FiscalQuarter | None  # None only on pages that run without data (see start)
    viewer: Viewer
    url: str
    versions: tuple[tuple[str, int], ...]
    demo: bool
    # The top bar (`top_bar`): a page puts its own controls there, beside the period and language.
    bar: Any = field(default=None, compare=False, repr=False)

    def version(self, source: str) -> int:
        return dict(self.versions)[source]


def _stop_with(kind: str, message: str, hint: str, detail: str | None = None) -> None:
    getattr(st, kind)(f"**{message}**  \n{hint}" + (f"  \n`{detail}`" if detail else ""))
    st.stop()


def _seed_embedded(settings: DatabaseSettings, lang: str) -> None:
    engine = loaders.engine(settings.url)
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


def top_bar():
    """The row at the top of every page with the controls a governor reaches for: the language, the
    fiscal year and quarter, the demo's button, then whatever the page adds (`ctx.bar`: the overview's
    map KPI and region). One tap each, no sidebar to open; it wraps onto a second line when narrow."""
    return st.container(horizontal=True, vertical_alignment="center", gap="small", key="topbar")


def _language(bar) -> str:
    chosen = language()
    with bar:  # the options name themselves in both languages: no label line
        st.segmented_control(t("language"), LANGS, format_func=LANG_NAMES.get, key="lang", required=True,
                             label_visibility="collapsed")
    # A control re-created in another page context can come back empty: keep the language then.
    value = st.session_state.get("lang")
    return value if value in LANGS else chosen


def _period(url: str, versions: tuple, lang: str, bar=None) -> FiscalQuarter | None:
    """The fiscal quarter in view; without a bar (the wall) the newest one."""
    available = loaders.periods(url, versions)
    if not available:
        return None
    if bar is None:
        return available[-1]  # the wall always shows the newest quarter
    years = sorted({p.year for p in available}, reverse=True)
    urlstate.seed("fy", years, available[-1].year, int)
    with bar:  # each value says what it is ("ปีงบประมาณ 2570", "ไตรมาส 1/2570"): no label line
        year = st.selectbox(t("fiscal_year", lang), years, key="fy", label_visibility="collapsed", width=190,
                            format_func=lambda y: t("fiscal_year_value", lang).format(year=y))
        quarters = [p.quarter for p in available if p.year == year]
        urlstate.seed("q", quarters, quarters[-1], int)
        quarter = st.selectbox(t("quarter", lang), quarters, key="q", label_visibility="collapsed", width=170,
                               format_func=lambda q: FiscalQuarter(year, q).label(lang))
    return FiscalQuarter(year, quarter)


def _demo_chip(bar, demo_data: bool, chooser: bool, index, lang: str):
    """Demo data and the demo's role chooser as one button in the top bar ("ข้อมูลสาธิต · ผู้ว่าราชการ
    จังหวัด นครราชสีมา"): the banner and the chooser open from it, so neither pushes the figures down.
    None when there is neither."""
    if not (demo_data or chooser):
        return None
    label = t("demo_chip", lang)
    if chooser:  # who the demo looks as: a role, and its province or district (a name: data, escaped)
        chosen = auth.demo_choice()
        label += f" · {t('role_' + chosen.role, lang)}"
        if chosen.home.level != "nation":
            label += f" {fmt.literal(drill.name(chosen.home, index, lang), breaks=False)}"
    with bar:
        chip = st.popover(label, icon=":material/science:", key="demo_chip")
    if demo_data:
        chip.info(t("demo_banner", lang))
    return chip


def start(needs_period: bool = True, wall: bool = False) -> Context:
    """The page's context; `needs_period=False` lets a page run before any source has data (the
    admin's import and health pages on a freshly initialised database), with `period` None. The wall
    (ui.kiosk) draws no sidebar: its language comes from the URL and its period is the newest."""
    bar = None if wall else top_bar()
    lang = language() if wall else _language(bar)
    settings = resolve()
    try:
        engine = loaders.engine(settings.url)
        store_fault(engine, lang)  # the SQLite file gone, replaced, damaged or locked stops here; read-only warns
        if settings.is_embedded and not (db.has_source_data(engine) and db.schema_is_current(engine)):
            _seed_embedded(settings, lang)  # the demo store is rebuilt when this build's schema is newer
        elif not db.is_initialised(engine) and db.stored_schema_version(engine) is None:
            _stop_with("warning", t("db_empty", lang), t("db_empty_hint", lang))
        elif (schema_state := db.schema_state(engine)) != "current":  # another build's schema (Alembic revision)
            if schema_state == "newer":  # a newer build upgraded it: this one reads and writes nothing
                _stop_with("error", t("mig_newer", lang), t("mig_newer_hint", lang),
                           f"this build: schema {db.schema.SCHEMA_VERSION}, revision {db.head_revision()}")
            _stop_with("warning", t("db_outdated", lang), t("db_outdated_hint", lang))
        versions = tuple(sorted(loaders.versions(settings.url).items()))
        meta = loaders.dataset_meta(settings.url, versions)
        period = _period(settings.url, versions, lang, bar)
    except DatabaseError as exc:
        database_failure(exc, lang)
    if period is None and needs_period:
        _stop_with("warning", t("db_no_data", lang), t("db_no_data_hint", lang))
    if period is not None and not wall:
        urlstate.publish(lang=lang, fy=period.year, q=period.quarter)
    demo = meta.get("origin") == "demo"
    demo_store, index = demo and settings.is_embedded, loaders.area_index(settings.url)
    # The wall says "demo" in its header, in one badge, and shows no chooser.
    chip = None if wall else _demo_chip(bar, demo, auth.mode(demo_store) == "demo", index, lang)
    viewer = auth.viewer(loaders.engine(settings.url), index, demo_store, lang, kiosk=wall, chooser=chip)
    return Context(lang=lang, period=period, viewer=viewer, url=settings.url, versions=versions, demo=demo,
                   bar=bar)


def database_failure(exc: DatabaseError, lang: str) -> None:
    """Stop the run with a banner naming the kind of failure, never the URL or a stack trace."""
    _stop_with("error", t("db_down", lang), t("db_down_hint", lang), f"{type(exc).__name__} ({resolve().source})")


def store_fault(engine, lang: str) -> None:
    """The embedded store's fault (data_access.storecheck, issue 20): stop the run with a banner naming
    it, the file and since when, and what to do; a read-only file only warns (its figures are still
    right; imports and reports are refused)."""
    from data_access import storecheck
    from data_access.clock import BANGKOK
    fault = storecheck.check(engine)
    if fault is None:
        return
    where = t("store_where", lang).format(file=fmt.literal(fault.path, breaks=False),
                                          since=fault.since.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M"))
    body = f"**{t('store_' + fault.kind, lang)}**  \n{t('store_' + fault.kind + '_hint', lang)}  \n{where}"
    if fault.detail:
        body += "  \n" + fmt.literal(fault.detail, breaks=False)
    if fault.serving:
        st.warning(body)
        return
    st.error(body)
    st.stop()


def _leave_legacy_multipage_mode() -> None:
    """Hand the run back to app.py's navigation when Streamlit ran a page file directly.

    A folder named `pages/` makes Streamlit start in its legacy multipage mode until some run
    executes `st.navigation` (which clears the flag below). On a fresh server whose first visitor
    opens a page's URL, no run ever executes app.py, so every session would keep the legacy
    navigation (file names, the admin page listed). Clearing the flag and rerunning makes this run
    start again from app.py. `PagesManager.uses_pages_directory` is Streamlit's own switch (the one
    `st.navigation` sets); the design fixes the folder name, so we set it ourselves.
    """
    from streamlit.runtime.pages_manager import PagesManager
    first_run = "_shell_ran" not in st.session_state
    st.session_state["_shell_ran"] = True
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Only a session's first run is rerun: a later run was started by a click, which a rerun
        # would drop (AppTest resets the flag before every run; a server only in its first seconds).
        if first_run:
            st.rerun()


@functools.cache
def _touch_css() -> str:
    """static/touch.css: layout no theme token covers (text that wraps instead of "…", the overview's
    order on a portrait tablet, 44 px controls on touch screens; docs/ARCHITECTURE.md)."""
    return (PROJECT_ROOT / "static" / "touch.css").read_text(encoding="utf-8")


def page(render: Callable[[Context], None], needs_period: bool = True, wall: bool = False) -> None:
    """Run one page: the shell first (database, viewer, sidebar), then `render(ctx)`. `wall=True` is
    the kiosk (ui.kiosk): no sidebar, wall-scale type, no footer; its header does the live check.

    Every page file calls this itself rather than relying on app.py, because Streamlit runs a file
    under a folder named `pages/` directly (its legacy multipage mode) in some runs — AppTest reruns,
    the first seconds of a fresh server — and the page must render the same then. A refusal or a
    database failure mid-page becomes a banner, never figures or a stack trace.
    """
    _leave_legacy_multipage_mode()
    # The sidebar (pages, live badge, sign-out) starts closed on every screen: the controls are in the
    # top bar, and the width is not known here. Streamlit keeps a person's own open/close per browser.
    st.set_page_config(page_title="War Room · มหาดไทย", page_icon="🛰️", layout="wide",
                       initial_sidebar_state="collapsed")
    st.html(f"<style>{kiosk.stylesheet() if wall else _touch_css()}</style>")
    ctx = start(needs_period, wall)
    if not wall:
        live.watch(ctx.url, ctx.versions, ctx.lang)
    weekly_data.ensure_this_week(ctx.url)
    try:
        render(ctx)
    except NotPermitted as refusal:
        audit.log(loaders.engine(ctx.url), ctx.viewer.name, "denied", str(refusal))
        st.error(f"**{t('not_permitted_page' if refusal.page else 'not_permitted', ctx.lang)}**")
        if refusal.page:
            st.page_link("pages/overview.py", label=t("nav_overview", ctx.lang))
        else:
            st.button(t("go_home", ctx.lang), on_click=go_home, args=(ctx.viewer,), type="primary")
    except DatabaseError as exc:
        database_failure(exc, ctx.lang)
    if not wall:
        footer(ctx.lang)


def go_home(viewer: Viewer) -> None:
    st.session_state["drill"] = viewer.home
    for key in ("level", "area"):
        st.query_params.pop(key, None)


def notice_invalid_url(lang: str) -> None:
    """Say which URL values were not understood and were replaced by defaults."""
    if bad := urlstate.invalid():
        st.warning(t("url_invalid", lang) + " " + fmt.literal(", ".join(f"{k}={v!r}" for k, v in bad.items())))


def footer(lang: str) -> None:
    st.caption(t("attribution", lang))
