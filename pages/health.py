"""Data health: what each source holds, how fresh it is against its threshold, and what the imports
did (rejected files with their reports, recent accepted ones), and how the e-mail and LINE deliveries
go. Country-level roles only."""
import streamlit as st

from ui import health_view as view
from ui import shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    st.title(t("nav_health", ctx.lang))
    st.caption(t("health_intro", ctx.lang))
    view.overview(ctx)
    view.deliveries(ctx)
    view.rejected(ctx)
    view.accepted(ctx)


shell.page(render, needs_period=False)
