"""War Room entry point: page config, navigation, the shell (database, sidebar, banners), then the page.

Navigation is declared before any widget: widgets drawn ahead of `st.navigation` lost their first
change (the language control read None on its first click).
"""
import streamlit as st

from ui import shell
from ui.i18n import t

st.set_page_config(page_title="War Room · มหาดไทย", page_icon="🛰️", layout="wide")

lang = shell.language()
page = st.navigation([
    st.Page("pages/overview.py", title=t("nav_overview", lang), url_path="overview",
            default=True, help=t("nav_overview_help", lang)),
    st.Page("pages/profile.py", title=t("nav_profile", lang), url_path="profile",
            help=t("nav_profile_help", lang)),
])
ctx = shell.start()
st.session_state["ctx"] = ctx
shell.run_page(page, ctx)
