"""Import: an administrator uploads a One Data export (CSV or XLSX), validated all or nothing."""
import streamlit as st

from ui import import_view as view
from ui import shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    st.title(t("nav_import", ctx.lang))
    st.caption(t("import_intro", ctx.lang))
    name = view.kind_block(ctx)
    view.upload_block(ctx, name)


shell.page(render, needs_period=False)
