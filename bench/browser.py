"""What a person in front of Chromium waits for, and what the server spends doing it.

Against the app (`streamlit run serve.py`) on localhost with Debian's Chromium (as the browser tests):
time from navigation to a fully drawn overview (figures, map polygons, script idle), and from a
drill-down click (an exceptions button: province → its districts) to the drawn result. Streamlit's own
floor is a bare one-line app measured in the same run, and the first-visit targets are ratios to it:
each first visit is a browser with a new profile (an empty disk cache), then reloaded in the same tab
(a warm cache); bench/trace.py takes each load apart (reruns, bytes per type, main-thread time). A
governor's 4G (150 ms, 1.5 MB/s) is measured through the production front: the repo's own nginx config
run by Debian's nginx (bench/front.py). Peak RSS of the server process is read from /proc with 1 and
then 10 concurrent sessions.
"""
from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import front, trace

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = ('() => { const app = document.querySelector(\'[data-testid="stApp"]\');'
        ' return app && app.dataset.testConnectionState === "CONNECTED"'
        ' && app.dataset.testScriptState === "notRunning"'
        ' && !document.querySelector(\'[data-testid="stSkeleton"]\'); }')
DRAWN = trace.OVERVIEW  # figures on screen and the map's polygons drawn


@contextlib.contextmanager
def server(script: str, db_url: str, log: Path):
    """`streamlit run script` on a free port; yields (base URL, pid)."""
    port = front.free_port()
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
    trace.wait_until(page, drawn, timeout_ms=60_000, poll_ms=50)
    trace.wait_until(page, IDLE, timeout_ms=60_000, poll_ms=50)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")  # every byte of the view counted, geometry included
    return page, traffic, seconds


def _drill(page) -> float:
    """Click the first lagging province of the exceptions panel; seconds to its drawn district view."""
    button = page.locator('[data-testid="stButton"] button').filter(has_text="·").first
    button.scroll_into_view_if_needed()
    started = time.perf_counter()
    button.click()
    trace.wait_until(page, "() => location.search.includes('level=province')", timeout_ms=60_000, poll_ms=50)
    trace.wait_until(page, DRAWN, timeout_ms=60_000, poll_ms=50)
    trace.wait_until(page, IDLE, timeout_ms=60_000, poll_ms=50)
    return time.perf_counter() - started


def summary(values: list[float]) -> dict:
    from bench.pages import p95
    return {"median_s": round(statistics.median(values), 3), "p95_s": round(p95(values), 3), "n": len(values)}


SOURCE_PAGES = ("padme", "cebrs", "thaiqm", "sdg", "weekly")


def _first_visits(pw, url: str, drawn: str, repeats: int, network: dict | None = None) -> tuple[list, list]:
    """`repeats` first visits, each in a browser with a new profile (an empty cache), each then reloaded."""
    firsts, reloads = [], []
    for _ in range(repeats):
        with trace.fresh_profile(pw, CHROMIUM, CHROMIUM_ARGS) as context:
            page, load, _, first = trace.open_page(context, url, drawn=drawn, network=network)
            firsts.append(first)
            reloads.append(trace.reload(page, load, drawn))
    return firsts, reloads


def _slim(load: dict) -> dict:
    """A load's figures for results.json (the per-type and top-script breakdown kept for the analysis)."""
    return {k: load[k] for k in ("seconds", "reruns", "first_run_ms", "last_run_ms", "script_s", "layout_s",
                                 "style_s", "task_s", "requests", "wire_bytes", "ws_bytes", "by_type",
                                 "top_scripts", "compressed")}


def measure(db_url: str, repeats: int, sessions: int, workdir: Path) -> dict:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    results: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        with server("bench/bare_app.py", db_url, workdir / "bench-bare.log") as (base, _):
            firsts, reloads = _first_visits(pw, base, trace.BARE, repeats)
            results["floor"] = summary([f["seconds"] for f in firsts])
            results["floor_reload"] = summary([r["seconds"] for r in reloads])
            results["floor_trace"] = _slim(firsts[-1])
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
            # A first visit with an empty browser cache, and its reload, beside the bare page's (the floor).
            firsts, reloads = _first_visits(pw, f"{base}/?lang=th", trace.OVERVIEW, repeats)
            results["overview_empty_cache"] = summary([f["seconds"] for f in firsts])
            results["overview_reload"] = summary([r["seconds"] for r in reloads])
            results["overview_trace"] = _slim(firsts[-1])
            results["source_pages"] = {}
            for name in SOURCE_PAGES:
                visits, _ = _first_visits(pw, f"{base}/{name}?lang=th", trace.PAGE, repeats)
                results["source_pages"][name] = summary([v["seconds"] for v in visits])
            # A governor's tablet on 4G, through the production front (deploy/nginx/warroom.conf).
            if front.available():
                with front.nginx([int(base.rsplit(":", 1)[1])], workdir / "front") as public:
                    results["front"] = _through_front(pw, public, repeats, front.spki(workdir / "front" / "cert.pem"))
            # Every page's caches are filled by now (the nation's PADME projects alone are ~90 MB).
            results["rss_after_pages_mb"] = round(rss_mb(pid)[0], 1)
        # Many people at once on the overview, in a server of their own: what a replica holds for its
        # sessions, not what the page visits above left in its caches.
        with server("serve.py", db_url, workdir / "bench-sessions.log") as (base, pid):
            pages = []
            for _ in range(sessions):  # many people at once: every page open and drawn together
                page = browser.new_page(viewport={"width": 1600, "height": 1200})
                page.goto(f"{base}/?lang=th", wait_until="commit")
                pages.append(page)
            for page in pages:
                trace.wait_until(page, DRAWN, timeout_ms=300_000, poll_ms=200)
                trace.wait_until(page, IDLE, timeout_ms=300_000, poll_ms=200)
            current, peak = rss_mb(pid)
            results[f"rss_{sessions}_sessions_mb"] = round(current, 1)
            results["rss_peak_mb"] = round(peak, 1)
            results["sessions"] = sessions
            for page in pages:
                page.close()
        browser.close()
    return results


def _through_front(pw, public: str, repeats: int, spki: str) -> dict:
    """First visit, reload and drill-down over the 4G profile through nginx; bytes on the wire for each.
    `spki`: the front's certificate, which the browser trusts as a tablet trusts the ministry's."""
    firsts, reloads, drills, drill_bytes = [], [], [], []
    for _ in range(repeats):
        with trace.fresh_profile(pw, CHROMIUM, [*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={spki}"]) \
                as context:
            page, load, _, first = trace.open_page(context, f"{public}/?lang=th", network=trace.FOUR_G)
            firsts.append(first)
            reloads.append(trace.reload(page, load))
            page.wait_for_load_state("networkidle")
            load.reset()
            drills.append(_drill(page))
            drilled = load.result()
            drill_bytes.append(drilled["wire_bytes"])
    return {"network": trace.FOUR_G, "brotli": front.BROTLI.exists(),
            "first": summary([f["seconds"] for f in firsts]), "reload": summary([r["seconds"] for r in reloads]),
            "drill": summary(drills), "first_bytes": int(statistics.median(f["wire_bytes"] for f in firsts)),
            "reload_bytes": int(statistics.median(r["wire_bytes"] for r in reloads)),
            "drill_bytes": int(statistics.median(drill_bytes)), "trace": _slim(firsts[-1]),
            "reload_trace": _slim(reloads[-1]),
            "drill_trace": {k: drilled[k] for k in ("requests", "wire_bytes", "ws_bytes", "by_type", "top_scripts")}}
