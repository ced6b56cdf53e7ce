"""Imports that never crash, never lie and never race (SQLite and PostgreSQL, a fresh database each):
every broken file ends in a report naming file, row and column, logged, with the tables unchanged;
values are checked against the calendar and the rollups' limits; two imports at once both land; an
XLSX bomb is refused before it is parsed."""
from __future__ import annotations

import codecs
import concurrent.futures
import io
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from data_access import audit, db, imports, rollups, schema as s, versions, writelock
from data_access.contracts import MAX_AMOUNT
from data_access.seed import seed
from tests.conftest import AS_OF, cebrs_bytes, seeded_pg_schema
from tests.test_imports import fingerprint

ROOT = Path(__file__).resolve().parent.parent
CEBRS = imports.CONTRACTS["cebrs"]
HEADER = ",".join(c.name for c in CEBRS.columns)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('safety') / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_safety") as url:
        yield url


@pytest.fixture
def engine(fresh):
    return db.engine_for(fresh)


def _row(**change) -> str:
    return cebrs_bytes(change).decode("utf-8-sig").splitlines()[1]


def _logged(engine) -> tuple[int, int]:
    """(rejected imports in the import log, import entries in the audit log)."""
    with engine.connect() as conn:
        rejected = conn.execute(select(func.count()).select_from(s.import_log).where(
            s.import_log.c.accepted.is_(False))).scalar_one()
        audited = conn.execute(select(func.count()).select_from(s.audit_log).where(
            s.audit_log.c.action == "import")).scalar_one()
    return rejected, audited


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_FILES = {  # name: (bytes, the row named, words of the reason)
    "empty.csv": (b"", 0, "the file is empty"),
    "header-only.csv": ((HEADER + "\n").encode(), 1, "no data rows"),
    "ragged.csv": ((HEADER + "\n" + _row(project_id="C2570-3001-R1") + ",extra,cells\n").encode(), 2,
                   "the row has 15 cells but the header has 13"),
    "unterminated.csv": ((HEADER + "\n" + _row(project_id="C2570-3001-R2").replace("ช่วย", '"ช่วย') + "\n").encode(),
                         2, "a quoted cell is never closed"),
    "huge.csv": (cebrs_bytes({"project_id": "C2570-3001-R3", "approved_baht": "9" * 25, "disbursed_baht": "0"}), 2,
                 "too large"),
    "overflow.csv": (cebrs_bytes({"project_id": "C2570-3001-R4", "approved_baht": str(2**63 - 1), "disbursed_baht": "0"},
                                 {"project_id": "C2570-3001-R5", "approved_baht": str(2**63 - 1), "disbursed_baht": "0"}),
                     2, "too large"),
    "be-date.csv": (cebrs_bytes({"project_id": "C2570-3001-R6", "approved_on": "2569-10-05", "disbursed_on": "2569-10-20"}),
                    2, "Buddhist Era year: dates are written in CE (2569 − 543 = 2026)"),
    "ce-year.csv": (cebrs_bytes({"project_id": "C2570-3001-R7", "fiscal_year": "2026"}), 2, "a CE year"),
    "far-date.csv": (cebrs_bytes({"project_id": "C2570-3001-R8", "approved_on": "1999-10-05", "disbursed_on": ""}), 2,
                     "outside the fiscal years the calendar holds"),
    "mixed.csv": (cebrs_bytes({"project_id": "C2570-3001-R9"}) + (_row(project_id="C2570-3001-RA") + "\n").encode("cp874"),
                  3, "line 3 is TIS-620/CP874 but the lines before it are UTF-8"),
    "repeated-column.csv": ((HEADER + ",title\n" + _row(project_id="C2570-3001-RB") + ",again\n").encode(), 1,
                            "names column 'title' twice"),
    "nul.csv": (cebrs_bytes({"project_id": "C2570-3001-RC", "title": "a\x00b"}), 2, "control character U+0000"),
    "repeated-header.xlsx": (_xlsx([HEADER.split(",") + ["title"], _row(project_id="C2570-3001-RD").split(",") + ["x"]]),
                             1, "names column 'title' twice"),
    "not-a-workbook.xlsx": (b"PK\x03\x04 this is not a zip", 0, "not a readable Excel workbook"),
    "not-csv.pdf": (b"%PDF-1.4", 0, "not a CSV or XLSX file"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_broken_file_is_a_report_logged_and_nothing_changes(engine, tmp_path, name):
    content, row, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    before, logged = fingerprint(engine), _logged(engine)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path)
    report = rejected.value.report()
    assert report.startswith(f"{name}: rejected") and words in report, report
    assert rejected.value.problems[0].row == row, report
    assert fingerprint(engine) == before
    assert _logged(engine) == (logged[0] + 1, logged[1] + 1)


def test_the_cli_says_it_in_a_report_and_exits_1(fresh, tmp_path):
    for name in ("empty.csv", "unterminated.csv", "repeated-header.xlsx"):
        path = tmp_path / name
        path.write_bytes(BAD_FILES[name][0])
        done = subprocess.run([sys.executable, "-m", "data_access", "import", "cebrs", str(path)], cwd=ROOT,
                              env={"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": fresh, "WARROOM_NOW": "2026-11-20T14:00"},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr and f"{name}: rejected" in done.stderr


def test_stray_byte_order_marks_are_removed_from_the_cells(engine, tmp_path):
    path = tmp_path / "pasted.csv"
    path.write_bytes(cebrs_bytes({"project_id": "C2570-3001-BOM1"}) +
                     (codecs.BOM_UTF8.decode() + _row(project_id="C2570-3001-BOM2") + "\n").encode())
    assert imports.import_file(engine, "cebrs", path)["rows"] == 2
    with engine.connect() as conn:
        ids = set(conn.execute(select(s.cebrs_project.c.project_id).where(
            s.cebrs_project.c.project_id.like("%BOM%"))).scalars())
    assert ids == {"C2570-3001-BOM1", "C2570-3001-BOM2"}


def test_amounts_at_the_stated_maximum_sum_in_the_rollups(engine, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(cebrs_bytes(*({"project_id": f"C2570-3001-MAX{n}", "approved_baht": str(MAX_AMOUNT),
                                    "disbursed_baht": "0", "status": "approved", "disbursed_on": ""} for n in range(3))))
    imports.import_file(engine, "cebrs", path)
    with engine.connect() as conn:
        total = conn.execute(select(func.sum(s.rollup_cebrs.c.approved_baht)).where(
            s.rollup_cebrs.c.dist_code == "3001", s.rollup_cebrs.c.fiscal_year == 2570,
            s.rollup_cebrs.c.quarter == 4)).scalar_one()
    assert total >= 3 * MAX_AMOUNT


def test_data_through_is_what_the_tables_hold_not_a_running_maximum(engine, tmp_path):
    def through():
        with engine.connect() as conn:
            return conn.execute(select(s.data_version.c.data_through).where(s.data_version.c.source == "cebrs")).scalar()
    late = tmp_path / "late.csv"
    late.write_bytes(cebrs_bytes({"project_id": "C2570-3001-DT1", "approved_on": "2027-09-01", "disbursed_on": "2027-09-20",
                                  "status": "in_progress"}))
    imports.import_file(engine, "cebrs", late)
    assert str(through()) == "2027-09-20"
    fixed = tmp_path / "fixed.csv"  # the same project, its dates corrected
    fixed.write_bytes(cebrs_bytes({"project_id": "C2570-3001-DT1", "approved_on": "2026-10-05", "disbursed_on": "2026-10-20",
                                   "status": "in_progress"}))
    imports.import_file(engine, "cebrs", fixed)
    with engine.connect() as conn:
        held = conn.execute(select(func.max(s.cebrs_project.c.approved_on), func.max(s.cebrs_project.c.disbursed_on),
                                   func.max(s.cebrs_project.c.completed_on))).one()
    assert str(through()) == str(max(str(d)[:10] for d in held if d is not None)) < "2027-09-20"


# --- Hypothesis: whatever the bytes, a report or an import, never another exception -----------------
def _mangle(data: st.DataObject) -> bytes:
    lines = [HEADER] + [_row(project_id=f"C2570-3001-H{i}") for i in range(data.draw(st.integers(0, 3)))]
    text = "\n".join(lines) + "\n"
    body = text.encode(data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp874"])))
    for _ in range(data.draw(st.integers(0, 4))):
        where = data.draw(st.integers(0, max(0, len(body) - 1)))
        edit = data.draw(st.sampled_from(["cut", "insert", "replace"]))
        junk = data.draw(st.sampled_from([b"\x00", b'"', b",", b"\n", b"\xef\xbb\xbf", b"\xff\xfe", b"9" * 30,
                                          b"\x1b", "ก".encode("cp874"), "ก".encode(), b"\r", b"title,"]))
        body = (body[:where] if edit == "cut" else
                body[:where] + junk + body[where:] if edit == "insert" else body[:where] + junk + body[where + 1:])
    return body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_malformed_files_end_in_a_report_with_the_tables_unchanged(engine, tmp_path_factory, data, suffix):
    body = _mangle(data)
    if suffix == ".xlsx":
        body = _xlsx_from_bytes(body, data)
    path = tmp_path_factory.mktemp("fuzz") / f"fuzz{suffix}"
    path.write_bytes(body)
    before, logged = fingerprint(engine), _logged(engine)
    try:
        imports.import_file(engine, "cebrs", path)
    except imports.ImportRejected as rejected:
        assert rejected.problems and rejected.report().startswith(f"{path.name}: rejected")
        assert fingerprint(engine) == before and _logged(engine)[0] == logged[0] + 1
    else:  # the mangling left a valid file: it imported, and is logged like any other
        assert _logged(engine)[1] == logged[1] + 1


def _xlsx_from_bytes(body: bytes, data: st.DataObject) -> bytes:
    """A workbook built from the mangled text's rows, or the mangled bytes zipped as if a workbook."""
    if data.draw(st.booleans()):  # (a worksheet cannot hold control characters: openpyxl refuses to write them)
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        rows = [line.split(",") for line in body.decode("utf-8", "replace").splitlines()]
        return _xlsx([[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in rows] or [[""]])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", body)
    return out.getvalue()


# --- two imports at once --------------------------------------------------------------------------
def _relief_file(path: Path, prefix: str, n: int) -> Path:
    path.write_bytes(cebrs_bytes(*({"project_id": f"C2570-3001-{prefix}{i:05d}", "subdist_code": "300101"}
                                   for i in range(n))))
    return path


def test_two_imports_into_one_district_at_once_both_land(fresh, engine, tmp_path):
    files = [_relief_file(tmp_path / f"{p}.csv", p, 4000) for p in ("PA", "PB")]
    env = {"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": fresh, "WARROOM_NOW": "2026-11-20T14:00"}
    procs = [subprocess.Popen([sys.executable, "-m", "data_access", "import", "cebrs", str(f)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0 and "Traceback" not in err, err
    with engine.connect() as conn:
        landed = conn.execute(select(func.count()).where(s.cebrs_project.c.project_id.like("C2570-3001-P%"))).scalar_one()
        held = sorted(tuple(r) for r in conn.execute(select(s.rollup_cebrs)))
    assert landed == 8000
    with engine.begin() as conn:  # the rollups are what a full rebuild from the source rows gives
        rollups.rebuild(conn, "cebrs")
        assert sorted(tuple(r) for r in conn.execute(select(s.rollup_cebrs))) == held


def test_an_import_waits_for_another_and_then_says_it_is_busy(engine, tmp_path, monkeypatch):
    """While another import holds the source's lock for longer than [imports] wait_seconds."""
    from data_access.settings import IMPORT_LIMITS
    monkeypatch.setattr(imports, "import_limits", lambda: {**IMPORT_LIMITS, "wait_seconds": 1})
    holding, release = threading.Event(), threading.Event()

    def hold():
        with writelock.source_transaction(engine, "cebrs", 5):
            holding.set()
            release.wait(30)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(hold)
        assert holding.wait(30)
        before, logged = fingerprint(engine), _logged(engine)
        with pytest.raises(imports.ImportBusy) as busy:
            imports.import_file(engine, "cebrs", _relief_file(tmp_path / "waits.csv", "WAIT", 3))
        release.set()
        held.result(timeout=30)
    assert "another import of cebrs is running" in busy.value.report() and "try again" in busy.value.report()
    assert fingerprint(engine) == before and _logged(engine)[0] == logged[0] + 1
    imports.import_file(engine, "cebrs", tmp_path / "waits.csv")  # the lock is free again


def test_an_import_started_during_a_long_one_waits_and_then_runs(engine, tmp_path):
    """The other writer holds the source (and, on SQLite, the database) for longer than SQLite's own
    busy timeout would wait: the second import queues on the source's lock instead, then lands."""
    holding = threading.Event()

    def long_import():
        with writelock.source_transaction(engine, "cebrs", 5) as conn:
            audit.record(conn, "long-import", "import", "cebrs", "holds the database's write lock")
            holding.set()
            time.sleep(12)  # the other writer's work: longer than SQLite's 10-second busy timeout
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(long_import)
        assert holding.wait(30)
        summary = imports.import_file(engine, "cebrs", _relief_file(tmp_path / "queued.csv", "QUEUE", 3))
        held.result(timeout=60)
    assert summary["rows"] == 3


# --- bounded memory -------------------------------------------------------------------------------
def _bomb(path: Path, megabytes: int) -> Path:
    """A valid-looking workbook whose shared strings expand to `megabytes` MB (a few KB compressed)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:M2"/></worksheet>')
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            block = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
            for _ in range(megabytes):
                strings.write(block)
    return path


def test_an_xlsx_bomb_is_refused_before_it_is_parsed(engine, tmp_path, monkeypatch):
    import openpyxl
    parsed = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: parsed.append(a) or pytest.fail("parsed"))
    path = _bomb(tmp_path / "bomb.xlsx", 600)
    assert path.stat().st_size < 2 * 2**20
    before = fingerprint(engine)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path)
    assert "expands to 600 MB (limit 64 MB)" in rejected.value.report() and not parsed
    assert fingerprint(engine) == before


def test_a_sheet_that_declares_too_many_rows_is_refused(engine, tmp_path):
    path = tmp_path / "tall.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:M2000000"/></worksheet>')
    with pytest.raises(imports.ImportRejected, match="declares 1,999,999 data rows"):
        imports.import_file(engine, "cebrs", path)


def test_versions_move_once_per_accepted_import(engine, tmp_path):
    before = versions.current(engine)["cebrs"]
    imports.import_file(engine, "cebrs", _relief_file(tmp_path / "one.csv", "VER", 2))
    assert versions.current(engine)["cebrs"] == before + 1


def test_the_upload_page_applies_the_same_limits_and_shows_the_report(fresh, engine, tmp_path):
    from tests.test_page_imports import run_import_app
    before = fingerprint(engine)
    at = run_import_app(fresh, "cebrs", "bomb.xlsx", _bomb(tmp_path / "bomb.xlsx", 100).read_bytes())
    assert not at.exception and at.session_state["summary"] is None
    from tests.test_literal_text import streamlit_text
    assert any("bomb.xlsx" in streamlit_text(e.value)[0] for e in at.error)
    problems = at.dataframe[0].value
    assert "expands to 100 MB (limit 64 MB)" in " ".join(map(str, problems.iloc[0]))
    at = run_import_app(fresh, "cebrs", "unterminated.csv", BAD_FILES["unterminated.csv"][0])
    assert not at.exception and at.session_state["summary"] is None
    assert fingerprint(engine) == before


def test_a_rule_on_an_optional_column_the_file_leaves_out_is_still_a_report(engine, tmp_path):
    """Found by the property test: a row rule that names an optional column the header does not have."""
    header = [c.name for c in CEBRS.columns if c.name not in ("disbursed_on", "completed_on")]
    row = {**CEBRS.example, "project_id": "C2570-3001-OPT1", "disbursed_baht": "1000"}
    path = tmp_path / "no-dates.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row[h] for h in header) + "\n", encoding="utf-8")
    with pytest.raises(imports.ImportRejected, match="a disbursed amount needs its disbursement date"):
        imports.import_file(engine, "cebrs", path)
