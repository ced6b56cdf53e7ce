"""The cached loaders (ui.loaders): every one is registered, reads only the sources it declares, and
its cache key moves exactly when one of those sources' data versions moves.

Each loader runs against the real test database with a SQLAlchemy listener that records the tables
every statement touched; schema.VERSIONED_BY says which source's version covers each table.
"""
from __future__ import annotations

import ast
import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import event

from data_access import schema
from data_access.reader import tables_of
from data_access.scope import EVERYONE, Area, Viewer
from metrics import kpis
from metrics.fiscal import FiscalQuarter
from ui import loaders
from ui.loaders import _cache

ROOT = Path(__file__).resolve().parent.parent
Q = FiscalQuarter(2569, 4)
KORAT, KORAT_CITY = Area("province", "30"), Area("district", "3001")
ADMIN = Viewer("admin1", "admin")


@dataclass(frozen=True)
class Ctx:  # what a loader needs of ui.shell.Context
    url: str
    viewer: Viewer
    versions: tuple


# How to call each registered loader once (name -> call(ctx)).
CALLS = {
    "ui.loaders.core.data_status": lambda c: loaders.data_status(c.url, c.versions),
    "ui.loaders.core.dataset_meta": lambda c: loaders.dataset_meta(c.url, c.versions),
    "ui.loaders.core.periods": lambda c: loaders.periods(c.url, c.versions),
    "ui.loaders.core._area_index": lambda c: loaders.area_index(c.url),
    "ui.loaders.core._kpi_frame": lambda c: loaders.kpi_frame(c, "thaiqm", KORAT, Q, "district"),
    "ui.loaders.core.subdistricts": lambda c: loaders.subdistricts(c, "3001", Q),
    "ui.loaders.core.sdg_years": lambda c: loaders.sdg_years(c.url, c.versions),
    "ui.loaders.core._goal_ratings": lambda c: loaders.sdg_ratings(c, KORAT, Q, "total"),
    "ui.loaders.padme.projects": lambda c: loaders.padme.projects(c, KORAT, Q, ""),
    "ui.loaders.padme.breakdown": lambda c: loaders.padme.breakdown(c, KORAT, Q, "sdg_goal"),
    "ui.loaders.padme.record": lambda c: loaders.padme.record(
        c, KORAT, loaders.padme.projects(c, KORAT, Q, "").project_id.iloc[0]),
    "ui.loaders.cebrs.totals": lambda c: loaders.cebrs.totals(c, KORAT, Q),
    "ui.loaders.cebrs.categories": lambda c: loaders.cebrs.categories(c, KORAT, Q),
    "ui.loaders.cebrs.by_area": lambda c: loaders.cebrs.by_area(c, KORAT, Q),
    "ui.loaders.cebrs.need": lambda c: loaders.cebrs.need(c, KORAT, Q),
    "ui.loaders.cebrs.projects": lambda c: loaders.cebrs.projects(c, KORAT, 2569),
    "ui.loaders.thaiqm.totals": lambda c: loaders.thaiqm.totals(c, KORAT, Q),
    "ui.loaders.thaiqm._child_counts": lambda c: loaders.thaiqm.children(c, KORAT, Q),
    "ui.loaders.thaiqm.trend": lambda c: loaders.thaiqm.trend(c, KORAT, Q),
    "ui.loaders.thaiqm.subdistricts": lambda c: loaders.thaiqm.subdistricts(c, "3001", Q),
    "ui.loaders.sdg.reference": lambda c: loaders.sdg.reference(c.url, c.versions),
    "ui.loaders.sdg.values": lambda c: loaders.sdg.values(c, KORAT, (2568, 2569), "district"),
    "ui.loaders.health.rows_held": lambda c: loaders.health.rows_held(c, "cebrs"),
    "ui.loaders.health.status": lambda c: loaders.health.status(c),
    "ui.loaders.health.last_imports": lambda c: loaders.health.last_imports(c),
    "ui.loaders.compliance.facts": lambda c: loaders.compliance.facts(c, KORAT, Q),
    "ui.loaders.report.padme_projects": lambda c: loaders.report.padme_projects(c, KORAT, Q),
    "ui.loaders.report.padme_quarter": lambda c: loaders.report.padme_quarter(
        c, KORAT, loaders.report.padme_projects(c, KORAT, Q).project_id.iloc[0], Q.quarter),
    "ui.loaders.report.thaiqm_cases": lambda c: loaders.report.thaiqm_cases(c, "3001", Q.year),
    "ui.loaders.report.cebrs_projects": lambda c: loaders.report.cebrs_projects(c, KORAT, Q.year),
    "ui.loaders.report.history": lambda c: loaders.report.history(c, KORAT, "padme", "P-none / 1"),
    "ui.loaders.report.subdistricts": lambda c: loaders.report.subdistricts(c, "3001"),
}


@contextlib.contextmanager
def statements(engine):
    """The tables of every statement `engine` runs inside the block, one set per statement."""
    seen: list[set[str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        if compiled is not None and getattr(compiled, "statement", None) is not None:
            seen.append(tables_of(compiled.statement))
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _ctx(url: str, bump: dict | None = None) -> Ctx:
    versions = dict(loaders.versions(url))
    versions.update(bump or {})
    return Ctx(url, ADMIN, tuple(sorted(versions.items())))


# Loaders whose sources depend on the call: what `reads` gives for the call in CALLS.
DYNAMIC = {"ui.loaders.core._kpi_frame": _cache.REGISTRY["ui.loaders.core._kpi_frame"].reads("thaiqm"),
           "ui.loaders.health.rows_held": _cache.REGISTRY["ui.loaders.health.rows_held"].reads("cebrs"),
           "ui.loaders.report.history": _cache.REGISTRY["ui.loaders.report.history"].reads(KORAT, "padme", "P-none / 1")}


def test_every_loader_has_a_call_here():
    assert set(_cache.REGISTRY) == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_loader_reads_only_the_sources_it_declares(db_url, name):
    st.cache_data.clear()
    engine = _cache.engine(db_url)  # the loaders' own engine (db.engine_for's cache may have moved on)
    ctx = _ctx(db_url)
    with statements(engine) as seen:
        CALLS[name](ctx)
    assert seen, f"{name} ran no SQL"
    read = set().union(*seen)
    sources = {src for table in read for src in schema.VERSIONED_BY.get(table, ())}
    unversioned = read - set(schema.VERSIONED_BY) - set(schema.REFERENCE_TABLES)
    assert not unversioned, f"{name} caches tables no data version covers: {sorted(unversioned)}"
    registered = _cache.REGISTRY[name]
    declared = set(DYNAMIC[name]) if callable(registered.reads) else set(registered.reads)
    # Accepted imports are logged, and field reports' changes recorded, with their own source's bump:
    # the version of the source asked for covers them.
    if read & {"import_log", "record_change"}:
        sources -= set(schema.SOURCES)
        sources |= declared & set(schema.SOURCES)
    assert sources <= declared, f"{name} reads {sorted(sources)} but is keyed by {sorted(declared)}"


def test_the_key_moves_with_a_declared_source_and_only_with_it(sqlite_url):
    st.cache_data.clear()
    engine = _cache.engine(sqlite_url)
    base, padme_moved, cebrs_moved = (_ctx(sqlite_url), _ctx(sqlite_url, {"padme": 10_000}),
                                      _ctx(sqlite_url, {"cebrs": 10_000}))
    with statements(engine) as seen:
        loaders.cebrs.categories(base, KORAT, Q)
        first = len(seen)
        loaders.cebrs.categories(base, KORAT, Q)  # same versions: from the cache
        assert len(seen) == first
        loaders.cebrs.categories(padme_moved, KORAT, Q)  # not a source it reads
        assert len(seen) == first
        loaders.cebrs.categories(cebrs_moved, KORAT, Q)  # its own source moved
        assert len(seen) > first
    # A KPI frame is keyed by the version of the source it is asked for.
    with statements(engine) as seen:
        loaders.kpi_frame(base, "padme", KORAT, Q, "total")
        first = len(seen)
        loaders.kpi_frame(cebrs_moved, "padme", KORAT, Q, "total")
        assert len(seen) == first
        loaders.kpi_frame(padme_moved, "padme", KORAT, Q, "total")
        assert len(seen) > first


def test_the_reporting_kpi_reads_its_three_sources_and_is_keyed_by_them_and_the_day(sqlite_url, clock):
    """The pseudo-source "reporting" (metrics.kpis.DERIVED) reads the PADME, ThaiQM and CEBRS data and
    nothing else; its frame's key moves with each of their versions, not with SDG's, and with the day
    it is judged on (a report turns missing at midnight without any write)."""
    st.cache_data.clear()
    engine = _cache.engine(sqlite_url)
    base = _ctx(sqlite_url)
    assert set(_cache._sources(_cache.REGISTRY["ui.loaders.core._kpi_frame"].reads, ("reporting",), {})) \
        == {"padme", "thaiqm", "cebrs"}
    with statements(engine) as seen:
        loaders.kpi_frame(base, "reporting", KORAT, Q, "district")
    sources = {src for table in set().union(*seen) for src in schema.VERSIONED_BY.get(table, ())}
    assert sources and sources <= {"padme", "thaiqm", "cebrs"}
    moved = {source: _ctx(sqlite_url, {source: 10_000}) for source in schema.SOURCES}
    with statements(engine) as seen:
        loaders.kpi_frame(base, "reporting", KORAT, Q, "district")
        assert not seen  # from the cache
        loaders.kpi_frame(moved["sdg"], "reporting", KORAT, Q, "district")
        assert not seen  # not a source it reads
        for source in ("padme", "thaiqm", "cebrs"):
            first = len(seen)
            loaders.kpi_frame(moved[source], "reporting", KORAT, Q, "district")
            assert len(seen) > first, source
        first = len(seen)
        clock.advance(days=1)
        loaders.kpi_frame(base, "reporting", KORAT, Q, "district")
        assert len(seen) > first  # a new day: judged again


def test_two_viewers_never_share_a_cached_answer(sqlite_url):
    st.cache_data.clear()
    governor = Viewer("gov30", "governor", prov_code="30")
    versions = _ctx(sqlite_url).versions
    mine = loaders.kpi_frame(Ctx(sqlite_url, governor, versions), "padme", KORAT, Q, "district")
    everyone = loaders.kpi_frame(Ctx(sqlite_url, EVERYONE, versions), "padme", Area("region", "northeast"), Q,
                                 "province")
    assert set(mine.area_code.str[:2]) == {"30"} and len(everyone) == 20
    from data_access.scope import NotPermitted
    with pytest.raises(NotPermitted):  # the governor's cached answers are theirs; the region is not
        loaders.kpi_frame(Ctx(sqlite_url, governor, versions), "padme", Area("region", "northeast"), Q, "province")


def test_the_only_st_cache_data_is_in_ui_loaders():
    offenders = []
    for path in [*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        if "loaders" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "cache_data":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_children_and_totals_agree_with_the_kpi_frames(sqlite_url):
    ctx = _ctx(sqlite_url)
    kpi = kpis.KPIS["thaiqm_helped_pct"]
    frame = loaders.children(ctx, kpi, KORAT, Q)
    assert len(frame) == 32 and frame["rank"].notna().sum() >= 28
    total = loaders.totals(ctx, "thaiqm", KORAT, Q)
    assert total["n_target"] == loaders.kpi_frame(ctx, "thaiqm", KORAT, Q, "district")["n_target"].sum()
