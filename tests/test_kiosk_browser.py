"""The war-room wall in Chromium at 1920x1080: dark, chrome-less, readable across the room, and moving
to its next view by itself within the interval. Screenshots: tests/artifacts/kiosk-*.png."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser_support import ARTIFACTS, import_relief, streamlit_app, wait_for_metric_change, wait_for_run, wait_until
from ui.i18n import t

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
ROTATE = 8  # seconds: short, so the test sees a whole turn of the four-view playlist
SLACK = 4   # seconds a view may take to draw after its turn comes
PLAYLIST_TITLES = [f"{t('kiosk_slide_overview')} · ประเทศไทย", f"{t('kiosk_slide_exceptions')} · ประเทศไทย",
                   f"{t('source_padme')} · ประเทศไทย", f"{t('kiosk_slide_overview')} · ภาคตะวันออกเฉียงเหนือ"]
# The smallest computed font size of any visible text on the wall, and of the figures themselves.
FONT_SIZES = """() => {
  const sizes = [], figures = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || !el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    sizes.push([size, walker.currentNode.textContent.trim().slice(0, 30)]);
    if (el.closest('[data-testid="stMetricValue"]')) figures.push(size);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return {smallest: sizes.slice(0, 3), figures: figures};
}"""


@pytest.fixture(scope="module")
def server(sqlite_url):
    with streamlit_app(sqlite_url, "streamlit-kiosk.log") as base:
        yield base


def _title(page) -> str:
    return page.locator("h2").first.inner_text().strip()


# Every change of the wall's title, as the page itself sees it (time in ms since the page began), so
# the test asserts the sequence and the intervals of what was shown, not what shows at one moment.
RECORD_TITLES = """
window.__titles = [];
setInterval(() => {
  const h = document.querySelector('[data-testid="stMain"] h2');
  const text = h ? h.innerText.trim() : '';
  const last = window.__titles[window.__titles.length - 1];
  if (text && (!last || last[0] !== text)) window.__titles.push([text, performance.now()]);
}, 100);
"""


def _titles_seen(page) -> list:
    return page.evaluate("window.__titles")


def test_the_wall_is_dark_readable_and_rotates_within_its_interval(server, browser):
    from data_access import clock
    from tests.conftest import NOW
    page = browser.new_page(viewport=WALL)
    page.add_init_script(RECORD_TITLES)
    page.goto(f"{server}/?kiosk=1&rotate={ROTATE}&embed=true&embed_options=dark_theme", wait_until="domcontentloaded")
    wait_for_run(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    wait_until(page, "() => window.__titles.length > 0", timeout_ms=30_000)
    assert _titles_seen(page)[0][0] == PLAYLIST_TITLES[0]  # the wall starts at the playlist's first view
    wait_until(page, f"() => ({FONT_SIZES})().figures.length > 0", timeout_ms=30_000)  # figures drawn

    # The room's view: no sidebar, no Streamlit toolbar, the dark theme, nothing wider than the wall.
    assert page.locator('[data-testid="stSidebar"]:visible').count() == 0
    assert page.locator('[data-testid="stToolbar"]:visible, header[data-testid="stHeader"]:visible').count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor") \
        == "rgb(11, 18, 32)"
    assert page.evaluate("document.documentElement.scrollWidth") <= WALL["width"]
    # Readable at 5 m (docs/KIOSK.md): no text under 24 px, the figures at least 64 px.
    sizes = page.evaluate(FONT_SIZES)
    assert sizes["smallest"][0][0] >= 24, sizes["smallest"]
    assert sizes["figures"] and min(sizes["figures"]) >= 64, sizes["figures"]
    # The clock is the app's (data_access.clock, started at conftest.NOW by WARROOM_NOW) in Bangkok time:
    # 14:0x on 20 Nov 2569, not the machine's date and not UTC (07:0x).
    header = page.locator('[data-testid="stMain"]').inner_text()
    start = clock.parse_moment(NOW)
    assert any(f"{start + dt.timedelta(minutes=m):%H:%M}" in header for m in range(10)), header[:80]
    assert "20 พ.ย. 2569" in header and "PADME ·" in header and t("live") in header
    page.screenshot(path=str(ARTIFACTS / "kiosk-1920x1080-1.png"))

    # Rotation: the views come in the playlist's order, each after at least half the interval and
    # within the interval plus the time to draw (measured by the page, whatever this process does).
    for shown in range(2, len(PLAYLIST_TITLES) + 2):
        wait_until(page, f"() => window.__titles.length >= {shown}", timeout_ms=(ROTATE + SLACK) * 1000 + 5000)
        wait_for_run(page)
        page.screenshot(path=str(ARTIFACTS / f"kiosk-1920x1080-{shown}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= WALL["width"]
        assert page.locator('[data-testid="stException"]').count() == 0
    seen = _titles_seen(page)[:len(PLAYLIST_TITLES) + 1]
    assert [title for title, _ in seen] == PLAYLIST_TITLES + PLAYLIST_TITLES[:1]
    gaps = [(later - earlier) / 1000 for (_, earlier), (_, later) in zip(seen, seen[1:])]
    assert all(0.5 * ROTATE <= gap <= ROTATE + SLACK for gap in gaps), gaps
    page.close()


def test_a_wall_opened_without_the_embed_options_still_hides_the_chrome_and_says_what_to_add(server, browser):
    page = browser.new_page(viewport=WALL)
    page.goto(f"{server}/?kiosk=1", wait_until="domcontentloaded")
    wait_for_run(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "kiosk-light.png"))
    assert page.locator('[data-testid="stSidebar"]:visible, header[data-testid="stHeader"]:visible').count() == 0
    assert "embed_options=dark_theme" in page.locator('[data-testid="stMain"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WALL["width"]
    page.close()


def test_new_data_redraws_the_wall_in_place_without_moving_on(tmp_path, browser):
    """An import from another process shows on the wall within its 10-second check; the view stays."""
    from data_access import db
    from data_access.seed import seed
    from tests.conftest import AS_OF
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    with streamlit_app(url, "streamlit-kiosk-live.log") as base:
        page = browser.new_page(viewport=WALL)
        page.goto(f"{base}/?kiosk=1&views=region:northeast&rotate=3600&lang=en&embed=true&embed_options=dark_theme",
                  wait_until="domcontentloaded")
        wait_for_run(page)
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
        label = t("cebrs_disbursed_pct", "en")
        card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
        before, title = card.locator('[data-testid="stMetricValue"]').inner_text(), _title(page)
        page.evaluate("window.__sameDocument = 'yes'")  # a reload would wipe this

        import_relief(url, tmp_path, "C2570-3001-WALL1")  # Nakhon Ratchasima is in the north-east
        wait_for_metric_change(page, label, before, timeout_ms=25_000)
        page.screenshot(path=str(ARTIFACTS / "kiosk-live-after-import.png"))
        assert _title(page) == title  # still the same view
        assert page.evaluate("window.__sameDocument") == "yes"
        page.close()
