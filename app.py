"""War Room entry point: page config, the shell (database, sidebar, banners), then the chosen page."""
import streamlit as st

from ui import shell
from ui.i18n import t

st.set_page_config(page_title="War Room · มหาดไทย", page_icon="🛰️", layout="wide")

ctx = shell.start()
st.session_state["ctx"] = ctx

page = st.navigation([
    st.Page("pages/overview.py", title=t("nav_overview", ctx.lang), icon="🗺️", url_path="overview",
            default=True, help=t("nav_overview_help", ctx.lang)),
])
page.run()
shell.footer(ctx.lang)
