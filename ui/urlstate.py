"""URL state: widgets start from the query string and write their value back to it.

Reloading or sharing a URL restores the exact view. A value in the URL that is not one of the
widget's options is replaced by the default and reported, so the page can say so instead of failing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

INVALID = "_url_invalid"


def seed(key: str, options: Sequence[Any], default: Any, parse: Callable[[str], Any] = str) -> None:
    """Give widget `key` its starting value from the URL (once per session), or `default`."""
    if key in st.session_state and st.session_state[key] in options:
        return
    raw = st.query_params.get(key)
    value = default
    if raw is not None and key not in st.session_state:
        try:
            value = parse(raw)
        except ValueError:
            value = None
        if value not in options:
            st.session_state.setdefault(INVALID, {})[key] = raw
            value = default
    st.session_state[key] = value


def publish(**values: Any) -> None:
    for key, value in values.items():
        if st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


def invalid() -> dict[str, str]:
    """URL values that were not understood, once: the caller shows a notice."""
    return st.session_state.pop(INVALID, {})
