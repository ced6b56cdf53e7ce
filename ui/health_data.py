"""Cached loaders of the data health page, keyed by the data versions.

Row counts read whole tables (3 million households at national scale), so each source's counts are
cached under that source's version: an import of one source recounts only it. The last accepted
import moves with the version too (it is logged in the import's own transaction). A rejected import
changes no version, so the import log itself is read on every run (a small indexed read).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import health
from data_access.scope import Viewer

from . import data


@st.cache_data(ttl="1h", max_entries=64, show_spinner=False)
def rows_held(url: str, source: str, version: int, viewer: Viewer) -> dict[str, int]:
    return health.rows_held(data.engine(url), viewer, source)


@st.cache_data(ttl="1h", max_entries=16, show_spinner=False)
def status(url: str, version_key: tuple, viewer: Viewer) -> pd.DataFrame:
    return health.status(data.engine(url), viewer)


@st.cache_data(ttl="1h", max_entries=16, show_spinner=False)
def last_imports(url: str, version_key: tuple, viewer: Viewer) -> pd.DataFrame:
    return health.last_imports(data.engine(url), viewer)


def import_log(url: str, viewer: Viewer, accepted: bool, limit: int = 20) -> pd.DataFrame:
    return health.import_log(data.engine(url), viewer, accepted, limit)
