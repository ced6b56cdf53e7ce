"""Schema migrations with Alembic (data_access/migrations/, db.upgrade, `python -m data_access upgrade`):
every revision from empty is the schema; a database made by each earlier build (tests/legacy_schemas v1 … v6,
filled with the rows of a test-scale seeded database) upgrades with every row kept; a newer database is
refused and said; an outdated one gets the banner naming the command; a downgrade is refused. SQLite and
PostgreSQL (a private schema, dropped after)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, insert, select, text
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

import web
from data_access import db, schema as s
from tests import legacy_schemas as legacy
from tests.conftest import NOW, PG_SERVER, _pg_reachable
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@contextlib.contextmanager
def _empty_pg():
    problem = _pg_reachable()
    if problem:
        if os.environ.get("WARROOM_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required here (WARROOM_REQUIRE_PG=1) but not reachable: {problem}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_SERVER}: {problem}")
    name = f"warroom_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = f"{PG_SERVER}?options=-csearch_path%3D{name}"
    try:
        yield url, name
    finally:
        db.engine_for(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request, tmp_path):
    """A database with nothing in it: (url, the PostgreSQL schema or None)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}", None
        return
    with _empty_pg() as found:
        yield found


def _differences(engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), s.metadata)


def _checks(engine) -> dict[str, list[str]]:
    """Every table's CHECK constraints as the database holds them (autogenerate does not compare them)."""
    inspector = inspect(engine)
    return {name: sorted(c["sqltext"] for c in inspector.get_check_constraints(name))
            for name in sorted(s.metadata.tables)}


def run_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90).run()


def test_every_revision_from_empty_is_this_builds_schema(empty, tmp_path):
    url, pg_schema = empty
    engine = db.engine_for(url)
    assert db.schema_state(engine) == "empty"
    done = db.upgrade(engine)
    assert done.applied == ("0001", "0002", "0003", "0004", "0005", "0006", "0007") and done.to_version == "7"
    assert db.schema_state(engine) == "current" and db.stored_schema_version(engine) == s.SCHEMA_VERSION
    assert _differences(engine) == []  # tables, columns, types, nullability, indexes, unique and foreign keys
    # The CHECKs too, which compare_metadata leaves out: the same as a fresh create_all's.
    if pg_schema:
        fresh_ctx = _empty_pg()
        fresh_url, _ = fresh_ctx.__enter__()
    else:
        fresh_ctx, fresh_url = None, f"sqlite:///{tmp_path / 'fresh.db'}"
    try:
        fresh = db.engine_for(fresh_url)
        db.create_schema(fresh)
        assert db.schema_state(fresh) == "current"
        if pg_schema:
            assert _checks(engine) == _checks(fresh)
        else:  # SQLite keeps each CHECK's text: the rebuilt audit log's is spelled by helpers.one_of
            norm = lambda checks: {k: [re.sub(r"\s+", "", c) for c in v] for k, v in checks.items()}
            assert norm(_checks(engine)) == norm(_checks(fresh))
    finally:
        if fresh_ctx:
            fresh_ctx.__exit__(None, None, None)
    if pg_schema:  # alembic_version lands in the URL's search_path, beside the tables, nowhere else
        with create_engine(PG_SERVER).connect() as conn:
            where = conn.execute(text("SELECT table_schema FROM information_schema.tables "
                                      "WHERE table_name = 'alembic_version' AND table_schema LIKE 'warroom_mig_%'"
                                      )).scalars().all()
        assert pg_schema in where


@pytest.mark.parametrize("version", legacy.VERSIONS)
def test_a_database_of_each_earlier_version_upgrades_keeping_every_row(empty, version, sqlite_url):
    url, _ = empty
    engine = db.engine_for(url)
    copied = legacy.build(engine, version, db.engine_for(sqlite_url))
    assert copied["padme_report"] > 0 and copied["thaiqm_household"] > 0
    before = legacy.checksums(engine, version)
    assert db.schema_state(engine) == "outdated" and not db.schema_is_current(engine)

    done = db.upgrade(engine)
    assert done.adopted and done.from_version == version and done.to_version == s.SCHEMA_VERSION
    assert done.applied == tuple(f"{n:04d}" for n in range(int(version) + 1, 8)), done.line()
    assert legacy.checksums(engine, version) == before  # every old table's rows, its old columns, unchanged
    assert db.schema_state(engine) == "current" and db.stored_schema_version(engine) == s.SCHEMA_VERSION
    assert _differences(engine) == []
    with engine.begin() as conn:
        if int(version) < 6:  # the NOT NULL columns of version 6 hold their server default on old rows
            for table in (s.padme_report, s.cebrs_project, s.thaiqm_household):
                assert conn.execute(select(table.c.revision).distinct()).scalars().all() == [1]
            assert conn.execute(select(func.count()).where(s.thaiqm_household.c.help_given.is_not(None))
                                ).scalar_one() == 0
        if int(version) < 5:  # the to-date rollups rebuilt for the data already there
            assert conn.execute(select(func.count()).select_from(s.rollup_padme_to_date)).scalar_one() > 0
        # The audit log's CHECK is this build's: version 7's actions are accepted (an old CHECK refused them).
        conn.execute(insert(s.audit_log).values(at=db.dt.datetime(2026, 11, 20), actor="t", action="alert",
                                                scope="nation", detail="{}"))
    again = db.upgrade(engine)
    assert again.applied == () and not again.adopted and "nothing to do" in again.line()


def test_a_database_made_before_alembic_at_this_version_is_adopted_and_its_checks_repaired(tmp_path, sqlite_url):
    """Issue 20's bug: the hand-made upgrade of a v5 database to 7 added columns but kept v5's audit CHECK."""
    url = f"sqlite:///{tmp_path / 'v7-by-hand.db'}"
    engine = db.engine_for(url)
    legacy.build(engine, "5", db.engine_for(sqlite_url))
    with engine.begin() as conn:  # what the pre-Alembic upgrade did: tables and columns, never a CHECK
        s.metadata.create_all(conn)
        for table in ("padme_report", "cebrs_project", "thaiqm_household"):
            conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN "revision" INTEGER DEFAULT 1 NOT NULL')
        conn.exec_driver_sql('ALTER TABLE "thaiqm_household" ADD COLUMN "help_given" TEXT')
        db.mark_schema(conn)
    assert db.schema_state(engine) == "outdated"  # no revision recorded yet: upgrade stamps it
    done = db.upgrade(engine)
    assert done.adopted and done.applied == () and db.schema_state(engine) == "current"
    with engine.begin() as conn:
        conn.execute(insert(s.audit_log).values(at=db.dt.datetime(2026, 11, 20), actor="t", action="report",
                                                scope="nation", detail="{}"))


def test_a_newer_database_is_refused_and_said(empty, monkeypatch, sqlite_url):
    url, _ = empty
    if url.startswith("sqlite"):  # the seeded database, so that the page would draw were it not newer
        shutil.copyfile(sqlite_url.split("///", 1)[1], url.split("///", 1)[1])
    engine = db.engine_for(url)
    db.create_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    tables = sorted(inspect(engine).get_table_names())
    assert db.schema_state(engine) == "newer"
    with pytest.raises(db.SchemaRefused, match="newer War Room build upgraded it.*nothing was changed"):
        db.upgrade(engine)
    with pytest.raises(db.SchemaRefused, match="newer"):
        db.create_schema(engine)
    env = {"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": url, "WARROOM_NOW": NOW}
    cli = subprocess.run([sys.executable, "-m", "data_access", "upgrade"], cwd=ROOT, capture_output=True,
                         text=True, env=env)
    assert cli.returncode == 2 and "newer" in cli.stderr and "Traceback" not in cli.stderr, cli.stderr
    assert sorted(inspect(engine).get_table_names()) == tables and db.schema_state(engine) == "newer"
    monkeypatch.setenv("WARROOM_DB_URL", url)
    with TestClient(Starlette(routes=web.routes(), middleware=web.middleware())) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["status"] == "newer"
    if url.startswith("sqlite"):  # the page (one dialect is enough for the banner)
        at = run_app()
        assert not at.metric and at.error and t("mig_newer", "th") in at.error[0].value
        assert "Traceback" not in at.error[0].value


def test_an_outdated_database_gets_the_banner_then_the_cli_upgrades_it(tmp_path, sqlite_url, monkeypatch):
    url = f"sqlite:///{tmp_path / 'v3.db'}"
    engine = db.engine_for(url)
    legacy.build(engine, "3", db.engine_for(sqlite_url))
    monkeypatch.setenv("WARROOM_DB_URL", url)
    at = run_app()
    assert not at.metric and t("db_outdated", "th") in at.warning[0].value
    assert "python -m data_access upgrade" in at.warning[0].value
    with TestClient(Starlette(routes=web.routes(), middleware=web.middleware())) as client:
        assert client.get("/healthz").json()["status"] == "outdated"
    env = {"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": url, "WARROOM_NOW": NOW}
    cli = subprocess.run([sys.executable, "-m", "data_access", "upgrade"], cwd=ROOT, capture_output=True,
                         text=True, env=env)
    assert cli.returncode == 0, cli.stderr
    assert "schema 3 → 7: applied 0004, 0005, 0006, 0007" in cli.stdout
    assert Path(f"{tmp_path / 'v3.db'}.before-upgrade-schema-3").exists()  # the copy taken first
    at = run_app()
    assert not at.exception and len(at.metric) == 14


def test_downgrade_and_an_unversioned_database_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'current.db'}"
    engine = db.engine_for(url)
    db.create_schema(engine)
    with engine.begin() as conn:
        config = db._alembic_config(conn)
        with pytest.raises(RuntimeError, match="restore the backup taken before the upgrade"):
            command.downgrade(config, "0006")
    assert db.schema_state(engine) == "current"
    with engine.begin() as conn:  # tables, but neither alembic_version nor a schema_version label
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("DELETE FROM dataset_meta")
    with pytest.raises(db.SchemaRefused, match="no recorded schema version"):
        db.upgrade(engine)
    with engine.begin() as conn:  # a label no build before Alembic wrote, higher than this build's: newer
        conn.execute(insert(s.dataset_meta).values(key="schema_version", value="9"))
    assert db.schema_state(engine) == "newer"
    with pytest.raises(db.SchemaRefused, match="newer"):
        db.upgrade(engine)
