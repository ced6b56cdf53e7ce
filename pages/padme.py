"""PADME: provincial plan projects — budget, disbursement against the target curve, alignment with
the national strategy, NESDP 13 and the SDGs, late projects, and each project's report."""
import streamlit as st

from ui import padme_view, panels, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    _, area = panels.page_start(ctx, t("nav_padme", ctx.lang))
    padme_view.headline(ctx, area)
    with st.grid(2, min_column_width=panels.CHART_MIN_WIDTH, gap="medium"):  # stacked on a portrait tablet
        with st.container(border=True):
            padme_view.s_curve_chart(ctx, area)
        with st.container(border=True):
            padme_view.breakdowns(ctx, area)
    with st.container(border=True):
        padme_view.late_projects(ctx, area)
    with st.container(border=True):
        padme_view.project_table(ctx, area)


shell.page(render)
