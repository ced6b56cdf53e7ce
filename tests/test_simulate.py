"""The demo feed (SQLite and PostgreSQL, each on its own fresh database): a step goes through the import
path (versions, import log, rollups equal to a full rebuild), moves the chosen province, never passes
the quarter's end nor today, is deterministic for a seed, and the CLI refuses data that is not demo data."""
import contextlib
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from data_access.reader import ScopedReader
from data_access import db, queries, rollups, schema as s, simulate, versions
from data_access.scope import EVERYONE, NATION
from data_access.seed import seed
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF, seeded_pg_schema

ROOT = Path(__file__).resolve().parent.parent
Q = FiscalQuarter(2570, 1)
CONTRACT_SOURCE = {"padme_reports": "padme", "cebrs": "cebrs", "thaiqm": "thaiqm"}


@contextlib.contextmanager
def seeded(kind: str, folder: Path):
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_simulate") as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kind(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def fresh(kind, tmp_path_factory):
    """A database of our own: the simulator writes, and the shared test databases must not move."""
    with seeded(kind, tmp_path_factory.mktemp("simulate")) as url:
        yield url


@pytest.fixture
def engine(fresh):
    return db.engine_for(fresh)


def by_province(engine, source: str) -> dict:
    frame = queries.rollup(ScopedReader(engine, EVERYONE), source, NATION, Q, by="province")
    return frame.set_index("area_code").to_dict("index")


def assert_rollups_equal_a_full_rebuild(engine) -> None:
    with engine.begin() as conn:
        for source, table in s.ROLLUPS.items():
            incremental = sorted(tuple(r) for r in conn.execute(select(table)))
            rollups.rebuild(conn, source)
            assert sorted(tuple(r) for r in conn.execute(select(table))) == incremental, source


def test_a_step_imports_each_source_and_moves_the_chosen_province(engine, clock):
    before_versions = versions.current(engine)
    padme, thaiqm = by_province(engine, "padme"), by_province(engine, "thaiqm")
    clock.advance(days=1)  # the day after the data's as-of day (a step never writes a date after today)
    result = simulate.Simulator(engine, rows=50, seed=3).step()
    prov, written = result["province"]["prov_code"], result["written"]
    assert result["now"] == AS_OF + dt.timedelta(days=1)
    assert written["padme_reports"] > 0 and written["thaiqm"] > 0
    after_versions = versions.current(engine)
    for name, source in CONTRACT_SOURCE.items():
        assert after_versions[source] == before_versions[source] + (1 if written[name] else 0), source
    assert after_versions["sdg"] == before_versions["sdg"] and result["versions"] == after_versions
    padme_after, thaiqm_after = by_province(engine, "padme"), by_province(engine, "thaiqm")
    assert padme_after[prov]["disb_actual_baht"] > padme[prov]["disb_actual_baht"]
    assert thaiqm_after[prov]["n_helped"] > thaiqm[prov]["n_helped"]
    assert thaiqm_after[prov]["n_surveyed"] == thaiqm[prov]["n_surveyed"]  # households move, none appear
    others = [p for p in padme if p != prov]
    assert all(padme_after[p] == padme[p] and thaiqm_after[p] == thaiqm[p] for p in others)
    with engine.connect() as conn:
        logged = conn.execute(select(s.import_log).where(s.import_log.c.imported_by == "simulator")).mappings().all()
    assert len(logged) == sum(1 for n in written.values() if n) and all(r["accepted"] for r in logged)
    assert {r["n_rows"] for r in logged} <= set(written.values())
    with engine.connect() as conn:
        through = dict(conn.execute(select(s.data_version.c.source, s.data_version.c.data_through)).all())
    assert through["padme"] == through["thaiqm"] == result["now"]
    assert_rollups_equal_a_full_rebuild(engine)


def test_many_steps_stay_consistent_and_stop_at_the_quarter_end(engine, clock):
    clock.set(dt.datetime(2027, 1, 15, 14, 0))  # weeks after the quarter: only its end stops the steps
    sim = simulate.Simulator(engine, rows=50, seed=8)
    results = [sim.step() for _ in range(12)]
    assert [r["now"] for r in results] == [sim.start + dt.timedelta(days=k) for k in range(1, 13)]
    assert sum(r["written"]["cebrs"] for r in results) > 0  # relief projects paid, completed or approved
    assert_rollups_equal_a_full_rebuild(engine)
    p, r, c = s.padme_project, s.padme_report, s.cebrs_project
    with engine.connect() as conn:
        reports = conn.execute(select(r.c.disb_actual_baht, r.c.committed_baht, p.c.budget_baht)
                               .join(p, p.c.project_id == r.c.project_id)).all()
        relief = conn.execute(select(c).where(c.c.fiscal_year == Q.year)).mappings().all()
    assert all(actual <= committed <= budget for actual, committed, budget in reports)
    assert all(x["disbursed_baht"] <= x["approved_baht"] and (x["disbursed_on"] is None or
               x["disbursed_on"] >= x["approved_on"]) and (x["status"] != "done" or x["completed_on"])
               for x in relief)
    # near the quarter's end the clock stops on its last day instead of opening the next quarter
    with engine.begin() as conn:
        versions.bump(conn, "padme", Q.end - dt.timedelta(days=1))
    late = simulate.Simulator(engine, rows=5, seed=8)
    assert [late.step()["now"] for _ in range(3)] == [Q.end] * 3
    assert queries.periods(engine)[-1] == Q


def latest_dates(engine) -> dict[str, dt.date]:
    """The newest date of every dated column the feed writes, and of each source's data_through."""
    columns = {"padme_report": ("reported_at",), "cebrs_project": ("approved_on", "disbursed_on", "completed_on"),
               "thaiqm_household": ("started_on", "resolved_on")}
    out = {}
    with engine.connect() as conn:
        for table, names in columns.items():
            for name in names:
                found = conn.execute(select(func.max(s.metadata.tables[table].c[name]))).scalar()
                out[f"{table}.{name}"] = found.date() if isinstance(found, dt.datetime) else found
        for source, through in conn.execute(select(s.data_version.c.source, s.data_version.c.data_through)):
            out[f"data_through.{source}"] = through
    return out


def test_steps_never_write_a_date_after_today(kind, tmp_path, clock):
    """The data runs through today, 20 Nov: three days later the steps catch up with the calendar a day
    at a time, then stay on today (figures still grow); no date and no report time is ever later."""
    with seeded(kind, tmp_path) as url:
        engine = db.engine_for(url)
        clock.set(dt.datetime(2026, 11, 23, 9, 30))  # Monday morning in Bangkok
        sim = simulate.Simulator(engine, rows=40, seed=21)
        results = [sim.step() for _ in range(6)]
        today = dt.date(2026, 11, 23)
        assert [r["now"] for r in results] == [AS_OF + dt.timedelta(days=k) for k in (1, 2, 3)] + [today] * 3
        assert all(sum(r["written"].values()) for r in results[3:])  # staying on today, still moving
        latest = latest_dates(engine)
        assert all(day <= today for day in latest.values()), latest
        assert latest["data_through.padme"] == latest["data_through.thaiqm"] == today
        with engine.connect() as conn:
            stamped = conn.execute(select(func.max(s.padme_report.c.reported_at))).scalar()
        assert stamped <= dt.datetime(2026, 11, 23, 9, 30)  # not later today than now either
        clock.advance(days=1)
        assert sim.step()["now"] == today + dt.timedelta(days=1)
        assert all(day <= today + dt.timedelta(days=1) for day in latest_dates(engine).values())


def written_data(url: str) -> str:
    """The source rows and rollups, without the import time, hashed."""
    digest = hashlib.sha256()
    with db.engine_for(url).connect() as conn:
        for table in (s.padme_report, s.cebrs_project, s.thaiqm_household, *s.ROLLUPS.values(), s.data_version):
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr([v for k, v in row._mapping.items() if k not in ("updated_at", "version")]).encode())
    return digest.hexdigest()


def test_the_same_seed_writes_the_same_data(kind, tmp_path):
    hashes = []
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        with seeded(kind, tmp_path / run) as url:
            before = written_data(url)
            sim = simulate.Simulator(db.engine_for(url), rows=30, seed=11)
            for _ in range(3):
                sim.step()
            hashes.append(written_data(url))
    assert hashes[0] == hashes[1] != before


def cli(*args, url: str):
    return subprocess.run([sys.executable, "-m", "data_access", "simulate", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "WARROOM_NOW": os.environ["WARROOM_NOW"], "WARROOM_DB_URL": url}, timeout=300)


def test_the_cli_steps_and_refuses_a_database_that_is_not_demo_data(fresh, engine):
    done = cli("--steps", "2", "--every", "0", "--rows", "20", "--seed", "5", url=fresh)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("step ")]
    assert len(steps) == 2 and "padme" in steps[0] and "thaiqm" in steps[1] and "(v" in steps[1]
    meta = s.dataset_meta
    with engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "origin").values(value="import"))
    try:
        before = versions.current(engine)
        refused = cli("--steps", "1", "--every", "0", url=fresh)
        assert refused.returncode == 2 and "refusing" in refused.stderr and "'import'" in refused.stderr
        assert versions.current(engine) == before
        forced = cli("--steps", "1", "--every", "0", "--force", "--seed", "5", url=fresh)
        assert forced.returncode == 0, forced.stderr
        # Whatever the province drawn had to do: each source that the step says it wrote moved by one.
        step = next(line for line in forced.stdout.splitlines() if line.startswith("step "))
        written = dict(re.findall(r"(padme|cebrs|thaiqm) (\d+)", step))
        after = versions.current(engine)
        assert any(int(n) for n in written.values()), step
        for source, n in written.items():
            assert after[source] == before[source] + (1 if int(n) else 0), (source, step)
    finally:
        with engine.begin() as conn:
            conn.execute(update(meta).where(meta.c.key == "origin").values(value="demo"))
