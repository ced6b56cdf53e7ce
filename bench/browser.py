"""What a person in front of Chromium waits for, and what the server spends doing it.

Against `streamlit run` on localhost with Debian's Chromium (as the browser tests): time from
navigation to a fully drawn overview (figures, map polygons, script idle), and from a drill-down click
(an exceptions button: province → its districts) to the drawn result; Streamlit's own floor is a bare
one-line app in the same browser and run. Bytes per view are the websocket frames the server sends
(chart specs, tables) plus geometry fetched from /app/static (cached by the browser after the first
view). Peak RSS of the server process is read from /proc with 1 and then 10 concurrent sessions.
"""
from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = ('() => { const app = document.querySelector(\'[data-testid="stApp"]\');'
        ' return app && app.dataset.testConnectionState === "CONNECTED"'
        ' && app.dataset.testScriptState === "notRunning"'
        ' && !document.querySelector(\'[data-testid="stSkeleton"]\'); }')
DRAWN = ('() => document.querySelectorAll(\'[data-testid="stMetric"]\').length > 0'
         ' && document.querySelectorAll(".js-plotly-plot .maplibregl-canvas, .js-plotly-plot canvas").length > 0')


@contextlib.contextmanager
def server(script: str, db_url: str, log: Path):
    """`streamlit run script` on a free port; yields (base URL, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true",
                                 "--browser.gatherUsageStats", "false"],
                                cwd=ROOT, env={**os.environ, "WARROOM_DB_URL": db_url, "WARROOM_AUTH": "demo"}, stdout=out,
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"streamlit did not start; see {log}") from None
                    time.sleep(0.3)
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the process in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class _Traffic:
    """Bytes the server sends a page: websocket frames and static geometry."""

    def __init__(self, page):
        self.ws = self.static = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("requestfinished", self._request)

    def _frame(self, payload) -> None:
        self.ws += len(payload)

    def _request(self, request) -> None:
        if "/app/static/" in request.url:
            with contextlib.suppress(Exception):
                self.static += request.sizes()["responseBodySize"]

    def reset(self) -> None:
        self.ws = self.static = 0


def _open(browser, url: str, drawn: str = DRAWN):
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    traffic = _Traffic(page)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(drawn, timeout=60_000, polling=50)
    page.wait_for_function(IDLE, timeout=60_000, polling=50)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")  # every byte of the view counted, geometry included
    return page, traffic, seconds


def _drill(page) -> float:
    """Click the first lagging province of the exceptions panel; seconds to its drawn district view."""
    button = page.locator('[data-testid="stButton"] button').filter(has_text="·").first
    button.scroll_into_view_if_needed()
    started = time.perf_counter()
    button.click()
    page.wait_for_function("location.search.includes('level=province')", timeout=60_000, polling=50)
    page.wait_for_function(DRAWN, timeout=60_000, polling=50)
    page.wait_for_function(IDLE, timeout=60_000, polling=50)
    return time.perf_counter() - started


def summary(values: list[float]) -> dict:
    from bench.pages import p95
    return {"median_s": round(statistics.median(values), 3), "p95_s": round(p95(values), 3), "n": len(values)}


def measure(db_url: str, repeats: int, sessions: int, workdir: Path) -> dict:
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    results: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        with server("bench/bare_app.py", db_url, workdir / "bench-bare.log") as (base, _):
            floor = []
            for _ in range(repeats):
                page, _, seconds = _open(browser, base, drawn="() => document.body.innerText.includes('War Room floor')")
                floor.append(seconds)
                page.close()
            results["floor"] = summary(floor)
        with server("serve.py", db_url, workdir / "bench-app.log") as (base, pid):
            first, traffic_first = None, {}
            loads, drills, load_bytes, drill_bytes = [], [], [], []
            for i in range(repeats + 1):
                page, traffic, seconds = _open(browser, f"{base}/?lang=th")
                if i == 0:
                    first = seconds  # the server's first visitor: every cache empty
                    traffic_first = {"ws_bytes": traffic.ws, "static_bytes": traffic.static}
                    results["rss_one_session_mb"] = round(rss_mb(pid)[0], 1)
                else:
                    loads.append(seconds)
                    load_bytes.append(traffic.ws)
                traffic.reset()
                drills.append(_drill(page))
                drill_bytes.append(traffic.ws + traffic.static)
                page.close()
            results["overview_first_visit_s"] = round(first, 3)
            results["overview"] = summary(loads)
            results["drill"] = summary(drills[1:] or drills)
            results["bytes_overview"] = {**traffic_first, "ws_bytes_warm": int(statistics.median(load_bytes))}
            results["bytes_drill"] = int(statistics.median(drill_bytes))
            pages = []
            for _ in range(sessions):  # many people at once: every page open and drawn together
                page = browser.new_page(viewport={"width": 1600, "height": 1200})
                page.goto(f"{base}/?lang=th", wait_until="commit")
                pages.append(page)
            for page in pages:
                page.wait_for_function(DRAWN, timeout=300_000, polling=200)
                page.wait_for_function(IDLE, timeout=300_000, polling=200)
            current, peak = rss_mb(pid)
            results[f"rss_{sessions}_sessions_mb"] = round(current, 1)
            results["rss_peak_mb"] = round(peak, 1)
            results["sessions"] = sessions
            for page in pages:
                page.close()
        browser.close()
    return results
