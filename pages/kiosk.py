"""The war-room wall: the playlist of views in turn, a clock and each source's freshness (ui.kiosk)."""
import streamlit as st

from ui import kiosk, kiosk_views, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    kiosk.header(ctx.url, ctx.versions, ctx.lang, ctx.demo)
    slides, interval, problems = kiosk.plan(ctx.viewer, ctx.lang)
    kiosk.notices(problems, ctx.lang)
    if not slides:
        st.error(t("kiosk_nothing", ctx.lang))
        return
    kiosk.rotation(slides, interval, ctx.lang, lambda slide, i, n: kiosk_views.render(ctx, slide, i, n))


shell.page(render, wall=True)
