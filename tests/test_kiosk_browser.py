"""The war-room wall in Chromium at 1920x1080: dark, chrome-less, readable across the room, and moving
to its next view by itself within the interval. Screenshots: tests/artifacts/kiosk-*.png."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from metrics.fiscal import BANGKOK
from tests.browser_support import ARTIFACTS, import_relief, streamlit_app, wait_for_metric_change, wait_for_run
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


def test_the_wall_is_dark_readable_and_rotates_within_its_interval(server, browser):
    page = browser.new_page(viewport=WALL)
    page.goto(f"{server}/?kiosk=1&rotate={ROTATE}&embed=true&embed_options=dark_theme", wait_until="domcontentloaded")
    wait_for_run(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0", timeout=30_000)
    page.wait_for_timeout(1000)
    first = _title(page)
    assert first == PLAYLIST_TITLES[0]

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
    # The clock is Bangkok's.
    header = page.locator('[data-testid="stMain"]').inner_text()
    now = dt.datetime.now(BANGKOK)
    assert any(f"{m:%H:%M}" in header for m in (now - dt.timedelta(minutes=1), now)), header[:80]
    assert "PADME ·" in header and t("live") in header

    # Rotation: each next view comes within the interval (plus the time to draw), in the playlist's order.
    seen, last_change = [first], time.monotonic()
    page.screenshot(path=str(ARTIFACTS / "kiosk-1920x1080-1.png"))
    while len(seen) < len(PLAYLIST_TITLES) + 1:
        deadline = last_change + ROTATE + SLACK
        while _title(page) == seen[-1]:
            assert time.monotonic() < deadline, f"still {seen[-1]!r} {ROTATE + SLACK} s after it came up"
            page.wait_for_timeout(200)
        elapsed = time.monotonic() - last_change
        seen.append(_title(page))
        last_change = time.monotonic()
        assert elapsed >= 0.5 * ROTATE, f"{seen[-1]!r} came after only {elapsed:.1f} s"
        page.wait_for_timeout(1500)  # let the map and figures draw before the picture
        page.screenshot(path=str(ARTIFACTS / f"kiosk-1920x1080-{len(seen)}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= WALL["width"]
        assert page.locator('[data-testid="stException"]').count() == 0
    assert seen == PLAYLIST_TITLES + PLAYLIST_TITLES[:1]
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
