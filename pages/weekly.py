"""Weekly review: what changed since a chosen earlier week, for the area in view, and the meeting's
notes; the brief for the minutes as Excel, PowerPoint and PDF."""
import streamlit as st

from ui import panels, shell
from ui import weekly_view as view
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    _, area = panels.page_start(ctx, t("nav_weekly", ctx.lang))
    st.caption(t("weekly_intro", ctx.lang))
    week = view.choose_week(ctx)
    if week is None:
        return
    notes = view.notes_for(ctx, area, week)
    for key in view.REVIEWED:
        view.kpi_block(ctx, area, week, key, notes)
    late = view.new_late_block(ctx, area, week)
    view.briefs(ctx, area, week, late, notes)


shell.page(render)
