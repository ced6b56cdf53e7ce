"""Administration: the accounts and the audit trail (sign-ins, refusals, imports, exports)."""
import streamlit as st

from ui import data, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    lang = ctx.lang
    st.title(t("nav_admin", lang))
    with st.container(border=True):
        st.subheader(t("accounts", lang))
        st.dataframe(data.account_listing(ctx.url, ctx.viewer), hide_index=True, width="stretch")
    with st.container(border=True):
        st.subheader(t("audit_log", lang))
        st.dataframe(data.audit_log(ctx.url, ctx.viewer), hide_index=True, width="stretch")


shell.page(render, needs_period=False)
