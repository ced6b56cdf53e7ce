"""One page load in Chromium, taken apart: where the seconds and the bytes go.

Through the DevTools protocol (the same numbers the Performance and Network panels show): every response
with its type and its size on the wire (compressed, headers included) and decoded; websocket frames; the
script reruns the load caused (a watcher on Streamlit's script state); the main thread's time in script,
style and layout; and when the last JavaScript arrived relative to the first and last rerun. A profile
(`network`) throttles the connection as DevTools does (latency per request, bandwidth shared).
"""
from __future__ import annotations

import contextlib
import tempfile
import time
from collections import defaultdict
from urllib.parse import urlparse

# A governor's 4G as issue 16 measures it: 150 ms round trip, 1.5 MB/s down.
FOUR_G = {"offline": False, "latency": 150, "downloadThroughput": 1_500_000, "uploadThroughput": 750_000}

IDLE = ('() => { const app = document.querySelector(\'[data-testid="stApp"]\');'
        ' return app && app.dataset.testConnectionState === "CONNECTED"'
        ' && app.dataset.testScriptState === "notRunning"'
        ' && !document.querySelector(\'[data-testid="stSkeleton"]\'); }')
# Charts are Vega-Lite, drawn as SVG by Streamlit's Vega element. A map is a chart with a geoshape mark
# (its `g.mark-shape` group is there before the GeoJSON arrives, empty); it is drawn when every map on
# the page holds the paths of its areas. `least`: how many maps the page must have.
MAPS_DRAWN = """(least) => {
  const maps = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] g.mark-shape')];
  return maps.length >= least && maps.every(g => g.querySelector('path'));
}"""
# The overview is drawn when its figures are on screen and its map has drawn its polygons.
OVERVIEW = ("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length > 0 && (" + MAPS_DRAWN + ")(1)")
# Any page: its title on screen and every chart on the page drawn by its library (the script idle too):
# each Vega chart has its SVG, and each map its areas.
PAGE = ("() => !!document.querySelector('[data-testid=\"stMain\"] h1')"
        " && [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')].every(c => c.querySelector('svg'))"
        " && (" + MAPS_DRAWN + ")(0)")
BARE = "() => document.body.innerText.includes('War Room floor')"

# Counts the script runs of this document: each change of Streamlit's script state to "running".
WATCH_RERUNS = """
window.__warroomRuns = 0; window.__warroomRunTimes = [];
new MutationObserver(records => {
  for (const r of records) {
    if (r.target.dataset && r.target.dataset.testScriptState === 'running' && r.oldValue !== 'running') {
      window.__warroomRuns += 1; window.__warroomRunTimes.push(performance.now());
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


class Load:
    """Listens to one page's DevTools session; `.result()` after the page is drawn."""

    def __init__(self, context, page, network: dict | None = None):
        self.page = page
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable")
        if network:
            self.cdp.send("Network.emulateNetworkConditions", network)
        self.responses: dict[str, dict] = {}
        self.ws_bytes = 0
        self.ws_frames = 0
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)

    def _response(self, e) -> None:
        r = e["response"]
        self.responses[e["requestId"]] = {"url": r["url"], "type": e.get("type", "Other"),
                                          "encoding": {k.lower(): v for k, v in r.get("headers", {}).items()}
                                          .get("content-encoding", ""),
                                          "wire": 0, "decoded": 0, "end_ms": None}

    def _data(self, e) -> None:
        if e["requestId"] in self.responses:
            self.responses[e["requestId"]]["decoded"] += e.get("dataLength", 0)

    def _finished(self, e) -> None:
        if e["requestId"] in self.responses:
            entry = self.responses[e["requestId"]]
            entry["wire"] = e.get("encodedDataLength", 0)
            entry["end_ms"] = e["timestamp"] * 1000

    def _frame(self, e) -> None:
        payload = e["response"].get("payloadData", "")
        self.ws_frames += 1
        self.ws_bytes += len(payload) * 3 // 4 if e["response"].get("opcode") == 2 else len(payload.encode())

    def reset(self) -> None:
        self.responses.clear()
        self.ws_bytes = self.ws_frames = 0

    def metrics(self) -> dict:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def result(self) -> dict:
        by_type: dict[str, dict] = defaultdict(lambda: {"n": 0, "wire": 0, "decoded": 0})
        for r in self.responses.values():
            t = by_type[r["type"]]
            t["n"] += 1
            t["wire"] += r["wire"]
            t["decoded"] += r["decoded"]
        scripts = sorted((r for r in self.responses.values() if r["type"] == "Script"), key=lambda r: -r["decoded"])
        wire = sum(r["wire"] for r in self.responses.values())
        return {"requests": len(self.responses), "wire_bytes": wire + self.ws_bytes, "http_wire_bytes": wire,
                "ws_bytes": self.ws_bytes, "ws_frames": self.ws_frames, "by_type": dict(by_type),
                "top_scripts": [{"name": urlparse(r["url"]).path.rsplit("/", 1)[-1], "wire": r["wire"],
                                 "decoded": r["decoded"], "encoding": r["encoding"]} for r in scripts[:6]],
                "compressed": sorted({r["encoding"] for r in self.responses.values() if r["encoding"]})}


def _runs(page) -> tuple[int, list[float]]:
    return page.evaluate("[window.__warroomRuns || 0, window.__warroomRunTimes || []]")


@contextlib.contextmanager
def fresh_profile(pw, executable: str, args: list[str], viewport: dict | None = None):
    """A browser with a new, empty profile on disk, as a tablet's browser is on a first visit: its disk
    cache keeps what it fetched for a reload (an incognito context's small memory cache does not keep
    multi-MB bundles, so it would measure every reload as a first visit)."""
    with tempfile.TemporaryDirectory(prefix="warroom-profile-") as folder:
        context = pw.chromium.launch_persistent_context(
            folder, executable_path=executable, args=args, headless=True,
            viewport=viewport or {"width": 1600, "height": 1200}, ignore_https_errors=True)
        try:
            yield context
        finally:
            context.close()


def open_page(context, url: str, drawn: str = OVERVIEW, network: dict | None = None, timeout_ms: int = 120_000):
    """Open `url` in a new tab of `context`; returns (page, load, seconds to drawn, the figures of the load)."""
    page = context.new_page()
    page.add_init_script(WATCH_RERUNS)
    load = Load(context, page, network)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    seconds = wait_drawn(page, drawn, started, timeout_ms)
    return page, load, seconds, details(page, load, seconds)


def wait_until(page, predicate: str, arg=None, timeout_ms: int = 60_000, poll_ms: int = 50):
    """Until the JavaScript function `predicate(arg)` returns a true value in the page; returns it.

    Why not Playwright's `wait_for_function`: it re-evaluates its predicate with `eval` inside the page,
    which the app's Content-Security-Policy (no 'unsafe-eval') refuses. `page.evaluate` goes through
    the DevTools protocol, which the policy does not govern. Bounded by `timeout_ms`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            value = page.evaluate(predicate, arg)
        except Exception as exc:  # a navigation replaced the document mid-call: try the new one
            if "context was destroyed" not in str(exc) and "navigation" not in str(exc).lower():
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"not true within {timeout_ms} ms: {predicate[:160]}")
        page.wait_for_timeout(poll_ms)


def wait_drawn(page, drawn: str, started: float, timeout_ms: int = 120_000) -> float:
    wait_until(page, drawn, timeout_ms=timeout_ms)
    wait_until(page, IDLE, timeout_ms=timeout_ms)
    return time.perf_counter() - started


def details(page, load: Load, seconds: float) -> dict:
    runs, times = _runs(page)
    m = load.metrics()
    out = {"seconds": round(seconds, 3), "reruns": runs,
           "first_run_ms": round(times[0]) if times else None, "last_run_ms": round(times[-1]) if times else None,
           "script_s": round(m.get("ScriptDuration", 0), 3), "layout_s": round(m.get("LayoutDuration", 0), 3),
           "style_s": round(m.get("RecalcStyleDuration", 0), 3), "task_s": round(m.get("TaskDuration", 0), 3),
           "js_heap_mb": round(m.get("JSHeapUsedSize", 0) / 2**20, 1)}
    out.update(load.result())
    return out


def reload(page, load: Load, drawn: str = OVERVIEW, timeout_ms: int = 120_000) -> dict:
    """The same tab reloaded (a warm cache), once everything the first load fetched has arrived and is kept."""
    page.wait_for_load_state("networkidle")
    load.reset()
    started = time.perf_counter()
    page.reload(wait_until="commit")
    seconds = wait_drawn(page, drawn, started, timeout_ms)
    return details(page, load, seconds)

