"""The admin page's live sessions: who is signed in where, and "end session" for any of them."""
from __future__ import annotations

import streamlit as st

from data_access import sessions

from . import loaders
from .i18n import t
from .shell import Context


def _end(ctx: Context, session_id: int) -> None:
    sessions.end_one(loaders.engine(ctx.url), ctx.viewer, session_id)
    st.toast(t("sessions_ended", ctx.lang))


def sessions_block(ctx: Context) -> None:
    lang = ctx.lang
    live = loaders.live_sessions(ctx)
    if live.empty:
        st.caption(t("sessions_none", lang))
        return
    st.dataframe(live, hide_index=True, width="stretch", placeholder=t("no_data", lang))
    labels = {int(r.session_id): f"{r.session_id} · {r.username} · {r.address} · {r.user_agent[:40]}"
              for r in live.itertuples()}
    cols = st.columns([3, 1], vertical_alignment="bottom")
    chosen = cols[0].selectbox(t("sessions_pick", lang), list(labels), format_func=labels.get, key="admin_session")
    cols[1].button(t("sessions_end", lang), on_click=_end, args=(ctx, chosen), key="admin_end_session",
                   type="secondary")
