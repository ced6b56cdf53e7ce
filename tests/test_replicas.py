"""Two War Room replicas behind the repo's own nginx config (Debian's nginx on free ports, bench/front.py),
on one PostgreSQL database, with the accounts sign-in, as production runs them:
- 20 concurrent sessions, simulated by bench/stream_driver.py (Streamlit's own websocket protocol, no
  browser), all signed in, every run finished with no exception, spread over both replicas, each
  browser sticking to one (nginx's access log), every websocket upgraded; /healthz answers through nginx;
- in Chromium: an import made while the page is open shows up within the refresh interval; then the
  page's replica is killed (SIGKILL): the page reconnects to the other one by itself, still signed in
  (the durable session cookie), and redraws without a reload; the reconnect time is measured."""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import time
import urllib.request

import pytest

from bench import front, stream_driver
from tests.browser_support import ARTIFACTS, AppServer, require_chromium, wait_for_metric_change, wait_for_run
from tests.conftest import PASSWORDS, add_accounts, seeded_pg_schema

pytestmark = pytest.mark.postgres
REFRESH_SECONDS = 2
FORM = 'form[action="/sign-in"]'
FIGURES = '[data-testid="stMetric"]'
PROVINCE = "นครราชสีมา"  # gov30's province, as the Thai page names it


def _require_nginx() -> None:
    if not front.available():
        if os.environ.get("WARROOM_REQUIRE_NGINX") == "1":
            pytest.fail(f"nginx is required here (WARROOM_REQUIRE_NGINX=1) but {front.NGINX} is missing")
        pytest.skip("no nginx (apt-get install nginx)")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(base, {port: AppServer}, access log, db url): two replicas behind nginx on a seeded PostgreSQL."""
    _require_nginx()
    with seeded_pg_schema("warroom_replicas") as url:
        add_accounts(url)
        servers = {}
        folder = tmp_path_factory.mktemp("replicas")
        try:
            for name in ("a", "b"):
                server = AppServer(url, f"streamlit-replica-{name}.log", WARROOM_AUTH="accounts",
                                   WARROOM_REFRESH_SECONDS=str(REFRESH_SECONDS))
                server.log.unlink(missing_ok=True)
                servers[server.port] = server
            with concurrent.futures.ThreadPoolExecutor(2) as pool:  # both start at once, as systemd starts them
                list(pool.map(AppServer.start, servers.values()))
            with front.nginx(list(servers), folder / "nginx") as base:
                yield base, servers, folder / "nginx" / "access.log", url
        finally:
            for server in servers.values():
                server.stop()
            for log in ("error.log", "access.log"):
                if (folder / "nginx" / log).exists():
                    (ARTIFACTS / f"replicas-nginx-{log}").write_text((folder / "nginx" / log).read_text())


def _routes(access_log, timeout: float = 15.0, expect: set[str] | None = None) -> dict[str, list[str]]:
    """{route cookie: [upstream of each request]} from nginx's access log (bench/front.py's format);
    waits (bounded) until every route in `expect` has a websocket line (nginx logs one when it closes)."""
    import re
    line = re.compile(r'"(?P<method>\S+) (?P<path>\S+)[^"]*" (?P<status>\d+) upstream=(?P<up>.+?) route=(?P<route>\S+)')
    deadline = time.monotonic() + timeout
    while True:
        text = access_log.read_text() if access_log.exists() else ""
        out: dict[str, list[str]] = {}
        streams: dict[str, list[str]] = {}
        for m in line.finditer(text):
            if m["up"] != "-":  # "-": answered from nginx's cache (static files), no replica asked
                out.setdefault(m["route"], []).append(m["up"])
            if m["path"].startswith("/_stcore/stream"):
                streams.setdefault(m["route"], []).append(m["status"])
        if not expect or expect <= set(streams) or time.monotonic() > deadline:
            return {"requests": out, "streams": streams}
        time.sleep(0.1)


def _in_a_thread(work):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def test_twenty_sessions_are_spread_over_both_replicas_and_each_sticks_to_one(pair):
    base, servers, access_log, _ = pair
    started = time.perf_counter()
    # In a thread of its own: a browser test earlier in the session may leave an event loop on this one.
    results = _in_a_thread(lambda: asyncio.run(stream_driver.run_sessions(base, 20, "gov30", PASSWORDS["gov30"], reruns=1,
                                                                   ssl_context=front.insecure_context(),
                                                                   start_timeout=240)))
    seconds = time.perf_counter() - started
    problems = [f"{s.index}: {s.problem}" for s in results if s.problem]
    assert not problems, problems
    runs = [r for s in results for r in [s.first, *s.runs]]
    assert len(runs) == 40 and all(r.status == "FINISHED_SUCCESSFULLY" for r in runs)
    assert not [e for r in runs for e in r.exceptions + r.errors]
    assert all(s.signed_in and any(PROVINCE in t for t in s.first.texts) for s in results)  # gov30's province
    assert all(not any("sign-in" in t.lower() for t in s.first.texts) for s in results)

    log = _routes(access_log, expect={s.route for s in results})
    held = {}
    for s in results:
        upstreams = set(log["requests"].get(s.route, []))
        assert len(upstreams) == 1, (s.index, s.route, upstreams)  # page, sign-in, health, websocket: one replica
        held[s.route] = upstreams.pop()
        assert log["streams"].get(s.route) == ["101"], (s.index, log["streams"].get(s.route))  # upgraded
    per_replica = {port: sum(u.endswith(f":{port}") for u in held.values()) for port in servers}
    assert all(count >= 3 for count in per_replica.values()), per_replica  # both replicas hold sessions
    reruns = [r.seconds for s in results for r in s.runs]
    print(f"20 sessions in {seconds:.1f} s; per replica {per_replica}; rerun p50 "
          f"{stream_driver.percentile(reruns, 0.5):.2f} s p95 {stream_driver.percentile(reruns, 0.95):.2f} s")

    health = urllib.request.urlopen(f"{base}/healthz", timeout=10, context=front.insecure_context())
    assert health.status == 200


def _sign_in(page, base: str, name: str = "gov30") -> None:
    page.goto(f"{base}/", wait_until="domcontentloaded")
    page.wait_for_selector(FORM, timeout=60_000)
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', PASSWORDS[name])
    page.locator(f'{FORM} button[type="submit"]').click()
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=60_000)
    wait_for_run(page)


def _relief(page) -> str:
    card = page.locator(FIGURES).filter(has_text="งบช่วยเหลือเบิกจ่ายแล้ว").first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def _route_to(base: str, access_log, port: int) -> str:
    """A value of the sticky cookie that nginx's hash sends to the replica on `port` (tried in turn: each
    lands there about half the time)."""
    for i in range(40):
        route = f"replica-test-{i}"
        request = urllib.request.Request(f"{base}/_stcore/health", headers={"Cookie": f"warroom_route={route}"})
        urllib.request.urlopen(request, timeout=10, context=front.insecure_context()).read()
        served = _routes(access_log)["requests"].get(route, [])
        if served and served[-1].endswith(f":{port}"):
            return route
    raise AssertionError(f"no route cookie of 40 lands on port {port}")


def _import_through(context, base: str, folder) -> None:
    """An administrator's Import page (on the replica the context's route cookie picks): a relief
    project in Nakhon Ratchasima, 90 million baht approved and all of it paid out."""
    from tests.conftest import cebrs_bytes
    from ui.i18n import t
    export = folder / "C2570-3001-REPL1.csv"
    export.write_bytes(cebrs_bytes({"project_id": "C2570-3001-REPL1", "approved_baht": "90000000",
                                    "disbursed_baht": "90000000", "status": "done", "completed_on": "2026-10-30"}))
    admin = context.new_page()
    _sign_in(admin, base, "admin1")
    admin.goto(f"{base}/import?lang=en", wait_until="domcontentloaded")
    wait_for_run(admin)
    admin.locator('[data-testid="stSelectbox"]').filter(has_text=t("import_kind", "en")).click()
    admin.get_by_role("option", name=t("import_kind_cebrs", "en")).click()
    wait_for_run(admin)
    admin.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(export))
    wait_for_run(admin)
    admin.get_by_role("button", name=t("import_run", "en"), exact=True).click()
    admin.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=60_000)  # through the upload, the import
    assert "C2570-3001-REPL1.csv" in admin.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    admin.close()


@pytest.mark.browser
def test_an_import_on_one_replica_shows_on_the_other_and_a_killed_replicas_page_moves_over(pair, browser, tmp_path):
    require_chromium()
    base, servers, access_log, url = pair
    governor = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    admin = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    try:
        page = governor.new_page()
        _sign_in(page, base)
        page.wait_for_selector(FIGURES, timeout=60_000)
        route = next(c["value"] for c in governor.cookies() if c["name"] == "warroom_route")
        served = _routes(access_log)["requests"][route]
        assert len(set(served)) == 1, served  # the page, the sign-in, the app: one replica
        port = int(served[-1].rsplit(":", 1)[1])
        other = next(p for p in servers if p != port)
        page.evaluate("window.__marker = 'same document'")  # a reload would wipe this
        assert PROVINCE in page.inner_text("body")

        # The import through the other replica's Import page (sticky: its upload lands on that replica);
        # the governor's open page, on this one, draws it within the refresh interval.
        before = _relief(page)
        admin.add_cookies([{"name": "warroom_route", "value": _route_to(base, access_log, other), "url": base}])
        _import_through(admin, base, tmp_path)
        imported = time.perf_counter()
        wait_for_metric_change(page, "งบช่วยเหลือเบิกจ่ายแล้ว", before, timeout_ms=(REFRESH_SECONDS + 10) * 1000)
        shown_in = time.perf_counter() - imported
        wait_for_run(page)
        after = _relief(page)
        assert after != before
        admin_route = next(c["value"] for c in admin.cookies() if c["name"] == "warroom_route")
        uploads = _routes(access_log)["requests"][admin_route]
        assert uploads and all(u.endswith(f":{other}") for u in uploads), uploads  # the admin stayed on the other

        killed = time.perf_counter()
        servers[port].proc.send_signal(signal.SIGKILL)  # no goodbye: the websocket just breaks
        servers[port].proc.wait(timeout=15)
        page.wait_for_selector('[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])', timeout=30_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=60_000)
        page.wait_for_selector(FIGURES, timeout=60_000)
        wait_for_run(page)
        reconnect = time.perf_counter() - killed
        page.screenshot(path=str(ARTIFACTS / "replicas-after-kill.png"), full_page=True)

        assert page.evaluate("window.__marker") == "same document"  # redrawn, not reloaded
        assert page.locator(FORM).count() == 0 and PROVINCE in page.inner_text("body")  # still gov30's
        assert page.locator('[data-testid="stException"]').count() == 0
        assert _relief(page) == after  # the other replica reads the same database
        page.close()  # nginx logs a websocket when it closes: the new one names the replica that took it
        deadline, later = time.monotonic() + 15, []
        while not any(u.endswith(f":{other}") for u in later) and time.monotonic() < deadline:
            later = _routes(access_log)["requests"][route][len(served):]
            time.sleep(0.1)
        assert any(u.endswith(f":{other}") for u in later), later  # now on the other replica
        figures = (f"import through the other replica shown in {shown_in:.1f} s (refresh {REFRESH_SECONDS} s)\n"
                   f"reconnect after SIGKILL, kill to redrawn: {reconnect:.1f} s\n")
        print(figures)
        (ARTIFACTS / "replicas-figures.txt").write_text(figures)
    finally:
        governor.close()
        admin.close()
