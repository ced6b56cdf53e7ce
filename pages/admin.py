"""Administration: the accounts, their live sessions (each can be ended), the deliveries of e-mail and
LINE (each message as its recipient sees it; the delivery run on demand) and the audit trail."""
import streamlit as st

from ui import loaders, shell
from ui import admin_view as view
from ui.i18n import t


def run_delivery(ctx: shell.Context):
    """The delivery runner (alerts/) once, now: ui does not import alerts, so the page hands it in. Imported
    here, when pressed, so the page opens even where the runner is not installed."""
    from alerts import runner
    return runner.run(loaders.engine(ctx.url), ctx.url, demo=ctx.demo)


def render(ctx: shell.Context) -> None:
    lang = ctx.lang
    st.title(t("nav_admin", lang))
    with st.container(border=True):
        st.subheader(t("accounts", lang))
        st.dataframe(loaders.account_listing(ctx), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    with st.container(border=True):
        st.subheader(t("sessions", lang))
        view.sessions_block(ctx)
    with st.container(border=True, key="deliveries"):
        st.subheader(t("deliveries", lang))
        view.deliveries_block(ctx, lambda: run_delivery(ctx))
    with st.container(border=True):
        st.subheader(t("audit_log", lang))
        st.dataframe(loaders.audit_log(ctx), hide_index=True, width="stretch", placeholder=t("no_data", lang))


shell.page(render, needs_period=False)
