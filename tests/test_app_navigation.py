"""The navigation lists, from a session's first render, exactly the pages its viewer may open.

How it is observed: `st.navigation` is wrapped to record, call by call, each page's url path and
visibility as app.py declares them. Those are exactly what the browser's menu gets: Streamlit sends
each page in the run's Navigation message with `is_hidden = visibility == "hidden"`
(streamlit/commands/navigation.py). The first call of a session's first `at.run()` is its first
render; a run that had to start again (st.rerun) to fix its menu would show a second call, so each
first run here must call the navigation once."""
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access import access
from data_access.scope import Viewer

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EVERYONE_S = {"overview", "profile", "padme", "cebrs", "thaiqm", "sdg", "weekly"}
COUNTRY_PAGES = {"admin": "administer", "health": "view_health", "import": "import"}  # page: its action
AREA_PAGES = {"report": "report"}  # page: its action, asked for the viewer's own area
SIGNED_IN = {"alerts"}  # pages listed for anyone signed in, whatever their role
# docs/ACCESS.md: what each role may open beyond everyone's pages
ROLE_PAGES = {"executive": {"health"}, "staff": {"health"}, "admin": {"admin", "health", "import"},
              "governor": {"report"}, "district_officer": {"report"}}
VIEWERS = {"executive": Viewer("x", "executive"), "staff": Viewer("x", "staff"), "admin": Viewer("x", "admin"),
           "governor": Viewer("x", "governor", prov_code="30"),
           "district_officer": Viewer("x", "district_officer", prov_code="30", dist_code="3001")}
ACCOUNT_OF = {"executive": "exec1", "staff": "staff1", "admin": "admin1", "governor": "gov30",
              "district_officer": "do3001"}


def test_the_expected_pages_are_the_permission_models():
    for role, viewer in VIEWERS.items():
        assert ROLE_PAGES[role] == ({page for page, action in COUNTRY_PAGES.items() if access.allowed(viewer, action)}
                                    | {page for page, action in AREA_PAGES.items()
                                       if viewer.home.level != "nation" and access.allowed(viewer, action, viewer.home)})


@pytest.fixture
def menus(monkeypatch):
    """Every navigation app.py declares, in order: {url path: visibility} (the default page, the
    overview, is served at the root: its url path reads "")."""
    calls: list[dict[str, str]] = []
    real = st.navigation

    def navigation(pages, *args, **kwargs):
        calls.append({page.url_path or "overview": page.visibility for page in pages})
        return real(pages, *args, **kwargs)
    monkeypatch.setattr(st, "navigation", navigation)
    return calls


def listed(menu: dict[str, str]) -> set[str]:
    return {path for path, visibility in menu.items() if visibility == "visible"}


def first_run(at: AppTest, menus: list) -> set[str]:
    """The pages the first render lists; the run reached its page without starting again."""
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(menus) == 1, f"the first run declared the navigation {len(menus)} times"
    assert set(menus[0]) == EVERYONE_S | SIGNED_IN | set(COUNTRY_PAGES) | set(AREA_PAGES)  # every page declared, some hidden
    return listed(menus[0])


# --------------------------------------------------------------------------- the demo
@pytest.fixture
def demo_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    monkeypatch.setenv("WARROOM_AUTH", "demo")


def test_the_demos_first_render_lists_its_first_roles_pages(demo_db, menus):
    """A visitor opens the demo as an executive (the chooser's first role): Data health is listed at
    once, not from the second interaction on."""
    at = AppTest.from_file(APP, default_timeout=90)
    assert first_run(at, menus) == EVERYONE_S | SIGNED_IN | ROLE_PAGES["executive"]
    assert at.selectbox(key="demo_role").value == "executive"


@pytest.mark.parametrize("held", ["chooser", "last choice"])
@pytest.mark.parametrize("role", ["admin", "staff", "governor", "district_officer", "executive"])
def test_the_demo_menu_follows_the_role_the_chooser_holds(demo_db, menus, role, held):
    """A run whose chooser holds `role` (Streamlit has set a changed selectbox's value before the run
    starts), or whose session last chose it (a page change drops the widget's value, not the choice),
    lists that role's pages, and the chooser then shows that same role. (AppTest runs app.py on a
    session's first run only: later runs start from the page file, so each case is a first run.)"""
    at = AppTest.from_file(APP, default_timeout=90)
    viewer = VIEWERS[role]
    if held == "chooser":
        at.session_state["demo_role"] = role
        for key, value in (("demo_prov", viewer.prov_code), ("demo_dist", viewer.dist_code)):
            if value:
                at.session_state[key] = value
    else:
        at.session_state["demo_last"] = Viewer(f"demo-{role}", role, viewer.prov_code, viewer.dist_code)
    assert first_run(at, menus) == EVERYONE_S | SIGNED_IN | ROLE_PAGES[role]
    assert at.selectbox(key="demo_role").value == role and at.session_state["demo_last"].role == role


# --------------------------------------------------------------------------- accounts
@pytest.fixture
def accounts_db(accounts_url, monkeypatch, browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    return accounts_url, browser_token


def test_nobody_signed_in_gets_everyones_pages_only(accounts_db, menus):
    assert first_run(AppTest.from_file(APP, default_timeout=90), menus) == EVERYONE_S


@pytest.mark.parametrize("role", list(ACCOUNT_OF))
def test_an_accounts_first_render_lists_its_roles_pages(accounts_db, menus, role):
    """A browser that comes back with its session cookie (a reload, a new tab, a bookmark)."""
    url, token = accounts_db
    token.sign_in(url, ACCOUNT_OF[role])
    at = AppTest.from_file(APP, default_timeout=90)
    assert first_run(at, menus) == EVERYONE_S | SIGNED_IN | ROLE_PAGES[role]
    assert at.session_state["viewer"].role == role and at.metric


def test_a_sessions_first_resume_is_its_only_one(accounts_db, monkeypatch):
    """The cookie is resumed before the navigation and that answer is the shell's: one resume a run,
    so an expired session is still said to have expired (a second resume would find it ended)."""
    from data_access import sessions
    url, token = accounts_db
    token.sign_in(url, "gov30")
    calls = []
    real = sessions.resume
    monkeypatch.setattr(sessions, "resume", lambda *a, **k: calls.append(1) or real(*a, **k))
    AppTest.from_file(APP, default_timeout=90).run()
    assert len(calls) == 1


# --------------------------------------------------------------------------- the identity provider
@pytest.mark.parametrize("name, role", [("admin1", "admin"), ("staff1", "staff"), ("gov30", "governor")])
def test_an_identity_providers_first_render_lists_its_roles_pages(accounts_db, menus, monkeypatch, name, role):
    from tests.test_app_access import OIDC_SECRETS, _sign_ins
    url, _ = accounts_db
    monkeypatch.setenv("WARROOM_AUTH", "oidc")
    before = _sign_ins(url, name)
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": name, "name": name.upper()}
    assert first_run(at, menus) == EVERYONE_S | SIGNED_IN | ROLE_PAGES[role]
    assert at.session_state["viewer"].role == role and _sign_ins(url, name) == before + 1  # looked up once


# --------------------------------------------------------------------------- in a browser
@pytest.mark.browser
def test_a_browsers_first_load_of_the_demo_lists_data_health(sqlite_url, browser):
    """The menu Chromium draws after the first run of a new session, before any click."""
    from tests.browser_support import ARTIFACTS, streamlit_app, wait_for_run
    from ui.i18n import t
    with streamlit_app(sqlite_url, "streamlit-navigation.log", WARROOM_AUTH="demo") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base, wait_until="domcontentloaded")
        wait_for_run(page)
        page.locator('[data-testid="stExpandSidebarButton"]').click()  # the sidebar starts collapsed
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        page.screenshot(path=str(ARTIFACTS / "navigation-demo-first-load.png"))
        page.close()
    assert t("nav_health", "th") in nav and t("nav_overview", "th") in nav
    assert t("nav_admin", "th") not in nav and t("nav_import", "th") not in nav
