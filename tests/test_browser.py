"""The app in a real browser: overview, URL state, map drill-down, sign-in, deep links, live refresh and
tablets (the running server and Chromium come from tests/browser_support.py and conftest)."""
from __future__ import annotations

import pytest

from tests.browser_support import (ARTIFACTS, MAP_AREAS, import_relief, map_area, require_chromium, streamlit_app,
                                   wait_for_layout, wait_for_maps, wait_for_metric_change, wait_for_run,
                                   wait_until)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sqlite_url):
    require_chromium()
    with streamlit_app(sqlite_url, "streamlit.log") as base:
        yield base


def test_overview_renders_in_chromium(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1500})
    geometry = []
    page.on("response", lambda r: geometry.append(r.status) if "/provinces.geojson?v=" in r.url else None)
    page.goto(f"{server}/?lang=th", wait_until="domcontentloaded")
    wait_for_run(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
    wait_for_maps(page)
    page.screenshot(path=str(ARTIFACTS / "overview-th.png"), full_page=True)

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 14  # 4 headline figures, 10 in the source panels
    assert "ห้องปฏิบัติการ War Room" in page.locator("h1").first.inner_text()
    assert geometry and all(status == 200 for status in geometry)  # served from static/, not a CDN
    page.close()


def test_language_period_and_kpi_are_clicked_into_the_url_and_restored(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")
    wait_for_run(page)
    page.get_by_text("English", exact=True).click()  # the first click must take (it once read None)
    wait_for_run(page)
    assert page.locator("h1").first.inner_text() == "War Room · Ministry of Interior"
    assert "lang=en" in page.url
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Fiscal year").click()
    page.get_by_role("option", name="2569").click()
    wait_for_run(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Colour the map by").click()
    page.keyboard.type("Target households helped")
    page.keyboard.press("Enter")
    wait_for_run(page)
    assert "fy=2569" in page.url and "kpi=thaiqm_helped_pct" in page.url
    shared = page.url
    page.close()

    again = browser.new_page(viewport={"width": 1400, "height": 1000})
    again.goto(shared, wait_until="domcontentloaded")
    wait_for_run(again)
    again.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
    assert again.locator("h1").first.inner_text() == "War Room · Ministry of Interior"
    captions = " ".join(again.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
    assert "One Data · Q1 FY2569" in captions  # the year chosen (same quarter), restored from the link
    assert "Target households helped (%) · Q1 FY2569" in captions  # the map KPI, restored
    again.screenshot(path=str(ARTIFACTS / "overview-en-restored.png"))
    again.close()


def test_click_a_province_on_the_map_then_back_by_breadcrumb(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1800})
    page.goto(f"{server}/?lang=th", wait_until="domcontentloaded")
    wait_for_run(page)
    page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    wait_for_maps(page)
    page.screenshot(path=str(ARTIFACTS / "drill-1-nation.png"), full_page=True)

    korat = map_area(page, "นครราชสีมา")
    assert korat["inside"], korat
    page.mouse.move(korat["x"], korat["y"])  # the tooltip names the province under the mouse
    wait_until(page, "name => (document.querySelector('#vg-tooltip-element') || {}).textContent?.includes(name)",
               "นครราชสีมา", timeout_ms=10_000)
    page.mouse.click(korat["x"], korat["y"])
    wait_until(page, "() => location.search.includes('area=30')", timeout_ms=30_000)
    wait_for_run(page)
    wait_for_maps(page)
    page.screenshot(path=str(ARTIFACTS / "drill-2-province-30.png"), full_page=True)
    assert "level=province" in page.url
    assert page.get_by_text("นครราชสีมา", exact=True).first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("button", name="ประเทศไทย").click()
    wait_until(page, "() => location.search.includes('level=nation')", timeout_ms=30_000)
    wait_for_run(page)
    page.screenshot(path=str(ARTIFACTS / "drill-3-back-to-nation.png"), full_page=True)
    assert "area=" not in page.url
    page.close()


@pytest.fixture(scope="module")
def accounts_server(sqlite_url):
    """A second server on the same data in accounts mode, with the test accounts."""
    from tests.conftest import add_accounts
    require_chromium()
    add_accounts(sqlite_url)
    with streamlit_app(sqlite_url, "streamlit-accounts.log", WARROOM_AUTH="accounts") as base:
        yield base


def _sign_in(page, name: str, password: str) -> None:
    """The form posts to /sign-in (web/signin.py); the app comes back signed in."""
    page.get_by_label("ชื่อผู้ใช้").fill(name)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.locator('form[action="/sign-in"] button[type="submit"]').click()


def test_a_governor_signs_in_lands_home_and_is_refused_elsewhere(accounts_server, browser):
    from tests.conftest import PASSWORDS
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(accounts_server, wait_until="domcontentloaded")
    wait_for_run(page)
    _sign_in(page, "gov30", PASSWORDS["gov30"])
    wait_until(page, "() => location.search.includes('area=30')", timeout_ms=30_000)
    wait_for_run(page)
    page.screenshot(path=str(ARTIFACTS / "governor-home.png"), full_page=True)
    assert page.get_by_text("นครราชสีมา", exact=True).first.is_visible()

    # Typing another province's address loads a new page: the session cookie keeps the governor signed
    # in (no password again), and the province outside theirs is refused.
    page.goto(f"{accounts_server}/?level=province&area=50", wait_until="domcontentloaded")
    wait_for_run(page)
    assert page.locator('form[action="/sign-in"]').count() == 0
    page.get_by_text("ไม่มีสิทธิ์ดูพื้นที่นี้").wait_for(timeout=30_000)
    wait_for_run(page)
    page.screenshot(path=str(ARTIFACTS / "governor-refused.png"), full_page=True)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert "เชียงใหม่" not in page.inner_text("body")
    page.get_by_role("button", name="กลับไปพื้นที่ของฉัน").click()
    wait_until(page, "() => location.search.includes('area=30')", timeout_ms=30_000)
    wait_for_run(page)
    assert page.locator('[data-testid="stMetric"]').count() > 0
    page.close()


def test_a_fresh_servers_first_visit_to_a_page_link_gets_the_apps_navigation(sqlite_url, browser):
    """A folder named pages/ starts Streamlit in its legacy mode; a deep link must not keep it there."""
    with streamlit_app(sqlite_url, "streamlit-deeplink.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/padme?level=province&area=30&fy=2569&q=3", wait_until="domcontentloaded")
        wait_for_run(page)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        page.screenshot(path=str(ARTIFACTS / "deeplink-padme.png"))
        assert "PADME แผนงานโครงการ" in nav and "ภาพรวม" in nav
        assert "admin" not in nav and "app" not in nav.split()
        assert "นครราชสีมา · ไตรมาส 3/2569" in page.inner_text("body")
        page.close()


def _metric_value(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_an_import_from_another_process_shows_up_live_without_a_reload(tmp_path, browser):
    """The province view stays put (URL, drill-down, the very same page) while its figure changes."""
    from data_access import db
    from data_access.seed import seed
    from tests.conftest import AS_OF
    url = f"sqlite:///{tmp_path / 'live.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    with streamlit_app(url, "streamlit-live.log", WARROOM_REFRESH_SECONDS="2") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/?level=province&area=30&lang=en", wait_until="domcontentloaded")
        wait_for_run(page)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        label = "Relief disbursed"
        before, address = _metric_value(page, label), page.url
        page.evaluate("window.__sameDocument = 'yes'")  # a reload would wipe this
        page.screenshot(path=str(ARTIFACTS / "live-before-import.png"), full_page=True)
        assert "Live" in page.locator('[data-testid="stSidebar"]').inner_text()

        import_relief(url, tmp_path, "C2570-3001-LIVE1")  # a province reports: relief in Nakhon Ratchasima
        wait_for_metric_change(page, label, before, timeout_ms=20_000)
        wait_for_run(page)
        page.screenshot(path=str(ARTIFACTS / "live-after-import.png"), full_page=True)
        assert _metric_value(page, label) != before
        assert page.url == address and "area=30" in page.url
        assert page.evaluate("window.__sameDocument") == "yes"
        assert "Nakhon Ratchasima" in page.locator("h1").first.inner_text() + page.inner_text("body")
        page.close()


SMALL_CONTROLS = """() => [...document.querySelectorAll('button, [role=button], a, input, .react-aria-ComboBox > div')]
  .filter(e => e.matches('.react-aria-ComboBox > div') || !e.closest('.react-aria-ComboBox'))  // a select's control is its target
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 1 && r.height < 44; })
  .map(e => (e.getAttribute('data-testid') || e.innerText || e.tagName).slice(0, 40) + ' ' +
            Math.round(e.getBoundingClientRect().height) + 'px')"""


# Every page a governor (province 30, district 3001) or the national viewer opens on a tablet.
TABLET_PAGES = (("overview", "/"), ("home", "/?home=30"), ("profile", "/profile?level=district&area=3001"),
                ("padme", "/padme?level=province&area=30"), ("cebrs", "/cebrs?level=province&area=30"),
                ("thaiqm", "/thaiqm?level=province&area=30"), ("sdg", "/sdg?level=province&area=30"),
                ("weekly", "/weekly?level=province&area=30"))

# The page scrolls inside Streamlit's main section, not the document: look at both.
SIDEWAYS = """() => [document.documentElement, document.body, ...document.querySelectorAll(
    '[data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
  .filter(e => e.scrollWidth > e.clientWidth)
  .map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth)"""

# A figure squeezed into too narrow a card is cut with an ellipsis by CSS ("1…" for 128): the text
# overflows its box, which innerText does not show.
CUT_FIGURES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
  .filter(v => v.innerText.trim().endsWith('…') ||
               [v, ...v.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth))
  .map(v => v.innerText.trim() + ' (' +
            v.closest('[data-testid="stMetric"]').querySelector('[data-testid="stMetricLabel"]').innerText.trim() + ')')"""


# The map pages, by the number of areas their first map draws: the provinces of the country, the
# districts of Nakhon Ratchasima.
MAPPED = {"overview": 77, "home": 32}


@pytest.fixture(scope="module")
def last_weeks_snapshot(sqlite_url):
    """The week before this one, so the weekly page has figures to lay out: the demo seed stores the
    weeks before its as-of week (data_access.history), and the shell takes this week's."""
    import datetime as dt
    from data_access import clock, db, snapshots
    from metrics.fiscal import week_start
    week = week_start(clock.today()) - dt.timedelta(days=7)
    assert week in snapshots.weeks(db.engine_for(sqlite_url))
    return week


@pytest.mark.parametrize("width, height", [(1024, 768), (820, 1180)])
def test_a_tablet_gets_every_page_without_sideways_scrolling_and_44px_controls(server, browser, last_weeks_snapshot,
                                                                               width, height):
    # An iPad's Safari asks for desktop pages (is_mobile stays False); it has a touch screen, so
    # `pointer: coarse` holds and static/touch.css applies.
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    problems = {}
    for name, path in TABLET_PAGES:
        page.goto(f"{server}{path}", wait_until="domcontentloaded")
        wait_for_run(page)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        wait_for_layout(page)  # charts take their width
        page.screenshot(path=str(ARTIFACTS / f"tablet-{width}x{height}-{name}.png"))
        found = {"exceptions": page.locator('[data-testid="stException"]').count(),
                 "sideways": page.evaluate(SIDEWAYS), "small controls": page.evaluate(SMALL_CONTROLS),
                 "cut figures": page.evaluate(CUT_FIGURES)}
        if name in MAPPED:  # every area of the map can be seen, and so tapped
            wait_for_maps(page)
            areas = page.evaluate(MAP_AREAS)
            found["areas drawn"] = [] if len(areas) == MAPPED[name] else [len(areas)]
            found["areas off the map"] = [a["label"] for a in areas if not a["inside"]]
        if any(found.values()):
            problems[name] = {k: v for k, v in found.items() if v}
    context.close()
    assert problems == {}


def test_a_tablet_drills_into_a_province_by_tapping_the_map_and_back_by_the_breadcrumb(server, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.goto(f"{server}/?lang=th", wait_until="domcontentloaded")
    wait_for_run(page)
    page.locator('[data-testid="stVegaLiteChart"]').first.evaluate("e => e.scrollIntoView({block: 'center'})")
    wait_for_maps(page)
    page.screenshot(path=str(ARTIFACTS / "tablet-tap-1-nation.png"))

    spot = map_area(page, "นครราชสีมา")
    assert spot["inside"], spot
    page.touchscreen.tap(spot["x"], spot["y"])
    wait_until(page, "() => location.search.includes('area=30')", timeout_ms=30_000)
    wait_for_run(page)
    wait_for_maps(page)
    page.screenshot(path=str(ARTIFACTS / "tablet-tap-2-province-30.png"))
    assert "level=province" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    crumbs = page.locator(".st-key-breadcrumbs")
    assert crumbs.locator("strong").inner_text() == "นครราชสีมา"  # the province in view, not a link
    assert page.get_by_role("heading", name="แผนที่รายอำเภอ").is_visible()  # its districts' map

    crumbs.get_by_role("button", name="ประเทศไทย").tap()
    wait_until(page, "() => location.search.includes('level=nation')", timeout_ms=30_000)
    wait_for_run(page)
    page.screenshot(path=str(ARTIFACTS / "tablet-tap-3-back-to-nation.png"))
    assert "area=" not in page.url
    assert page.get_by_role("heading", name="แผนที่รายจังหวัด").is_visible()
    context.close()
