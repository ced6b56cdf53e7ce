"""No read can run unscoped: every public data_access function that takes a reader or a viewer refuses
an area outside a governor's or a district officer's rights, on SQLite and PostgreSQL; and each of the
ScopedReader's two barriers (the check before SQL, the filter inside it) holds on its own.

The probe table below must name every such function: a new one without a probe fails
`test_every_function_that_takes_a_viewer_is_probed`, so it cannot ship without its refusal test.
"""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from pathlib import Path

import pandas as pd
import pytest

import data_access
from data_access import (audit, accounts, cebrs, changes, compliance, fieldreports, health, notify, padme, queries,
                         sdg, sessions, snapshots, thaiqm)
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION, Area, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter

Q = FiscalQuarter(2570, 1)
PAST = FiscalQuarter(2569, 4)
WEEK = dt.date(2026, 11, 9)
DAY = dt.date(2026, 11, 20)  # the reporting KPI is judged on a day

# name -> (what it needs: "area" or "district" or "country", call(reader, area))
AREA_READS = {
    "queries.rollup": lambda r, a: queries.rollup(r, "padme", a, PAST),
    "queries.kpi_frame": lambda r, a: queries.kpi_frame(r, "cebrs", a, PAST),
    "queries.sdg_values": lambda r, a: queries.sdg_values(r, a, 2569),
    "padme.projects": lambda r, a: padme.projects(r, a, PAST),
    "padme.breakdown": lambda r, a: padme.breakdown(r, a, PAST, "national_strategy"),
    "padme.record": lambda r, a: padme.record(r, a, _korat_project()),
    "cebrs.totals": lambda r, a: cebrs.totals(r, a, PAST),
    "cebrs.by_category": lambda r, a: cebrs.by_category(r, a, PAST),
    "cebrs.by_area": lambda r, a: cebrs.by_area(r, a, PAST),
    "cebrs.need": lambda r, a: cebrs.need(r, a, PAST),
    "cebrs.projects": lambda r, a: cebrs.projects(r, a, 2569),
    "thaiqm.totals": lambda r, a: thaiqm.totals(r, a, PAST),
    "thaiqm.year_trend": lambda r, a: thaiqm.year_trend(r, a, PAST),
    "sdg.values": lambda r, a: sdg.values(r, a, [2568, 2569]),
    "snapshots.values": lambda r, a: snapshots.values(r, a, WEEK, "cebrs_disbursed_pct"),
    "snapshots.late": lambda r, a: snapshots.late(r, a, WEEK),
    "snapshots.notes": lambda r, a: snapshots.notes(r, a, [WEEK]),
    "compliance.districts": lambda r, a: compliance.districts(r, a, PAST),
    "compliance.judgement": lambda r, a: compliance.judgement(r, a, Q, DAY),
    "compliance.kpi_frames": lambda r, a: compliance.kpi_frames(r, a, Q, ("total", "district"), DAY),
    "compliance.kpi_frame": lambda r, a: compliance.kpi_frame(r, a, Q, "district", DAY),
    "fieldreports.padme_quarter": lambda r, a: fieldreports.padme_quarter(r, a, _korat_project(), 4),
    "fieldreports.padme_projects": lambda r, a: fieldreports.padme_projects(r, a, PAST),
    "fieldreports.cebrs_open": lambda r, a: fieldreports.cebrs_open(r, a, 2569),
    "changes.history": lambda r, a: changes.history(r, a, "padme", f"{_korat_project()} / 4"),
    "notify.acknowledgements": lambda r, a: notify.acknowledgements(r, a, dt.datetime(2020, 1, 1), dt.datetime(2040, 1, 1)),
}
DISTRICT_READS = {  # take a district's code
    "queries.subdistrict_figures": lambda r, a: queries.subdistrict_figures(r, a.code, PAST),
    "thaiqm.subdistricts": lambda r, a: thaiqm.subdistricts(r, a.code, PAST),
    "fieldreports.thaiqm_cases": lambda r, a: fieldreports.thaiqm_cases(r, a.code, 2569),
}
COUNTRY_READS = {  # whole-country tables: refused to a scoped role whatever it asks
    "health.rows_held": lambda r, a: health.rows_held(r, "cebrs"),
    "health.status": lambda r, a: health.status(r),
    "health.import_log": lambda r, a: health.import_log(r, accepted=True),
    "health.last_imports": lambda r, a: health.last_imports(r),
    "audit.recent": lambda r, a: audit.recent(r, 5),
    "accounts.listing": lambda r, a: accounts.listing(r),
    "sessions.live": lambda r, a: sessions.live(r),
    "notify.deliveries": lambda r, a: notify.deliveries(r),
    "notify.delivery": lambda r, a: notify.delivery(r, 1),
    "notify.delivery_counts": lambda r, a: notify.delivery_counts(r, dt.datetime(2020, 1, 1)),
}
WRITES = {  # take a viewer; refused before they write anything (tests/test_access.py checks the table)
    "snapshots.write_note": lambda v, a: snapshots.write_note(_engine(), v, a, dt.date(2020, 1, 6), "padme_gap_pp", "x"),
    "audit.export": lambda v, a: audit.export(_engine(), v, a, "probe", 0),
    "health.upload": lambda v, a: health.upload(_engine(), v, "cebrs", Path("/nonexistent.csv")),
    "health.check": lambda v, a: health.check(v),
    "health.check_admin": lambda v, a: health.check_admin(v),
    "accounts.add": lambda v, a: accounts.add(_engine(), "probe", "probe-password-1", "staff", by=v),
    "accounts.set_password": lambda v, a: accounts.set_password(_engine(), "gov30", "probe-password-1", by=v),
    "accounts.set_disabled": lambda v, a: accounts.set_disabled(_engine(), "gov30", by=v),
    "sessions.end_one": lambda v, a: sessions.end_one(_engine(), v, 1),
    # a field report of a record in `a` (a PADME project there), and a quarter confirmed for its first district
    "fieldreports.file": lambda v, a: fieldreports.file(_engine(), v, "padme_reports",
                                                        [fieldreports.Edit((_project_in(a), 4), 1, {"result_text": "x"})]),
    "fieldreports.confirm": lambda v, a: fieldreports.confirm(_engine(), v, "cebrs", f"{a.code}01", PAST),
    # someone else's subscriptions and alerts (the governor of `a`): only they and an admin keep them
    "notify.add": lambda v, a: notify.add(_engine(), v, _owner(a), _RED),
    "notify.update_subscription": lambda v, a: notify.update_subscription(_engine(), v, _sub_of(a), _RED),
    "notify.set_muted": lambda v, a: notify.set_muted(_engine(), v, _sub_of(a), True),
    "notify.remove": lambda v, a: notify.remove(_engine(), v, _sub_of(a)),
    "notify.subscriptions_of": lambda v, a: notify.subscriptions_of(_engine(), v, _owner(a)),
    "notify.alerts_of": lambda v, a: notify.alerts_of(_engine(), v, _owner(a)),
    "notify.acknowledge": lambda v, a: notify.acknowledge(_engine(), v, _episode_of(a)),
    "notify.owners": lambda v, a: notify.owners(_engine(), v),
    "notify.retry": lambda v, a: notify.retry(_engine(), v, 1),
}
_RED = {"kind": "alert", "channel": "line", "address": "U" + "ab" * 16, "lang": "th", "rule": "red"}


def _owner(area: Area) -> Viewer:
    return Viewer(f"probe-owner-{area.code}", "governor", prov_code=area.code[:2])


def _sub_of(area: Area) -> int:
    """A subscription of the governor of `area`, made by an admin."""
    return notify.add(_engine(), Viewer("probe-admin", "admin"), _owner(area), _RED)


def _episode_of(area: Area) -> int:
    return notify.open_episode(_engine(), _sub_of(area), f"probe:{dt.datetime.now().timestamp()}", area,
                               "padme_disbursed_pct", {}, dt.datetime(2026, 11, 20))
# Take a viewer and refuse row by row (an area's upload: every row outside the area; tests/test_field_reports.py).
FENCED_WRITES = {"fieldreports.upload", "imports.import_file"}
# Take a reader but read reference data only (no area, no figure): nothing to refuse.
REFERENCE_ONLY = {"queries.padme_target_due", "queries.sdg_indicator_targets", "fieldreports.subdistricts"}

NOT_READS = {"reader.reader",  # builds a reader
             "notify.rules_for", "notify.validate"}  # which rules a viewer may choose; a subscription's checks

GOVERNOR = Viewer("probe-gov", "governor", prov_code="30")
OFFICER = Viewer("probe-do", "district_officer", prov_code="30", dist_code="3001")
OUT_OF_SCOPE = {  # national_totals off: even the nation's totals are out
    "governor": [NATION, Area("region", "northeast"), Area("region", "south"), Area("province", "50"),
                 Area("district", "5001")],
    "district_officer": [NATION, Area("region", "northeast"), Area("province", "30"), Area("province", "50"),
                         Area("district", "3002"), Area("district", "5001")],
}
DISJOINT = {  # areas with no part inside the viewer's own
    "governor": [Area("region", "south"), Area("province", "50"), Area("district", "5001")],
    "district_officer": [Area("province", "50"), Area("district", "3002"), Area("district", "5001")],
}
SCOPED = {"governor": GOVERNOR, "district_officer": OFFICER}
_state: dict = {}


def _engine():
    return _state["engine"]


def _korat_project() -> str:
    return _state["project"]


def _project_in(area: Area) -> str:
    """A PADME project of a province (FY2569)."""
    return padme.projects(ScopedReader(_engine(), EVERYONE), area, PAST).project_id.iloc[0]


@pytest.fixture(autouse=True)
def _bind(engine):
    _state["engine"] = engine
    _state["project"] = padme.projects(ScopedReader(engine, EVERYONE), Area("province", "30"), PAST).project_id.iloc[0]


def public_functions_taking_a_viewer():
    """module.function for every public function of data_access whose parameters take a reader or a viewer."""
    found = set()
    for info in pkgutil.iter_modules(data_access.__path__):
        if info.name.startswith("_") or info.name in ("access", "scope"):
            continue  # access *is* the decision; scope defines the types
        module = importlib.import_module(f"data_access.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters.values()
            if any(p.name in ("reader", "viewer", "read") or "ScopedReader" in str(p.annotation)
                   or str(p.annotation).startswith("Viewer") for p in params):
                found.add(f"{info.name}.{name}")
    return found


def test_every_function_that_takes_a_viewer_is_probed():
    probed = (set(AREA_READS) | set(DISTRICT_READS) | set(COUNTRY_READS) | set(WRITES) | FENCED_WRITES | REFERENCE_ONLY
              | NOT_READS)
    missing = public_functions_taking_a_viewer() - probed
    assert not missing, f"give these a probe in this file: {sorted(missing)}"
    assert not (probed - public_functions_taking_a_viewer()), "probes of functions that no longer exist"


def _calls(role: str):
    """(name, call) for every probe and each of the role's out-of-scope areas."""
    for area in OUT_OF_SCOPE[role]:
        for name, call in AREA_READS.items():
            yield name, area, call
        if area.level == "district":
            for name, call in DISTRICT_READS.items():
                yield name, area, call
    for name, call in COUNTRY_READS.items():
        yield name, NATION, call


@pytest.mark.parametrize("role", list(SCOPED))
def test_every_read_refuses_every_out_of_scope_area(engine, role):
    let_through = _refusals_missing(engine, role)
    assert not let_through, f"{role} was not refused: {let_through}"


@pytest.mark.parametrize("role", list(SCOPED))
def test_every_write_refuses_a_scoped_role_outside_its_area(engine, role):
    let_through = []
    for name, call in WRITES.items():
        try:
            call(SCOPED[role], Area("province", "50"))
            let_through.append(name)
        except NotPermitted:
            pass
    assert not let_through, f"{role} was not refused: {let_through}"


def test_with_the_national_policy_only_the_nations_one_row_of_totals_is_let_through(engine):
    governor = Viewer("probe-gov", "governor", prov_code="30", national_totals=True)
    read = ScopedReader(engine, governor)
    assert len(queries.rollup(read, "padme", NATION, PAST, "total")) == 1
    for by in ("region", "province", "district"):
        with pytest.raises(NotPermitted):
            queries.rollup(read, "padme", NATION, PAST, by)
    with pytest.raises(NotPermitted):
        padme.projects(read, NATION, PAST)


# --- each barrier on its own -----------------------------------------------------------------------
def _figures(result) -> list:
    """Every non-zero number in a read's result (a frame, a dict, or a (dict, frame) record)."""
    parts = result if isinstance(result, tuple) else (result,)
    found = []
    for part in parts:
        frame = pd.DataFrame([part]) if isinstance(part, dict) else part
        if not isinstance(frame, pd.DataFrame):
            continue
        numbers = frame.select_dtypes("number")
        found += [v for v in numbers.to_numpy().ravel() if pd.notna(v) and v != 0]
    return found


def _leaks(engine, role: str) -> list[str]:
    """Reads of an area disjoint from the viewer's that came back with figures."""
    out = []
    for area in DISJOINT[role]:
        probes = dict(AREA_READS, **(DISTRICT_READS if area.level == "district" else {}))
        for name, call in probes.items():
            try:
                result = call(ScopedReader(engine, SCOPED[role]), area)
            except (KeyError, NotPermitted):
                continue  # not found, or refused: nothing leaked
            if _figures(result):
                out.append(f"{name}({area})")
    return out


def _refusals_missing(engine, role: str) -> list[str]:
    """Reads of an out-of-scope area that were not refused (whatever they then returned)."""
    out = []
    for name, area, call in _calls(role):
        try:
            call(ScopedReader(engine, SCOPED[role]), area)
        except NotPermitted:
            continue
        except KeyError:
            pass  # past the check; the filter then found nothing
        out.append(f"{name}({area})")
    return out


def _without_check(monkeypatch):
    monkeypatch.setattr(ScopedReader, "_check", lambda self, area, by: None)
    monkeypatch.setattr("data_access.access.require", lambda *a, **k: None)  # the reference-only early exits too


def _without_filter(monkeypatch):
    monkeypatch.setattr(ScopedReader, "_restrict", lambda self, stmt, scope, area, by: stmt)


@pytest.mark.parametrize("role", list(SCOPED))
def test_the_filter_alone_keeps_other_areas_figures_out(engine, monkeypatch, role):
    _without_check(monkeypatch)
    assert not _leaks(engine, role)
    # Where the viewer's own area is part of what was asked, the filter leaves just that part.
    by_province = queries.rollup(ScopedReader(engine, SCOPED[role]), "padme", NATION, PAST, "province")
    assert set(by_province.area_code) <= {"30"}
    by_district = queries.rollup(ScopedReader(engine, SCOPED[role]), "padme", NATION, PAST, "district")
    assert set(by_district.area_code) <= ({"3001"} if role == "district_officer" else
                                         {c for c in by_district.area_code if c.startswith("30")})


@pytest.mark.parametrize("role", list(SCOPED))
def test_the_check_alone_refuses_every_out_of_scope_area(engine, monkeypatch, role):
    _without_filter(monkeypatch)
    assert not _refusals_missing(engine, role)


@pytest.mark.parametrize("role", list(SCOPED))
def test_without_both_barriers_figures_leak_so_the_tests_above_can_fail(engine, monkeypatch, role):
    """Removing the check makes the refusal tests fail; removing the filter as well makes the leak
    test fail: each barrier is the one thing standing between its test and a leak."""
    _without_check(monkeypatch)
    assert _refusals_missing(engine, role), "with the check removed, the refusal test must see reads get through"
    _without_filter(monkeypatch)
    leaked = _leaks(engine, role)
    assert len(leaked) >= len(DISJOINT[role]) * 8, leaked  # most reads of another area now return its figures
