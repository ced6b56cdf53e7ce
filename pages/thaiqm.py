"""ThaiQM: households in need — KPI 1 (% of target households helped) against its target due, the five
TPMAP problem dimensions, the case funnel, the fiscal-year trend, and the areas below this one."""
import streamlit as st

from ui import panels, shell
from ui import thaiqm_view as view
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    index, area = panels.page_start(ctx, t("nav_thaiqm", ctx.lang))
    row = view.headline(ctx, area)
    with st.grid(2, min_column_width=panels.CHART_MIN_WIDTH, gap="medium"):  # stacked on a portrait tablet
        with st.container(border=True):
            view.dimensions(ctx, area, row)
        with st.container(border=True):
            view.funnel(ctx, area, row)
    with st.container(border=True):
        view.trend_chart(ctx, area)
    with st.container(border=True):
        view.dimension_map(ctx, area)
    with st.container(border=True):
        view.areas(ctx, area)


shell.page(render)
