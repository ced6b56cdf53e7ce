"""Read routing to a REAL streaming hot standby, and the primary's faults (issue 20).

The module builds a standby of the machine's PostgreSQL (pg_basebackup -R -X stream into a cluster of
its own on a free port, tests/pg_cluster.py) holding a copy of the seeded test database, and checks:
the pages' reads land on the standby at the versions they announce; with replay paused, an import on
the primary is on the same person's next run anyway (read on the primary: "standby behind"), and once
replay resumes the reads go back to the standby; a stopped standby costs nothing but its speed (reads
on the primary, /healthz says "down", 200). Then a private cluster (initdb) is stopped and started under
an open page: a banner, then figures again, with no app restart. The machine's own server is never stopped.
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from data_access import db, imports, queries, routing, schema as s
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION, Area
from metrics.fiscal import FiscalQuarter
from tests.conftest import PG_SERVER, cebrs_bytes, open_as
from tests.pg_cluster import (HBA_LINE, PRIMARY_PORT, ClusterError, PrivateCluster, Standby, copy_database, pg_bin, wait_for,
                              workdir)
from ui import loaders
from ui.i18n import t

pytestmark = pytest.mark.postgres
Q = FiscalQuarter(2570, 1)
CEBRS_TABLES = {t_ for t_, sources in s.VERSIONED_BY.items() if sources == ("cebrs",)}


def _unavailable(reason: str):
    if os.environ.get("WARROOM_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required here (WARROOM_REQUIRE_PG=1): {reason}")
    pytest.skip(reason)


@dataclass
class Topology:
    primary: str      # the database's URL on the machine's server
    read: str         # the same database on the standby
    standby: Standby
    name: str

    def standby_sql(self, statement: str):
        return self.standby.sql(self.name, statement)

    def caught_up(self) -> bool:
        """The standby holds every data version the primary has."""
        want = loaders.versions(self.primary)
        have = {r.source: r.version for r in _rows(self.read, select(s.data_version.c.source, s.data_version.c.version))}
        return have == want


def _on_port(url: str, port: int) -> str:
    """The same database, schema and user on another server of this machine."""
    return make_url(url).set(port=port).render_as_string(hide_password=False)


def _rows(url: str, stmt):
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).fetchall()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seeded_db(pg_url):
    """A database of its own on the machine's server holding a copy of the session's seeded schema
    (conftest.pg_url, which the other PostgreSQL tests seed anyway): (name, url). This module writes
    to it; the session's schema is never touched."""
    if pg_bin() is None:
        _unavailable("PostgreSQL's server programs (/usr/lib/postgresql/*/bin) are not installed")
    schema = make_url(pg_url).query["options"].split("search_path=", 1)[1]
    name = f"warroom_sb_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        copy_database(pg_url, PRIMARY_PORT, name, schema)
        yield name, url
    finally:
        db.engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def topology(seeded_db):
    name, primary = seeded_db
    root, standby = workdir("warroom-standby-"), None
    try:
        try:
            standby = Standby.build(root)
        except ClusterError as exc:
            if "replication" in str(exc):
                _unavailable(f"the machine's server refused replication; its pg_hba.conf needs the line "
                             f"'{HBA_LINE}' ({exc})")
            raise
        top = Topology(primary, _on_port(primary, standby.port), standby, name)
        wait_for(top.caught_up, "the standby replaying the seeded database")
        yield top
    finally:
        routing.reset()
        if standby is not None:
            standby.remove()
        else:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def routed(topology, monkeypatch):
    """The app configured with both URLs, a fresh router and empty caches, the standby up and replaying."""
    monkeypatch.setenv("WARROOM_DB_URL", topology.primary)
    monkeypatch.setenv("WARROOM_DB_READ_URL", topology.read)
    if not topology.standby.running():
        topology.standby.start()
    topology.standby_sql("SELECT pg_wal_replay_resume()")
    wait_for(topology.caught_up, "the standby catching up")
    routing.reset()
    st.cache_data.clear()
    yield topology
    routing.reset()
    st.cache_data.clear()


@dataclass(frozen=True)
class Ctx:
    url: str
    viewer: object
    versions: tuple


@pytest.fixture
def executed():
    """Every statement each engine runs while the test is on: {engine id: [tables of each statement]}."""
    seen: dict[int, list[set[str]]] = {}
    hooked = []

    def watch(engine):
        seen.setdefault(id(engine), [])

        def record(conn, cursor, statement, parameters, context, executemany):
            compiled = getattr(context, "compiled", None)
            if compiled is not None and getattr(compiled, "statement", None) is not None:
                seen[id(engine)].append(routing.tables_of(compiled.statement))
        event.listen(engine, "before_cursor_execute", record)
        hooked.append((engine, record))
        return seen[id(engine)]
    yield watch
    for engine, record in hooked:
        event.remove(engine, "before_cursor_execute", record)


def test_a_statement_is_routed_by_what_it_reads():
    floor = {"padme": 3, "cebrs": 2}
    assert routing.sources_needed({"rollup_cebrs", "district", "province"}, floor) == ("cebrs",)
    assert routing.sources_needed({"province", "district"}, floor) == ()  # reference data: any version
    assert routing.sources_needed({"data_version"}, floor) == ("cebrs", "padme")  # as new as the floor
    assert routing.sources_needed({"rollup_thaiqm"}, floor) == routing.NO_FLOOR
    assert routing.sources_needed({"rollup_cebrs"}, None) == routing.NO_FLOOR
    assert routing.sources_needed({"account", "district"}, floor) == routing.UNVERSIONED


def test_without_a_read_url_or_on_sqlite_nothing_is_routed(monkeypatch, tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'warroom.db'}"  # only its kind matters: no file is opened
    monkeypatch.delenv("WARROOM_DB_READ_URL", raising=False)
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://x@127.0.0.1:1/none")
    assert routing.router_for("postgresql+psycopg://x@127.0.0.1:1/none") is None
    monkeypatch.setenv("WARROOM_DB_READ_URL", "postgresql+psycopg://x@127.0.0.1:2/none")
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    assert routing.router_for(sqlite_url) is None
    assert routing.health(sqlite_url) == {"state": "off"}
    # a read URL pairs with the configured database only, never with another a command points at
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://x@127.0.0.1:1/none")
    assert routing.router_for("postgresql+psycopg://x@127.0.0.1:1/other") is None
    assert "127.0.0.1:2" not in repr(routing.router_for("postgresql+psycopg://x@127.0.0.1:1/none"))
    routing.reset()


def test_page_reads_land_on_the_standby_at_the_versions_they_announce(routed, executed):
    router = routing.router_for(routed.primary)
    on_standby, on_primary = executed(router.standby), executed(db.engine_for(routed.primary))
    ctx = Ctx(routed.primary, EVERYONE, tuple(sorted(loaders.versions(routed.primary).items())))
    on_primary.clear()
    frame = loaders.core.kpi_frame(ctx, "cebrs", NATION, Q, "province")
    assert len(frame) and [(d.where, d.why) for d in router.decisions] == [(routing.STANDBY, routing.CURRENT)]
    assert any(tables & CEBRS_TABLES for tables in on_standby) and not on_primary
    with db.engine_for(routed.primary).connect() as conn:  # the same figures the primary holds
        assert not conn.execute(text("SELECT pg_is_in_recovery()")).scalar()
    plain = queries.kpi_frame(ScopedReader(db.engine_for(routed.primary), EVERYONE), "cebrs", NATION, Q, "province")
    assert frame.sort_values("area_code").reset_index(drop=True).equals(plain.sort_values("area_code").reset_index(drop=True))
    # the standby's checks and the statement ran in one transaction there, on the standby itself
    assert routed.standby_sql("SELECT pg_is_in_recovery()") is True

    # what is not a page's scoped read stays on the primary: country-level reads, unversioned tables
    reader = ScopedReader(db.engine_for(routed.primary), EVERYONE, router, dict(ctx.versions))
    router.clear()
    reader.country(select(s.import_log.c.import_id), "view_health")
    assert not router.decisions
    reader_rows = router.select(select(s.account.c.username), dict(ctx.versions), lambda q: "primary ran it")
    assert reader_rows == "primary ran it" and router.decisions[-1].why == routing.UNVERSIONED

    # a standby further behind than allowed is not read from, and /healthz says "lagging"
    router.max_lag_seconds = -1
    router.clear()
    loaders.core.kpi_frame(ctx, "thaiqm", NATION, Q, "province")
    assert {(d.where, d.why) for d in router.decisions} == {(routing.PRIMARY, routing.LAGGING)}
    assert routing.health()["state"] == "lagging"
    router.max_lag_seconds = 30
    found = routing.health()
    assert found["state"] == "ok" and found["lag_seconds"] <= 30
    assert found["reads"] == {"standby": 0, "primary": 1}  # since clear(): the lagging read above


def _metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def _import_relief(url: str, folder: Path, project_id: str) -> None:
    path = folder / f"{project_id}.csv"
    path.write_bytes(cebrs_bytes({"project_id": project_id, "approved_baht": "90000000", "disbursed_baht": "90000000",
                                  "status": "done", "completed_on": "2026-10-30"}))
    imports.import_file(db.engine_for(url), "cebrs", path, user="test")


def test_the_importer_reads_their_own_write_while_the_standby_is_paused(routed, tmp_path):
    at = open_as("pages/cebrs.py", "executive", lang="en")
    router = routing.router_for(routed.primary)
    assert (routing.STANDBY, routing.CURRENT) in router.counts, router.counts
    before = _metrics(at)
    assert before

    routed.standby_sql("SELECT pg_wal_replay_pause()")
    wait_for(lambda: routed.standby_sql("SELECT pg_get_wal_replay_pause_state()") == "paused", "replay paused")
    _import_relief(routed.primary, tmp_path, "C2570-3001-SB001")
    router.clear()
    at.run()
    assert not at.exception and not at.error
    after = _metrics(at)
    assert after != before  # the new figure, on the very next run
    cebrs_reads = [d for d in router.decisions if set(d.tables) & CEBRS_TABLES]
    assert cebrs_reads and all((d.where, d.why) == (routing.PRIMARY, routing.BEHIND) for d in cebrs_reads), cebrs_reads

    routed.standby_sql("SELECT pg_wal_replay_resume()")
    _import_relief(routed.primary, tmp_path, "C2570-3001-SB002")
    wait_for(routed.caught_up, "the standby replaying both imports")
    router.clear()
    at.run()
    assert not at.exception and not at.error and _metrics(at) != after
    cebrs_reads = [d for d in router.decisions if set(d.tables) & CEBRS_TABLES]
    assert cebrs_reads and all(d.where == routing.STANDBY for d in cebrs_reads), cebrs_reads


def test_a_stopped_standby_leaves_the_pages_on_the_primary_and_health_says_so(routed):
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    import web
    router = routing.router_for(routed.primary)
    routed.standby.stop()
    at = open_as("pages/cebrs.py", "executive", lang="en")
    assert not at.exception and not at.error and _metrics(at)
    down = [d for d in router.decisions if d.why == routing.DOWN]
    assert down and not any(d.where == routing.STANDBY for d in router.decisions)
    # one refused connection, then the standby is left alone for retry_seconds, not tried on every read
    assert sum(d.detail != "resting" for d in down) == 1, down
    with TestClient(Starlette(routes=web.routes()), base_url="http://127.0.0.1") as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    assert answer.json()["standby"]["state"] == "down" and "Traceback" not in answer.text
    assert routed.read.split("@")[1] not in answer.text  # never the URL
    health_page = open_as("pages/health.py", "executive", lang="en")
    assert not health_page.exception and t("standby_down", "en") in [w.value for w in health_page.warning]

    routed.standby.start()  # back: after the retry interval the reads return to it
    router.retry_seconds = 0
    router.mark_up()
    wait_for(lambda: routing.health()["state"] == "ok", "the standby answering again")
    st.cache_data.clear()
    router.clear()
    at.run()
    assert not at.exception and any(d.where == routing.STANDBY for d in router.decisions)


# --- the primary's faults: a private cluster stopped and started under an open page --------------------

@pytest.fixture(scope="module")
def private_primary(seeded_db):
    """A cluster of its own (initdb) holding a copy of the seeded database (pg_dump | psql: seconds,
    where seeding again takes half a minute): (cluster, url)."""
    name, source = seeded_db
    cluster = PrivateCluster.build(workdir("warroom-primary-"))
    url = make_url(_on_port(source, cluster.port)).set(database="postgres").render_as_string(hide_password=False)
    try:
        copy_database(source, cluster.port, "postgres")
        yield cluster, url
    finally:
        db.engine_for(url).dispose()
        cluster.remove()


def _offline_badge(url: str):
    from ui import live
    live._poll(url, (), "en")


def test_the_primary_stopped_gives_a_banner_then_figures_again_without_a_restart(private_primary, monkeypatch):
    cluster, url = private_primary
    monkeypatch.setenv("WARROOM_DB_URL", url)
    monkeypatch.delenv("WARROOM_DB_READ_URL", raising=False)
    st.cache_data.clear()
    engine = db.engine_for(url)
    at = open_as("pages/overview.py", "executive", lang="en")
    assert not at.error and _metrics(at)

    cluster.stop()
    at.run()
    assert not at.exception, [x.message for x in at.exception]
    assert t("db_down", "en") in " ".join(e.value for e in at.error)
    assert "Traceback" not in str([e.value for e in at.error]) and url not in str([e.value for e in at.error])
    badge = AppTest.from_function(_offline_badge, args=(url,), default_timeout=30).run()
    assert not badge.exception and "Database unreachable" in badge.markdown[0].value

    cluster.start()
    at.run()
    assert not at.exception and not at.error and _metrics(at)
    assert db.engine_for(url) is engine  # the same process and pool: no restart
