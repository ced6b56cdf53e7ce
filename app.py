"""War Room entry point: the navigation. Each page runs the shell itself (ui.shell.page).

Navigation is declared before any widget: a widget drawn ahead of `st.navigation` lost its first
change (the language control read None on its first click; a browser test guards this). Which of the
admin, health and import pages are listed comes from the permission model (data_access.access) for
the session's viewer, found before the navigation without drawing anything (ui.auth.navigation_viewer:
the demo chooser's role, the account's session cookie, the identity provider's user), so the first
render already lists every page the viewer may open; each page is also guarded by the data layer.
"""
import streamlit as st

from ui import auth, kiosk, shell
from ui.i18n import t

st.set_page_config(page_title="War Room · มหาดไทย", page_icon="🛰️", layout="wide",
                   initial_sidebar_state="collapsed")  # as ui.shell.page sets it: controls are in its top bar

lang = shell.language()


def pages(viewer) -> list:
    def listed(action: str) -> str:
        return "visible" if auth.may(viewer, action) else "hidden"

    return [
        st.Page("pages/overview.py", title=t("nav_overview", lang), url_path="overview",
                default=True, help=t("nav_overview_help", lang)),
        st.Page("pages/profile.py", title=t("nav_profile", lang), url_path="profile",
                help=t("nav_profile_help", lang)),
        *[st.Page(f"pages/{source}.py", title=t(f"nav_{source}", lang), url_path=source,
                  help=t(f"nav_{source}_help", lang)) for source in ("padme", "cebrs", "thaiqm", "sdg")],
        st.Page("pages/weekly.py", title=t("nav_weekly", lang), url_path="weekly", help=t("nav_weekly_help", lang)),
        st.Page("pages/report.py", title=t("nav_report", lang), url_path="report", help=t("nav_report_help", lang),
                visibility="visible" if auth.may_report(viewer) else "hidden"),
        st.Page("pages/alerts.py", title=t("nav_alerts", lang), url_path="alerts", help=t("nav_alerts_help", lang),
                visibility="visible" if viewer is not None else "hidden"),
        st.Page("pages/admin.py", title=t("nav_admin", lang), url_path="admin", help=t("nav_admin_help", lang),
                visibility=listed("administer")),
        st.Page("pages/health.py", title=t("nav_health", lang), url_path="health",
                help=t("nav_health_help", lang),
                visibility=listed("view_health")),
        st.Page("pages/imports.py", title=t("nav_import", lang), url_path="import",
                help=t("nav_import_help", lang),
                visibility=listed("import")),
    ]


if kiosk.requested():  # the wall (ui.kiosk): one page, no navigation drawn
    st.navigation([st.Page("pages/kiosk.py", title=t("kiosk_title", lang), url_path="kiosk", default=True)],
                  position="hidden").run()
else:
    st.navigation(pages(auth.navigation_viewer())).run()
