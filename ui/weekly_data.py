"""The week's snapshot, taken on the first view of a new week (issue: "automatically on the first view").

Checked once per week per server process: after that a set in memory answers, so an ordinary page
view costs nothing. A failure to snapshot never stops a page; the meeting page then says no earlier
snapshot exists.
"""
from __future__ import annotations

import logging
import threading

import streamlit as st
from data_access import DatabaseError

from data_access import clock, snapshots
from metrics.fiscal import week_start

from . import loaders

_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _done() -> set:
    return set()


def ensure_this_week(url: str) -> None:
    week = week_start(clock.today())
    if (url, week) in _done():
        return
    with _LOCK:
        if (url, week) in _done():
            return
        try:
            if week not in snapshots.weeks(loaders.engine(url)):
                snapshots.take(loaders.engine(url))
            _done().add((url, week))
        except (ValueError, DatabaseError) as exc:  # no data yet, a read-only database, or a race
            if _taken_meanwhile(url, week):  # another replica took this week's snapshot first: nothing wrong
                _done().add((url, week))
                log.info("weekly snapshot of %s taken by another process", week)
                return
            log.warning("weekly snapshot not taken: %s", exc)


def _taken_meanwhile(url: str, week) -> bool:
    try:
        return week in snapshots.weeks(loaders.engine(url))
    except DatabaseError:
        return False
