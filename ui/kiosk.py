"""The war-room wall (`?kiosk=1`): no sidebar, no controls, large type, and a playlist of views that
rotates by itself every `rotate` seconds.

Why it is its own mode rather than a page among the others: a wall has no one to click, so nothing
on it may wait for input (no sign-in chooser, no pickers, no download buttons), its figures must be
readable from across the room, and it must never drift off its playlist. The playlist comes from
`[kiosk]` in .streamlit/warroom.toml, or `?views=` on the wall's URL; entries the viewer may not see
are skipped, unknown ones are named in a banner and skipped.

Streamlit picks its theme in the browser when the page loads, so the dark wall theme and the removal
of Streamlit's own toolbar come from the URL the wall opens: `?kiosk=1&embed=true&embed_options=dark_theme`
(docs/KIOSK.md). static/kiosk.css scales the type up, hides the header when `embed` is missing, keeps
the view being drawn hidden until it is whole (`rotation`) and counts down to the next view.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from data_access import DatabaseError

from data_access import access, clock
from data_access.scope import REGIONS, Area, Viewer
from data_access.settings import PROJECT_ROOT
from metrics.fiscal import BANGKOK, thai_date, thai_time
from metrics.freshness import NEVER, STALE, freshness

from . import auth, config, fmt, live, loaders
from .i18n import t

SOURCES = ("padme", "cebrs", "thaiqm", "sdg")
VIEWS = ("overview", "exceptions", "reporting", *SOURCES)  # the views of the area in view
MIN_ROTATE, MAX_ROTATE = 5, 3600
CLOCK_SECONDS = 10  # the clock shows minutes; it and the live check redraw this often


@dataclass(frozen=True)
class Slide:
    """One view of the playlist: an overview, the exceptions or a source's page, for an area
    (None: the viewer's home, the nation for the ministry's own wall)."""
    kind: str                 # "overview", "exceptions", "reporting" or a source name
    area: Area | None = None

    def area_for(self, viewer: Viewer) -> Area:
        return self.area or viewer.home


def requested() -> bool:
    return st.query_params.get("kiosk", "").lower() in ("1", "true", "yes")


def parse_entry(entry: str) -> Slide:
    """"overview", "exceptions", "reporting" (who has not reported), a source ("padme", "cebrs",
    "thaiqm", "sdg"), "region:<name>" or "province:<code>" (both an overview of that area). ValueError
    names what is wrong."""
    text = str(entry).strip().lower()
    if text in VIEWS:
        return Slide(text)
    kind, _, code = text.partition(":")
    if kind == "region" and code in REGIONS:
        return Slide("overview", Area("region", code))
    if kind == "province" and len(code) == 2 and code.isdigit():
        return Slide("overview", Area("province", code))
    raise ValueError(f"{entry!r} is not {', '.join(VIEWS)}, "
                     f"region:<{'|'.join(REGIONS)}> or province:<2-digit code>")


def parse_playlist(entries: list[str], where: str) -> tuple[list[Slide], list[str]]:
    """The slides that parse, and a message for each entry that does not (naming where it came from)."""
    slides, problems = [], []
    for n, entry in enumerate(entries, start=1):
        try:
            slides.append(parse_entry(entry))
        except ValueError as exc:
            problems.append(f"{where}, entry {n}: {exc}")
    return slides, problems


def parse_rotate(raw: str | None, default: float) -> tuple[float, str | None]:
    """Seconds between views from `?rotate=`, kept within [MIN_ROTATE, MAX_ROTATE]."""
    if raw is None:
        return default, None
    try:
        seconds = float(raw)
    except ValueError:
        return default, f"rotate={raw!r} is not a number of seconds"
    if not MIN_ROTATE <= seconds <= MAX_ROTATE:
        return default, f"rotate={raw!r} is outside {MIN_ROTATE}–{MAX_ROTATE} seconds"
    return seconds, None


def advance(step: int, moved: float | None, now: float, interval: float) -> tuple[int, float]:
    """(step, moved-at) after a run at `now`: the first run shows step 0; a run at least most of an
    interval after the last move shows the next step. Runs between (a live-data rerun) keep the view,
    so new figures never make the wall skip a slide."""
    if moved is None:
        return step, now
    if now - moved >= 0.8 * interval:
        return step + 1, now
    return step, moved


def plan(viewer: Viewer, lang: str) -> tuple[list[Slide], float, list[str]]:
    """The slides this viewer may see, the seconds between them, and what was wrong with the input
    (bad entries, a bad `rotate`, views of areas outside the viewer's rights)."""
    settings = config.load()["kiosk"]
    raw_views = st.query_params.get("views")
    if raw_views:
        slides, problems = parse_playlist(raw_views.split(","), "?views=")
    else:
        slides, problems = parse_playlist(list(settings["playlist"]), "warroom.toml [kiosk] playlist")
    interval, bad = parse_rotate(st.query_params.get("rotate"), float(settings["rotate_seconds"]))
    problems += [bad] if bad else []
    allowed = [s for s in slides if access.allowed(viewer, "view", s.area_for(viewer))]
    if skipped := [s for s in slides if s not in allowed]:
        problems.append(f"{t('kiosk_skipped', lang)}: " + ", ".join(str(s.area) for s in skipped))
    return allowed, interval, problems


def notices(problems: list[str], lang: str) -> None:
    """Name each playlist or URL value that was skipped, and the missing dark theme."""
    if problems:
        st.warning(f"**{t('kiosk_bad_entry', lang)}**  \n" + "  \n".join(map(fmt.literal, problems)))
    if st.context.theme.type == "light":
        st.caption(t("kiosk_light_hint", lang))


@functools.cache
def _stylesheet_file() -> str:
    return (PROJECT_ROOT / "static" / "kiosk.css").read_text(encoding="utf-8")


def stylesheet() -> str:
    """static/kiosk.css (wall-scale type: no theme token scales type for one mode only; the rotation's
    two slots; the countdown), and where this wall's countdown starts: its interval (`?rotate=`)."""
    interval, _ = parse_rotate(st.query_params.get("rotate"), float(config.load()["kiosk"]["rotate_seconds"]))
    return _stylesheet_file() + countdown_css(interval)


def countdown_css(interval: float) -> str:
    """The countdown to the next view (a container keyed `kiosk-countdown` in each view's turn line):
    whole seconds from the interval down to 0, a step a second. Pure CSS, started when the view's
    elements are made: the page's policy runs no inline script, and a timer on the server would cost a
    run a second. A rerun for new data keeps the view's elements, so the count goes on where it was."""
    seconds = max(1, math.ceil(interval))
    return (f"\n.st-key-kiosk-countdown {{ --kiosk-from: {seconds}; animation-duration: {interval:g}s; "
            f"animation-timing-function: steps({seconds}, end); }}\n")


def header(url: str, shown: tuple[tuple[str, int], ...], lang: str, demo: bool) -> None:
    """Clock, each source's last update and the live state; reruns the app when data moved."""
    @st.fragment(run_every=CLOCK_SECONDS)
    def _bar() -> None:
        now = clock.bangkok_now()
        status = live.check(url, shown)
        with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
            st.markdown(f"**{now:%H:%M}** · {thai_date(now.date(), lang)}", width="content")
            if status is None:
                st.badge(t("live_offline", lang), icon=":material/cloud_off:", color="red")
            else:
                st.badge(t("live", lang), icon=":material/sensors:", color="green")
                for text, colour in _freshness(status, lang):
                    st.badge(text, color=colour)
            if demo:
                st.badge(t("kiosk_demo", lang), color="orange")
        auth.keep_alive(loaders.engine(url))  # a wall on show is in use, though no one touches it
    _bar()


def _freshness(status: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(text, colour) of each source's last update: the time if today, else the date and time;
    orange once the source is older than [health] stale_after_hours allows."""
    now = clock.utcnow()
    updated = status.set_index("source")
    out = []
    for source, name in live.SOURCE_NAMES.items():
        if source not in updated.index:
            continue
        version = int(updated.at[source, "version"])
        stamp = None if not version else pd.Timestamp(updated.at[source, "updated_at"]).to_pydatetime()
        state = freshness(stamp, version, now, config.stale_after_hours(source)).state
        if state == NEVER:
            out.append((f"{name} · {t('live_never', lang)}", "gray"))
            continue
        when = thai_time(stamp, lang)
        if stamp.replace(tzinfo=dt.timezone.utc).astimezone(BANGKOK).date() == clock.today():
            when = when.rsplit(" ", 1)[-1]
        out.append((f"{name} · {when}", "orange" if state == STALE else "blue"))
    return out


def rotation(slides: list[Slide], interval: float, lang: str, show) -> None:
    """Show the playlist's current slide and move on every `interval` seconds (a timed fragment). A
    database that stops answering mid-rotation gives the banner; the next turn tries again.

    A wall must never show a frame that mixes two views or half of one. Streamlit keeps the previous
    run's elements on screen (marked stale) until the new run has replaced them or ends, and a
    container of the same kind at the same place inherits the old one's children; so a view drawn
    where the previous one stood shows pieces of both while it runs. Each turn therefore draws its view
    into the other of two slots (`stage`): the slot with the previous view keeps it whole until the
    run ends, when Streamlit clears it, and static/kiosk.css stacks the slots in one place and keeps
    the new one hidden while the old one is still there. A rerun for new data within the same turn
    draws into the same slot, in place (and its countdown, `countdown_css`, goes on). Each view's root
    is a container keyed `kiosk-view-<kind>`."""
    @st.fragment(run_every=interval)
    def _rotate() -> None:
        step, moved = advance(st.session_state.get("kiosk_step", 0), st.session_state.get("kiosk_moved"),
                              time.monotonic(), interval)
        st.session_state["kiosk_step"], st.session_state["kiosk_moved"] = step, moved
        index = step % len(slides)
        with st.container(key="kiosk-stage"):
            slots = [st.container(key=f"kiosk-slot-{n}") for n in range(2)]
        with slots[step % 2], st.container(key=f"kiosk-view-{slides[index].kind}"):
            try:
                show(slides[index], index, len(slides))
            except DatabaseError:
                st.warning(f"**{t('db_down', lang)}**  \n{t('live_offline_help', lang)}")
    _rotate()
