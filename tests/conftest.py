"""Fixtures that build real databases: a seeded SQLite file and a seeded PostgreSQL schema.

Both are seeded once per test session at the small "test" scale with a fixed as-of date, so every
test reads the same deterministic data. PostgreSQL tests run in a private schema that is dropped
afterwards; where no server answers they skip, except when WARROOM_REQUIRE_PG=1 (CI), where they fail.
"""
from __future__ import annotations

import contextlib
import json
import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access import clock as warroom_clock, db
from data_access.seed import seed

AS_OF = dt.date(2026, 11, 20)  # FY2570 Q1, 51 days in: the current quarter is partly reported
# What time it is in every test, whatever the machine's clock says (data_access.clock): the Friday
# afternoon the test data runs through. Child processes (the CLI, `streamlit run` of a browser test)
# inherit it through WARROOM_NOW and start their own running clock there.
NOW = "2026-11-20T14:00:00+07:00"
os.environ["WARROOM_NOW"] = NOW
# Test databases are configured by URL, which "auto" treats as real: they look through the demo's
# role chooser unless a test asks for accounts or OIDC itself.
os.environ.setdefault("WARROOM_AUTH", "demo")
PG_SERVER = os.environ.get("WARROOM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# Tests whose outcome depends on what day it is, had the clock not been set: CI runs them again with
# the machine's clock at far-apart dates (`make test-dates`, Debian's faketime) to show it no longer is.
DATE_SENSITIVE = {"test_clock.py", "test_fiscal_calendar.py", "test_weekly_metrics.py", "test_snapshots.py",
                  "test_page_weekly.py", "test_simulate.py", "test_page_health.py", "test_health.py",
                  "test_freshness.py", "test_accounts.py", "test_app_access.py", "test_kiosk.py", "test_seed.py",
                  "test_cli.py", "test_live.py", "test_app_overview.py", "test_imports.py",
                  "test_notify.py", "test_alerts_runner.py", "test_page_alerts.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in DATE_SENSITIVE:
            item.add_marker(pytest.mark.dates)


@pytest.fixture(scope="session", autouse=True)
def _frozen_session_clock():
    """Session fixtures (the seeded databases) are made at NOW too, before any test's own clock."""
    with warroom_clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture(autouse=True)
def clock(_frozen_session_clock):
    """The clock of this test, at NOW when it starts: `clock.advance(minutes=31)`, `clock.set(...)`."""
    _frozen_session_clock.set(warroom_clock.parse_moment(NOW))
    yield _frozen_session_clock


def _pg_reachable() -> str | None:
    try:
        with create_engine(PG_SERVER, connect_args={"connect_timeout": 3}).connect() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure to connect means "no server here"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return url


@contextlib.contextmanager
def seeded_pg_schema(prefix: str):
    """A seeded database in a private PostgreSQL schema, dropped afterwards (skips without a server,
    fails instead under WARROOM_REQUIRE_PG=1)."""
    problem = _pg_reachable()
    if problem:
        if os.environ.get("WARROOM_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required here (WARROOM_REQUIRE_PG=1) but not reachable: {problem}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_SERVER}: {problem}")
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        seed(db.engine_for(url), "test", AS_OF)
        yield url
    finally:
        db.engine_for(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url():
    with seeded_pg_schema("warroom_test") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """The same data_access tests run against SQLite and against the real PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url):
    return db.engine_for(db_url)


PASSWORDS = {"exec1": "executive-pass-1", "gov30": "governor-pass-30", "do3001": "district-pass-3001",
             "staff1": "staff-pass-0001", "admin1": "admin-pass-0001", "off1": "disabled-pass-1"}
ACCOUNTS = {"exec1": ("executive", None, None), "gov30": ("governor", "30", None),
            "do3001": ("district_officer", "30", "3001"), "staff1": ("staff", None, None),
            "admin1": ("admin", None, None), "off1": ("governor", "50", None)}


def add_accounts(url: str) -> None:
    """The same accounts in every test database, one per role (off1 is disabled)."""
    from sqlalchemy import delete
    from data_access import accounts, schema
    engine = db.engine_for(url)
    with engine.begin() as conn:
        conn.execute(delete(schema.account))
    for name, (role, prov, dist) in ACCOUNTS.items():
        accounts.add(engine, name, PASSWORDS[name], role, name.upper(), prov, dist)
    accounts.set_disabled(engine, "off1")


@pytest.fixture(scope="session")
def accounts_url(db_url) -> str:
    add_accounts(db_url)
    return db_url


def cebrs_bytes(*changes: dict) -> bytes:
    """A CEBRS file as a province would send it: the contract's example row once per `changes`, each
    with those cells changed."""
    import csv
    import io

    from data_access import imports
    contract = imports.CONTRACTS["cebrs"]
    header = [c.name for c in contract.columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for change in changes:
        writer.writerow([{**contract.example, **change}.get(h, "") for h in header])
    return out.getvalue().encode("utf-8")


def vega_charts(at) -> list[dict]:
    """Every Vega-Lite chart of an AppTest run, in page order, as its spec (a dict) with the rows of its
    main data under "rows" (Streamlit sends a chart's top-level `data.values` apart, as Arrow; a layered
    chart keeps its data in its first layer)."""
    import io

    import pyarrow as pa
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if element.proto.HasField("data") and element.proto.data.data:
            table = pa.ipc.open_stream(io.BytesIO(element.proto.data.data)).read_all()
            rows = table.to_pandas().to_dict("records")
        else:
            first = spec.get("data") or (spec.get("layer") or [{}])[0].get("data") or {}
            rows = list(first.get("values", []))
        out.append({**spec, "rows": rows})
    return out


def map_specs(at) -> list[dict]:
    """The maps among `vega_charts(at)`: each with "values", {area_code: row} of the KPI values joined to
    its polygons (value, label, name, other), and "url", the GeoJSON it draws."""
    out = []
    for spec in vega_charts(at):
        if spec.get("mark", {}).get("type") == "geoshape":
            lookup = next(x for x in spec["transform"] if "lookup" in x)
            values = {row["area_code"]: row for row in lookup["from"]["data"]["values"]}
            out.append({**spec, "values": values, "url": spec["data"]["url"]})
    return out


def chart_marks(spec: dict) -> set[str]:
    """The mark types of a Vega-Lite spec, its layers' (and their layers') included."""
    mark = spec.get("mark")
    own = {mark["type"] if isinstance(mark, dict) else mark} if mark else set()
    return own.union(*(chart_marks(layer) for layer in spec.get("layer", [])))


def chart_categories(spec: dict) -> list[str]:
    """A bar or line chart's categories (bars top to bottom, quarters or years left to right), in order."""
    return list(dict.fromkeys(r["category"] for r in sorted(spec["rows"], key=lambda r: (r["rank"], r["order"]))))


def chart_series(spec: dict) -> dict[str, list]:
    """A bar or line chart's values per series name, in category order (None where there is no data)."""
    out: dict[str, list] = {}
    for row in sorted(spec["rows"], key=lambda r: (r["rank"], r["order"])):
        value = row["value"]
        out.setdefault(row["series"], []).append(None if value is None or value != value else value)
    return out


@pytest.fixture
def press_downloads(monkeypatch):
    """Download buttons make their files on a click (deferred data), which AppTest cannot press:
    make each file while the page renders instead, so tests can read what a click would give."""
    import streamlit as st
    real = st.download_button

    def pressing(label, data, *args, **kwargs):
        if callable(data):
            data()
        return real(label, data, *args, **kwargs)
    monkeypatch.setattr(st, "download_button", pressing)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the whole session (tests open their own pages)."""
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, require_chromium
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def browser_token(monkeypatch):
    """What the browser's session cookie would carry: `browser_token.sign_in(url, name)` starts a real
    session (as a right password posted to /sign-in does) and the app's runs read its token; `.set(None)`
    is a browser without one. AppTest cannot send cookies, so ui.auth.request_token is replaced."""
    from data_access import sessions
    from ui import auth
    held = {"token": None}
    monkeypatch.setattr(auth, "request_token", lambda: held["token"])

    class Token:
        @staticmethod
        def sign_in(url: str, name: str) -> str:
            held["token"] = sessions.start(db.engine_for(url), name, "AppTest", "127.0.0.1")
            return held["token"]

        @staticmethod
        def set(token):
            held["token"] = token

        @staticmethod
        def get():
            return held["token"]
    return Token


APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_app(query: dict, timeout: int = 90):
    """app.py run once in AppTest with `query` in its URL; fails on any exception the run raised."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_as(page: str, role: str, prov: str | None = None, dist: str | None = None, lang: str = "th"):
    """An AppTest of `page` (pages/<name>.py) as the demo chooser's `role` (of `prov`, `dist`), in `lang`."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    at.selectbox(key="demo_role").set_value(role).run()
    if prov:
        at.selectbox(key="demo_prov").set_value(prov).run()
    if dist:
        at.selectbox(key="demo_dist").set_value(dist).run()
    assert not at.exception, [x.message for x in at.exception]
    return at

