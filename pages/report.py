"""Report: a governor or district officer files their own area's figures — the reporting calendar of
their districts, a PADME project's quarterly report, ThaiQM case progress, CEBRS status, an upload."""
import streamlit as st

from ui import report_view as view
from ui import shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    area = view.home(ctx)
    view.intro(ctx, area)
    view.calendar(ctx, area)
    padme, thaiqm, cebrs, upload = st.tabs([t("report_tab_padme", ctx.lang), t("report_tab_thaiqm", ctx.lang),
                                            t("report_tab_cebrs", ctx.lang), t("report_tab_upload", ctx.lang)])
    with padme:
        view.padme_block(ctx, area)
    with thaiqm:
        view.thaiqm_block(ctx, area)
    with cebrs:
        view.cebrs_block(ctx, area)
    with upload:
        view.upload_block(ctx)


shell.page(render)
