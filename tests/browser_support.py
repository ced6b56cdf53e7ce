"""Running the app for browser tests: `streamlit run` on a free localhost port, driven by Debian's
Chromium through Playwright (no `playwright install`: Playwright's own driver talks to /usr/bin/chromium).
Where Chromium is missing a browser test skips with the reason, except in CI (WARROOM_REQUIRE_BROWSER=1),
where it fails."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench import trace
from bench.front import free_port  # noqa: F401  (one way to pick a port, for the tests too)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("WARROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (WARROOM_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


class AppServer:
    """`streamlit run serve.py` (the app as it is deployed: st.App with web/) on a localhost port;
    `stop()` and `start()` again keep the port, as a restarted server would."""

    def __init__(self, db_url: str, log_name: str, port: int | None = None, **env):
        self.port, self.db_url, self.env = port or free_port(), db_url, env
        self.log = ARTIFACTS / log_name
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> str:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, env={**os.environ, "WARROOM_DB_URL": self.db_url, **self.env},
                stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2).read() == b"ok":
                    return self.base
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"streamlit did not become healthy; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None


def streamlit_app(db_url: str, log_name: str, **env):
    """Start the app on a free port; yields its base URL until the with-block ends."""
    import contextlib

    @contextlib.contextmanager
    def running():
        server = AppServer(db_url, log_name, **env)
        (ARTIFACTS / log_name).unlink(missing_ok=True)
        try:
            yield server.start()
        finally:
            server.stop()
    return running()


# The app is idle: connected, the script not running, no skeleton left. Held for three polls in a row
# (300 ms), because a run that is about to start (a click's rerun, pydeck's debounce) looks idle for a
# moment first: waiting for the state to stay, not for a fixed time.
_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]');
  window.__idlePolls = idle ? (window.__idlePolls || 0) + 1 : 0;
  return window.__idlePolls >= 3;
}"""
# Every map on the page has drawn its areas (the benchmark's own test of "drawn").
_MAPS_DRAWN = trace.MAPS_DRAWN
# Polls the page through the DevTools protocol (the app's CSP refuses wait_for_function's eval).
wait_until = trace.wait_until
# Every area of the first map on the page: its name and figure (the SVG path's aria-label), a point
# inside it in page pixels (sampled over its box with the path's own hit test, the one nearest the box's
# centre), and whether that point lies inside the chart's box, where a finger can reach it.
MAP_AREAS = """() => {
  const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .find(c => c.querySelector('g.mark-shape path'));
  if (!chart) return [];
  const frame = chart.getBoundingClientRect();
  return [...chart.querySelectorAll('g.mark-shape path')].map(path => {
    const b = path.getBBox(), m = path.getScreenCTM();
    let best = null;
    for (const n of [8, 24]) {
      for (let i = 0; i <= n; i++) for (let j = 0; j <= n; j++) {
        const p = new DOMPoint(b.x + b.width * i / n, b.y + b.height * j / n);
        if (!path.isPointInFill(p)) continue;
        const d = Math.hypot(i / n - 0.5, j / n - 0.5);
        if (!best || d < best.d) best = {d, p};
      }
      if (best) break;
    }
    const label = path.getAttribute('aria-label') || '';
    if (!best) return {label, x: null, y: null, inside: false};
    const s = best.p.matrixTransform(m);
    return {label, x: s.x, y: s.y,
            inside: s.x > frame.left && s.y > frame.top && s.x < frame.right && s.y < frame.bottom};
  });
}"""


def map_area(page, name: str) -> dict:
    """The first map's area whose label starts with `name` (see MAP_AREAS)."""
    areas = [a for a in page.evaluate(MAP_AREAS) if a["label"].split(" · ")[0] == name]
    assert len(areas) == 1, (name, areas)
    return areas[0]


def wait_for_run(page) -> None:
    """A run is finished when the app is connected, the script is idle and no skeleton remains."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=60_000)
    page.evaluate("window.__idlePolls = 0")
    wait_until(page, _IDLE, timeout_ms=60_000)


# Nothing moves any more: the size of every chart and of the page held for three polls in a row.
_LAYOUT_STILL = """() => {
  const now = JSON.stringify([document.documentElement.scrollWidth, document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(e => { const r = e.getBoundingClientRect();
      return [Math.round(r.width), Math.round(r.height)]; })]);
  window.__stillPolls = now === window.__lastLayout ? (window.__stillPolls || 0) + 1 : 0;
  window.__lastLayout = now;
  return window.__stillPolls >= 3;
}"""


def wait_for_layout(page, timeout_ms: int = 30_000) -> None:
    """Until charts have taken their width and the page stopped growing."""
    page.evaluate("window.__stillPolls = 0; window.__lastLayout = null")
    wait_until(page, _LAYOUT_STILL, timeout_ms=timeout_ms)


def wait_for_maps(page, least: int = 1, timeout_ms: int = 30_000) -> None:
    """Until at least `least` maps are on the page and every map has drawn its areas."""
    wait_until(page, _MAPS_DRAWN, least, timeout_ms=timeout_ms)


def import_relief(url: str, folder: Path, project_id: str) -> None:
    """From another process, as a province's feed would: a relief project in Nakhon Ratchasima
    (subdistrict 300101, so also the north-east), 90 million baht approved and all of it paid out."""
    from tests.conftest import cebrs_bytes
    export = folder / f"{project_id}.csv"
    export.write_bytes(cebrs_bytes({"project_id": project_id, "approved_baht": "90000000", "disbursed_baht": "90000000",
                                    "status": "done", "completed_on": "2026-10-30"}))
    subprocess.run([sys.executable, "-m", "data_access", "import", "cebrs", str(export)], cwd=ROOT,
                   env={**os.environ, "WARROOM_DB_URL": url}, check=True, capture_output=True)


def wait_for_metric_change(page, label: str, before: str, timeout_ms: int) -> None:
    """Until the metric card labelled `label` shows something other than `before`."""
    wait_until(
        page, """([label, before]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes(label) &&
                        m.querySelector('[data-testid="stMetricValue"]').innerText !== before)""",
        [label, before], timeout_ms=timeout_ms)
