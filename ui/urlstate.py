"""URL state: widgets start from the query string and write their value back to it.

Reloading or sharing a URL restores the exact view. A value in the URL that is not one of the
widget's options is replaced by the default and reported, so the page can say so instead of failing.
Published values are also kept in plain session state: Streamlit drops a keyed widget's state and
resets the query string when the page changes, and the viewer's choices must survive that.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

INVALID = "_url_invalid"
_KEEP = "_url_keep"


def seed(key: str, options: Sequence[Any], default: Any, parse: Callable[[str], Any] = str) -> None:
    """Give widget `key` its starting value: the session's, the last published, the URL's, or `default`.

    The value is always assigned through the Session State API before the widget is drawn: a widget
    re-created in another page's run would otherwise take its own default instead."""
    if st.session_state.get(key) in options:
        st.session_state[key] = st.session_state[key]
        return
    kept = st.session_state.get(_KEEP, {}).get(key)
    if kept in options:
        st.session_state[key] = kept
        return
    value = default
    raw = st.query_params.get(key)
    if raw is not None:
        try:
            parsed = parse(raw)
        except ValueError:
            parsed = None
        if parsed in options:
            value = parsed
        else:
            st.session_state.setdefault(INVALID, {})[key] = raw
    st.session_state[key] = value


def publish(**values: Any) -> None:
    keep = st.session_state.setdefault(_KEEP, {})
    for key, value in values.items():
        keep[key] = value
        if st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


def invalid() -> dict[str, str]:
    """URL values that were not understood, once: the caller shows a notice."""
    return st.session_state.pop(INVALID, {})
