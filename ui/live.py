"""Live refresh without a page reload.

A small fragment asks the database only for the data versions (four integers) every
`refresh_seconds`. When one has moved since the page was drawn, it reruns the whole app in the same
session: caches are keyed by version, so only the changed source is read again, and the drill-down,
widget choices and URL stay as they were. The sidebar badge says the page is live and when each source
was last updated; a database that stops answering turns it into an "offline" badge, never an error.
"""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st
from data_access import DatabaseError

from metrics.fiscal import thai_time

from . import config, loaders
from .i18n import t

SOURCE_NAMES = {"padme": "PADME", "cebrs": "CEBRS", "thaiqm": "ThaiQM", "sdg": "SDGs"}  # the systems' own names

def refresh_seconds() -> float:
    """WARROOM_REFRESH_SECONDS, else [live] refresh_seconds in warroom.toml (default 30)."""
    return float(os.environ.get("WARROOM_REFRESH_SECONDS") or config.load()["live"]["refresh_seconds"])


def watch(url: str, shown: tuple[tuple[str, int], ...], lang: str) -> None:
    with st.sidebar:
        _poll(url, shown, lang)


def check(url: str, shown: tuple[tuple[str, int], ...]) -> pd.DataFrame | None:
    """The sources' versions and update times now, or None when the database does not answer.
    Reruns the whole app (same session: no reload, the view stays) when a version moved."""
    try:
        status = loaders.status_now(url)
    except DatabaseError:
        return None
    if tuple(sorted(zip(status["source"], status["version"]))) != shown:
        st.rerun()
    return status


@st.fragment(run_every=refresh_seconds())
def _poll(url: str, shown: tuple[tuple[str, int], ...], lang: str) -> None:
    seconds = f"{refresh_seconds():g}"
    status = check(url, shown)
    if status is None:
        st.badge(t("live_offline", lang), icon=":material/cloud_off:", color="red")
        st.caption(t("live_offline_help", lang))
        return
    st.badge(t("live", lang), icon=":material/sensors:", color="green",
             help=t("live_help", lang).format(seconds=seconds))
    updated = status.set_index("source")
    lines = [f"{name} · " + (thai_time(pd.Timestamp(updated.at[source, "updated_at"]).to_pydatetime(), lang)
                             if updated.at[source, "version"] else t("live_never", lang))
             for source, name in SOURCE_NAMES.items() if source in updated.index]
    st.caption(f"{t('live_updated', lang)}  \n" + "  \n".join(lines))
