"""Browser smoke test: `streamlit run` on a free localhost port, driven by Debian's Chromium.

No `playwright install`: Playwright's own driver talks to /usr/bin/chromium. Where Chromium is missing
the test skips with the reason, except in CI (WARROOM_REQUIRE_BROWSER=1), where it fails.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("WARROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (WARROOM_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sqlite_url):
    _require_chromium()
    port = _free_port()
    env = {**os.environ, "WARROOM_DB_URL": sqlite_url}
    log = (ARTIFACTS / "streamlit.log")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            proc.terminate()
            pytest.fail(f"streamlit did not become healthy; see {log}")
        yield base
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def wait_for_run(page) -> None:
    """A run is finished when the app is connected, the script is idle and no skeleton remains."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=60_000)
    page.wait_for_timeout(250)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_function('!document.querySelector(\'[data-testid="stSkeleton"]\')', timeout=30_000)


def test_overview_renders_in_chromium(server, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1500})
    geometry = []
    page.on("response", lambda r: geometry.append(r.status) if r.url.endswith("provinces.geojson") else None)
    page.goto(f"{server}/?lang=th", wait_until="domcontentloaded")
    wait_for_run(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot canvas').length > 0", timeout=30_000)
    page.wait_for_timeout(1500)  # let the map draw its polygons
    page.screenshot(path=str(ARTIFACTS / "overview-th.png"), full_page=True)

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 8
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
    page.locator('[data-testid="stSelectbox"]').nth(0).click()
    page.get_by_role("option", name="2569").click()
    wait_for_run(page)
    page.locator('[data-testid="stSelectbox"]').nth(2).click()
    page.get_by_role("option", name="Target households helped (%)").click()
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
    assert "One Data · Q4 FY2569" in captions  # the period chosen, restored from the link
    assert "Target households helped (%) · Q4 FY2569" in captions  # the map's KPI, restored
    again.screenshot(path=str(ARTIFACTS / "overview-en-restored.png"))
    again.close()
