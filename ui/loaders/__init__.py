"""Every cached read of the app, in one package: pages and blocks call these, never data_access directly
for a figure, and never choose a cache key (ui.loaders._cache derives it from the data versions a
loader declares it reads; tests/test_loaders.py checks the declarations against the SQL each runs).

The layers run one way: page → ui block → loader (here) → data_access scoped read (a ScopedReader)
→ metrics (pure) ; the block then formats with ui.fmt. `core` holds the overview's reads and is
re-exported here; each source page's reads are in their own module (`loaders.padme`, …).
"""
from __future__ import annotations

import streamlit as st

from data_access import imports as _imports

from . import alerts, cebrs, compliance, health, padme, report, sdg, thaiqm, weekly
from ._cache import REGISTRY, engine
from .core import (account_listing, live_sessions, area_index, audit_log, base_frame, base_totals, child_names,
                   children, compared, data_status, dataset_meta,
                   kpi_frame, peer_rank, periods, sdg_ratings, sdg_years, status_now, subdistricts, totals,
                   versions)


@st.cache_data(max_entries=16, show_spinner=False)
def template(name: str, fmt: str) -> bytes:
    """An import template's bytes (built from the contract: no database, no version)."""
    return _imports.template(name, fmt)


__all__ = ["REGISTRY", "account_listing", "alerts", "live_sessions", "area_index", "audit_log", "cebrs", "child_names", "children",
           "compliance", "data_status", "dataset_meta", "engine", "health", "kpi_frame", "padme", "peer_rank", "periods",
           "report", "sdg", "sdg_ratings", "sdg_years", "status_now", "subdistricts", "template", "thaiqm", "totals",
           "versions", "weekly"]
