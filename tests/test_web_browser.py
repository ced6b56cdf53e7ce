"""The session as a governor's tablet lives it (Chromium, 820×1180 touch, `streamlit run serve.py`), on
SQLite and PostgreSQL: sign in through the form, reload, a second tab, a closed and reopened tab, the
app server killed and started again on the same database (the websocket drops and comes back), then
the account disabled from the CLI in another process: the open tab's next tap lands on the form. The
cookie's flags are read from the browser; no page breaks the Content-Security-Policy."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from data_access import accounts, db
from data_access.seed import seed
from tests.browser_support import ARTIFACTS, ROOT, AppServer, require_chromium, wait_for_maps, wait_for_run
from tests.conftest import AS_OF, seeded_pg_schema

pytestmark = pytest.mark.browser
PASSWORD = "governor-pass-30"
FIGURES = '[data-testid="stMetric"]'
FORM = 'form[action="/sign-in"]'
# Every CSP violation the page reports, from its first script on.
WATCH_CSP = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tablet_db(request, tmp_path):
    def accounts_in(url):
        engine = db.engine_for(url)
        accounts.add(engine, "gov30", PASSWORD, "governor", "ผู้ว่าราชการจังหวัดนครราชสีมา", "30")
        accounts.add(engine, "admin1", "admin-pass-0001", "admin")
        return url
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield accounts_in(url)
    else:
        with seeded_pg_schema("warroom_web") as url:
            yield accounts_in(url)


def _tablet(browser):
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True,
                                  locale="th-TH")
    context.add_init_script(WATCH_CSP)
    return context


def _signed_in(page) -> None:
    page.wait_for_selector(FIGURES, timeout=60_000)
    wait_for_run(page)
    assert page.locator(FORM).count() == 0 and page.locator('[data-testid="stException"]').count() == 0


def test_a_tablet_stays_signed_in_through_reloads_tabs_and_a_restart_until_disabled(browser, tablet_db, request):
    require_chromium()
    name = request.node.callspec.id
    server = AppServer(tablet_db, f"streamlit-web-{name}.log", WARROOM_AUTH="accounts")
    (ARTIFACTS / server.log.name).unlink(missing_ok=True)
    base = server.start()
    context = _tablet(browser)
    try:
        page = context.new_page()
        page.goto(f"{base}/padme", wait_until="domcontentloaded")
        page.wait_for_selector(FORM, timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / f"web-1-form-{name}.png"))
        page.locator('input[name="username"]').tap()
        page.fill('input[name="username"]', "gov30")
        page.fill('input[name="password"]', PASSWORD)
        page.locator('form[action="/sign-in"] button[type="submit"]').tap()
        _signed_in(page)
        assert "/padme" in page.url and "area=30" in page.url  # back where it asked, at the governor's province
        page.screenshot(path=str(ARTIFACTS / f"web-2-signed-in-{name}.png"))

        cookie = next(c for c in context.cookies() if c["name"] == "warroom_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain HTTP here
        assert cookie["expires"] > 0  # kept across browser restarts, to its absolute end
        assert page.evaluate("document.cookie").find("warroom_session") == -1  # no script can read it

        page.reload(wait_until="domcontentloaded")
        _signed_in(page)
        second = context.new_page()  # a second tab
        second.goto(f"{base}/cebrs", wait_until="domcontentloaded")
        _signed_in(second)
        second.close()
        page.close()  # the only tab closed, then opened again
        page = context.new_page()
        page.goto(f"{base}/", wait_until="domcontentloaded")
        _signed_in(page)

        server.stop()  # the websocket drops: the server is gone
        page.wait_for_selector('[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])', timeout=30_000)
        server.start()  # the same port and database, a new process with no Streamlit session in memory
        page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=60_000)
        _signed_in(page)
        assert page.evaluate("window.__csp") == []

        done = subprocess.run([sys.executable, "-m", "data_access", "users", "disable", "gov30"], cwd=ROOT,
                              env={**os.environ, "WARROOM_DB_URL": tablet_db}, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        page.locator('[data-testid="stExpandSidebarButton"]').tap()  # the sidebar starts closed (ui/shell.py)
        page.get_by_role("link", name="ThaiQM").first.tap()  # the next tap of the open tab
        page.wait_for_selector(FORM, timeout=60_000)
        assert page.locator(FIGURES).count() == 0
        page.screenshot(path=str(ARTIFACTS / f"web-3-ended-{name}.png"))
        server.stop()
        assert PASSWORD not in server.log.read_text(encoding="utf-8")  # nor in the server's log
        from sqlalchemy import select
        from data_access import schema as s
        with db.engine_for(tablet_db).connect() as conn:
            audited = conn.execute(select(s.audit_log)).all()
        assert not any(PASSWORD in str(tuple(r)) for r in audited)
        assert {"sign_in", "sign_out"} <= {r.action for r in audited}  # the sign-in, and the CLI's revocation
    finally:
        context.close()
        server.stop()


def test_no_page_breaks_the_content_security_policy(browser, sqlite_url):
    """The policy is strict enough to matter (no eval: the charts' expressions run through
    vega-interpreter) and loose enough for Streamlit, the maps, which fetch their GeoJSON, and the wall."""
    require_chromium()
    server = AppServer(sqlite_url, "streamlit-csp.log", WARROOM_AUTH="demo")
    base = server.start()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(WATCH_CSP)
    try:
        page = context.new_page()
        for path in ("/", "/padme?level=province&area=30", "/cebrs", "/thaiqm", "/sdg", "/weekly",
                     "/?kiosk=1&embed=true&embed_options=dark_theme"):
            page.goto(base + path, wait_until="domcontentloaded")
            wait_for_run(page)
            wait_for_maps(page, least=0)  # every chart drawn, every map with its areas
            assert page.locator('[data-testid="stException"]').count() == 0, path
            assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))
        response = page.request.get(base + "/")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "'unsafe-eval'" not in response.headers["content-security-policy"]  # no JavaScript eval
    finally:
        context.close()
        server.stop()
