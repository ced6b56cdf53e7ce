"""A governor's tablet (issue 17): the app as a governor sees it at 1024 × 768 (landscape) and 820 × 1180
(portrait) with a touch screen, and that no text is cut short at 1024, 1366 and 1920 wide.

Each tablet test opens the app in a fresh browser (nothing remembered), signs in as the demo's governor
of Nakhon Ratchasima through the top bar's demo button, and checks, page by page (the sidebar's links,
as a finger would): the sidebar starts closed, the language, the period and the map's KPI are at the
top in one tap, every control a finger can reach is at least 44 px tall, no text is cut with "…", and
on the overview the province's four headline figures, its exceptions and its map start on the first
screen. Screenshots: tests/artifacts/tablet-<w>x<h>-<page>.png. One server for the module; every wait
is for a state (tests/browser_support.py), bounded.
"""
from __future__ import annotations

import pytest

from tests.browser_support import (ARTIFACTS, require_chromium, streamlit_app, wait_for_layout, wait_for_maps,
                                   wait_for_run, wait_until)
from ui.i18n import t

pytestmark = pytest.mark.browser

TABLETS = [(1024, 768), (820, 1180)]
DESKTOPS = [(1366, 900), (1920, 1080)]
# The governor's pages after the overview, as the sidebar names them (Thai, the default).
PAGES = ("profile", "padme", "cebrs", "thaiqm", "sdg", "weekly")
PROVINCE = "นครราชสีมา"  # the demo governor's province, code 30

# Everything a finger can reach: visible (some size, not hidden, not in the closed sidebar, not under an
# ancestor made transparent) and focusable or clickable. Each as "what (w×h)".
_REACHABLE = """
  const closed = document.querySelector('[data-testid="stSidebar"][data-collapsed="true"]');
  const shown = e => {
    if (closed && closed.contains(e)) return false;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width < 2 || r.height < 2 || s.visibility === 'hidden' || r.right <= 0 || r.left >= innerWidth) return false;
    for (let n = e; n; n = n.parentElement) if (getComputedStyle(n).opacity === '0') return false;
    return !e.closest('[inert], [aria-hidden="true"]');
  };
  const name = e => ((e.getAttribute('data-testid') || '') + ' ' +
                     (e.getAttribute('aria-label') || e.innerText || e.value || e.tagName)).trim().slice(0, 50);
  const box = e => { const r = e.getBoundingClientRect(); return Math.round(r.width) + '×' + Math.round(r.height); };
"""
SMALL_CONTROLS = """() => {""" + _REACHABLE + """
  return [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, summary, ' +
      '[role=button], [role=tab], [role=link], [role=checkbox], [role=radio], [role=switch], [role=combobox], ' +
      '[role=slider], .react-aria-ComboBox > div')]
    .filter(shown)
    .filter(e => e.getBoundingClientRect().height < 44)
    .map(e => name(e) + ' (' + box(e) + ')');
}"""
# Text cut by CSS with an ellipsis: an element that shows "…" for what does not fit (text-overflow) and
# whose text is wider than its box. Each as "what: text".
CUT_TEXT = """() => {""" + _REACHABLE + """
  return [...document.querySelectorAll('body *')]
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && shown(e))
    .map(e => name(e) + ': ' + (e.innerText || '').trim().slice(0, 60));
}"""
# A toolbar shown over a table or chart (a touch screen keeps a table's toolbar shown) covering the
# element it belongs to or the one above it. Each as "what: toolbar top–bottom, element top, above's bottom".
COVERING_TOOLBARS = """() => [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
  .filter(bar => { for (let n = bar; n; n = n.parentElement) if (getComputedStyle(n).opacity === '0') return false;
                   return bar.getBoundingClientRect().height > 0; })
  .map(bar => { const host = bar.closest('[data-testid="stElementContainer"]'), above = host.previousElementSibling;
    const b = bar.getBoundingClientRect(), top = host.getBoundingClientRect().top,
          floor = above ? above.getBoundingClientRect().bottom : -Infinity;
    return (b.bottom > top + 1 || b.top < floor - 1) ?
      (host.querySelector('[data-testid^="st"]:not([data-testid^="stFullScreen"])') || host).dataset.testid + ': ' +
      [b.top, b.bottom, top, floor].map(Math.round) : null; })
  .filter(Boolean)"""
# Where the first screen's blocks start and end (page pixels, the page scrolled to its top).
FIRST_SCREEN = """() => {
  const rect = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const paths = [...document.querySelectorAll('.st-key-overview-map g.mark-shape path')].map(rect);
  const exceptions = document.querySelector('.st-key-overview-exceptions');
  const heading = exceptions && exceptions.querySelector('h3');
  return {
    height: innerHeight, scrolled: document.querySelector('[data-testid="stMain"]').scrollTop,
    cards: [...document.querySelectorAll('.st-key-headlines [data-testid="stMetric"]')].map(rect),
    map: paths.length ? {top: Math.min(...paths.map(p => p.top)), bottom: Math.max(...paths.map(p => p.bottom)),
                         areas: paths.length} : null,
    exceptions: exceptions && rect(exceptions), exceptionsHeading: heading && rect(heading),
  };
}"""
# The top bar's controls: each one's box, by its accessible name.
TOP_BAR = """() => {
  const bar = document.querySelector('.st-key-topbar');
  if (!bar) return null;
  const rect = e => { const r = e.getBoundingClientRect();
    return {top: Math.round(r.top), bottom: Math.round(r.bottom), height: Math.round(r.height), width: Math.round(r.width)}; };
  const found = {};
  for (const input of bar.querySelectorAll('.react-aria-ComboBox input')) {
    const control = input.closest('.react-aria-ComboBox > div');
    found[input.getAttribute('aria-label')] = {...rect(control), open: rect(control.querySelector('button'))};
  }
  const lang = bar.querySelector('[data-testid="stButtonGroup"]');
  if (lang) found.language = {...rect(lang), buttons: [...lang.querySelectorAll('button')].map(b => b.innerText)};
  const chip = bar.querySelector('[data-testid="stPopoverButton"]');
  if (chip) found.demo = {...rect(chip), text: chip.innerText};
  return found;
}"""
SIDEBAR_OPEN = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
  return !!s && s.dataset.collapsed === 'false' && s.getBoundingClientRect().width > 200; }"""
SIDEBAR_CLOSED = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
  return !s || (s.dataset.collapsed === 'true' && s.getBoundingClientRect().width < 2); }"""
# A page is drawn: a heading, and every chart with its SVG and every map with its areas (bench/trace.py).
DRAWN = """() => !!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"]')
  && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg'))
  && [...document.querySelectorAll('[data-testid="stVegaLiteChart"] g.mark-shape')].every(g => g.querySelector('path'))"""


@pytest.fixture(scope="module")
def server(sqlite_url):
    require_chromium()
    with streamlit_app(sqlite_url, "streamlit-tablet.log") as base:
        yield base


@pytest.fixture(scope="module")
def last_weeks_snapshot(sqlite_url):
    """A snapshot of the week before this one, so the weekly page has figures to lay out (the shell takes
    only this week's); removed afterwards, so the shared database is left as seeded."""
    import datetime as dt
    from sqlalchemy import delete
    from data_access import clock, db, schema, snapshots
    from metrics.fiscal import week_start
    engine, week = db.engine_for(sqlite_url), week_start(clock.today()) - dt.timedelta(days=7)
    snapshots.take(engine, week)
    yield week
    with engine.begin() as conn:
        for table in (schema.kpi_snapshot, schema.late_project_snapshot):
            conn.execute(delete(table).where(table.c.week_start == week))


def _settle(page) -> None:
    wait_for_run(page)
    wait_until(page, DRAWN, timeout_ms=60_000)
    wait_for_layout(page)


def _choose(page, label: str, option: str) -> None:
    """Tap a select box (by its accessible name), type to narrow its list (a long one shows only what
    fits), tap the option; wait for the rerun."""
    page.locator(f'input[aria-label="{label}"]').tap()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).tap()
    wait_for_run(page)


def _sign_in_as_the_demo_governor(page) -> dict:
    """The top bar's demo button opens the banner and the chooser; the governor of Nakhon Ratchasima is
    two choices away. Returns the button's box before it was opened."""
    chip = page.locator('.st-key-demo_chip [data-testid="stPopoverButton"]')
    before = chip.bounding_box()
    chip.tap()
    page.get_by_text(t("demo_banner", "th")).wait_for(timeout=30_000)  # the banner lives in the popover
    _choose(page, t("role", "th"), t("role_governor", "th"))
    _choose(page, t("province", "th"), PROVINCE)
    wait_until(page, "() => location.search.includes('area=30')", timeout_ms=30_000)
    page.keyboard.press("Escape")  # the popover closes; the page is the governor's
    wait_until(page, "() => !document.querySelector('[data-testid=\"stPopoverBody\"]')", timeout_ms=10_000)
    return before


def _top_bar_problems(page, *, kpi: bool) -> list[str]:
    """The language, fiscal year, quarter (and on the overview the map's KPI) at the top, each ≥ 44 px."""
    bar = page.evaluate(TOP_BAR)
    if bar is None:
        return ["no top bar"]
    wanted = ["language", t("fiscal_year", "th"), t("quarter", "th")] + ([t("map_kpi", "th")] if kpi else [])
    problems = [f"{name}: missing" for name in wanted if name not in bar]
    for name in wanted:
        box = bar.get(name)
        if box is None:
            continue
        if box["top"] > 200:  # the first thing under Streamlit's header
            problems.append(f"{name}: starts {box['top']} px down")
        if box["height"] < 44 or ("open" in box and min(box["open"]["height"], box["open"]["width"]) < 44):
            problems.append(f"{name}: {box}")
    return problems


def _check_page(page, name: str, width: int, height: int) -> dict:
    page.screenshot(path=str(ARTIFACTS / f"tablet-{width}x{height}-{name}.png"))
    found = {"errors": page.locator('[data-testid="stException"]').count(),
             "sidebar open": [] if page.evaluate(SIDEBAR_CLOSED) else ["open"],
             "top bar": _top_bar_problems(page, kpi=name == "overview"),
             "controls under 44 px": page.evaluate(SMALL_CONTROLS),
             "text cut with …": page.evaluate(CUT_TEXT),
             "toolbars covering content": page.evaluate(COVERING_TOOLBARS)}
    return {k: v for k, v in found.items() if v}


def _first_screen_problems(screen: dict) -> list[str]:
    """The four headline cards whole, the exceptions' heading and a third of the map on the first screen."""
    bottom, problems = screen["height"], []
    if screen["scrolled"]:
        problems.append(f"scrolled {screen['scrolled']} px")
    if len(screen["cards"]) != 4 or any(c["bottom"] > bottom for c in screen["cards"]):
        problems.append(f"headline cards {screen['cards']}")
    if not screen["exceptionsHeading"] or screen["exceptionsHeading"]["bottom"] > bottom:
        problems.append(f"exceptions {screen['exceptions']}")
    drawn = screen["map"]
    if not drawn or drawn["top"] > bottom - (drawn["bottom"] - drawn["top"]) * 2 / 3:
        problems.append(f"map {drawn}")
    return problems


@pytest.mark.parametrize("width, height", TABLETS)
def test_a_governors_tablet_opens_on_their_province_with_everything_in_reach(server, browser, last_weeks_snapshot,
                                                                               width, height):
    # An iPad asks for desktop pages (is_mobile False) and has a touch screen: `pointer: coarse` holds.
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, is_mobile=False)
    page = context.new_page()
    page.goto(f"{server}/?lang=th", wait_until="domcontentloaded")
    _settle(page)
    problems = {}
    if not page.evaluate(SIDEBAR_CLOSED):  # a fresh browser: nothing remembered
        problems["sidebar on opening"] = "open"
    chip = _sign_in_as_the_demo_governor(page)
    if chip["height"] > 60:  # the demo banner and chooser: one line until opened
        problems["demo button"] = chip
    _settle(page)
    wait_for_maps(page)
    chip_text = page.evaluate(TOP_BAR)["demo"]["text"]
    assert t("role_governor", "th") in chip_text and PROVINCE in chip_text, chip_text
    assert page.get_by_text(t("demo_banner", "th")).count() == 0  # folded into the button, not on the page

    if screen := _first_screen_problems(page.evaluate(FIRST_SCREEN)):
        problems["overview first screen"] = screen
    if found := _check_page(page, "overview", width, height):
        problems["overview"] = found
    # One tap opens the fiscal year's list, right at the top.
    page.locator(f'input[aria-label="{t("fiscal_year", "th")}"]').tap()
    page.get_by_role("option", name=t("fiscal_year_value", "th").format(year=2569)).wait_for(timeout=10_000)
    page.keyboard.press("Escape")

    for name in PAGES:  # through the sidebar, as a finger would; it closes again after
        opener = page.locator('[data-testid="stExpandSidebarButton"]')
        if min(opener.bounding_box()["height"], opener.bounding_box()["width"]) < 44:
            problems.setdefault(name, {})["sidebar button"] = opener.bounding_box()
        opener.tap()
        wait_until(page, SIDEBAR_OPEN, timeout_ms=10_000)
        closer = page.locator('[data-testid="stSidebarCollapseButton"]')
        if closer.evaluate("e => getComputedStyle(e).visibility") != "visible":  # no mouse to hover it out
            problems.setdefault(name, {})["sidebar close button"] = "hidden"
        if small := page.evaluate(SMALL_CONTROLS):  # the sidebar's links and buttons too
            problems.setdefault(name, {})["sidebar controls under 44 px"] = small
        if cut := page.evaluate(CUT_TEXT):  # the page names, the live badge
            problems.setdefault(name, {})["sidebar text cut with …"] = cut
        page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=t(f"nav_{name}", "th")).tap()
        wait_until(page, "path => location.pathname.endsWith(path)", f"/{name}", timeout_ms=30_000)
        _settle(page)
        page.locator('[data-testid="stSidebarCollapseButton"] button').tap()
        wait_until(page, SIDEBAR_CLOSED, timeout_ms=10_000)
        wait_for_layout(page)
        if PROVINCE not in page.locator('[data-testid="stMain"]').inner_text():  # still the governor's own
            problems.setdefault(name, {})["province"] = page.url
        if found := _check_page(page, name, width, height):
            problems.setdefault(name, {}).update(found)
    context.close()
    assert problems == {}


@pytest.mark.parametrize("width, height", [(1024, 768), *DESKTOPS])
def test_no_text_is_cut_short_on_a_desktop(server, browser, last_weeks_snapshot, width, height):
    """The same pages without touch (a desktop's mouse, the province in view): labels, comparisons and
    headers wrap instead of ending in "…"."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    cut = {}
    for name in ("overview", *PAGES):
        path = "/" if name == "overview" else f"/{name}"
        page.goto(f"{server}{path}?lang=th&level=province&area=30", wait_until="domcontentloaded")
        _settle(page)
        if name == "overview":
            page.screenshot(path=str(ARTIFACTS / f"desktop-{width}x{height}-overview.png"))
        if found := page.evaluate(CUT_TEXT):
            cut[name] = found
    context.close()
    assert cut == {}
