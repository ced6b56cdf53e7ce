"""Administration: the accounts, their live sessions (each can be ended) and the audit trail."""
import streamlit as st

from ui import loaders, shell
from ui import admin_view as view
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    lang = ctx.lang
    st.title(t("nav_admin", lang))
    with st.container(border=True):
        st.subheader(t("accounts", lang))
        st.dataframe(loaders.account_listing(ctx), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    with st.container(border=True):
        st.subheader(t("sessions", lang))
        view.sessions_block(ctx)
    with st.container(border=True):
        st.subheader(t("audit_log", lang))
        st.dataframe(loaders.audit_log(ctx), hide_index=True, width="stretch", placeholder=t("no_data", lang))


shell.page(render, needs_period=False)
