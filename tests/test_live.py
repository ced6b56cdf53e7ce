"""Live refresh: the polling fragment reruns the app when a data version moved, says when each source
was last updated, and turns into an 'offline' badge (no error) when the database stops answering.
The cross-process import seen on screen without a reload is in tests/test_browser.py."""
import datetime as dt

import pandas as pd
from streamlit.testing.v1 import AppTest

from data_access import db, queries
from metrics.fiscal import thai_time


def _poll_script(url: str, stale_first: bool, lang: str):
    import streamlit as st
    from ui import live, loaders
    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    current = tuple(sorted(loaders.versions(url).items()))
    live._poll(url, () if stale_first and st.session_state["runs"] == 1 else current, lang)


def test_a_moved_version_reruns_the_app_once_and_the_badge_names_each_sources_update(sqlite_url):
    at = AppTest.from_function(_poll_script, args=(sqlite_url, True, "th"), default_timeout=30).run()
    assert not at.exception
    assert at.session_state["runs"] == 2  # the stale view was redrawn, then the loop settled
    status = queries.data_status(db.engine_for(sqlite_url)).set_index("source")
    caption = at.caption[0].value
    for source, name in (("padme", "PADME"), ("cebrs", "CEBRS"), ("thaiqm", "ThaiQM"), ("sdg", "SDGs")):
        when = thai_time(pd.Timestamp(status.at[source, "updated_at"]).to_pydatetime(), "th")
        assert f"{name} · {when}" in caption
    assert "25" in caption.split("·")[1]  # a Buddhist Era year (25xx), not CE


def test_an_unchanged_version_draws_once(sqlite_url):
    at = AppTest.from_function(_poll_script, args=(sqlite_url, False, "en"), default_timeout=30).run()
    assert at.session_state["runs"] == 1 and not at.exception


def test_a_database_that_stops_answering_gives_an_offline_badge_not_an_error():
    at = AppTest.from_function(_poll_script_offline, default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.markdown[0].value == ":red-badge[:material/cloud_off: Database unreachable]"
    assert "retrying automatically" in at.caption[0].value


def _poll_script_offline():
    from ui import live
    live._poll("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2", (), "en")


def test_thai_time_is_bangkok_time_with_a_buddhist_era_year():
    assert thai_time(dt.datetime(2026, 11, 20, 18, 30), "th") == "21 พ.ย. 2569 01:30"
    assert thai_time(dt.datetime(2026, 11, 20, 2, 5), "en") == "20 Nov 2026 09:05"
