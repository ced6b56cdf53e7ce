"""Imports (SQLite and PostgreSQL, each on its own fresh database): every rejection reason with its
row/column/value, encodings, XLSX, upsert, and atomicity down to the rollups."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from data_access.reader import ScopedReader
from data_access import db, imports, queries, rollups, schema as s
from data_access.scope import EVERYONE, Area
from data_access.seed import seed
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF, seeded_pg_schema

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["project_id", "fiscal_year", "subdist_code", "category", "title", "approved_baht", "disbursed_baht",
          "beneficiary_households", "beneficiary_people", "status", "approved_on", "disbursed_on", "completed_on"]
GOOD = ["C2570-3001-NEW01", "2570", "300101", "flood", "ช่วยเหลือผู้ประสบอุทกภัย ตำบลในเมือง", "450000", "300000",
        "40", "120", "in_progress", "2026-10-05", "2026-10-20", ""]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request, tmp_path_factory):
    """A database of our own: imports change data, and the shared test databases must not move."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('imports') / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_imports") as url:
        yield url


@pytest.fixture
def engine(fresh):
    return db.engine_for(fresh)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", header=HEADER) -> Path:
    frame = pd.DataFrame(rows, columns=header)
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    return path


def fingerprint(engine, tables=(s.cebrs_project, s.rollup_cebrs)) -> str:
    """Every row of the tables an import touches, hashed: equal means byte-for-byte unchanged."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in (*tables, s.data_version):
            keys = [c for c in table.primary_key.columns]
            for row in conn.execute(select(table).order_by(*keys)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def existing(engine) -> dict:
    with engine.connect() as conn:
        row = conn.execute(select(s.cebrs_project).where(s.cebrs_project.c.fiscal_year == 2569)
                           .order_by(s.cebrs_project.c.project_id).limit(1)).mappings().one()
    return dict(row)


def as_row(record: dict, **changes) -> list[str]:
    merged = {**record, **changes}
    return ["" if merged[c] is None else str(merged[c]) for c in HEADER]


def test_a_good_file_inserts_updates_and_rolls_up(engine, tmp_path):
    old = existing(engine)
    before_version = queries.data_status(engine).set_index("source").loc["cebrs", "version"]
    path = write_csv(tmp_path / "good.csv", [GOOD, as_row(old, approved_baht=old["approved_baht"] + 1000)])
    summary = imports.import_file(engine, "cebrs", path, user="tester")
    assert summary["rows"] == 2
    with engine.connect() as conn:
        new = conn.execute(select(s.cebrs_project).where(s.cebrs_project.c.project_id == GOOD[0])).mappings().one()
        updated = conn.execute(select(s.cebrs_project.c.approved_baht)
                               .where(s.cebrs_project.c.project_id == old["project_id"])).scalar_one()
        logged = conn.execute(select(s.import_log).order_by(s.import_log.c.import_id.desc())).mappings().first()
    assert new["dist_code"] == "3001" and new["title"] == GOOD[4] and updated == old["approved_baht"] + 1000
    assert logged["accepted"] and logged["imported_by"] == "tester" and logged["n_rows"] == 2
    assert queries.data_status(engine).set_index("source").loc["cebrs", "version"] == before_version + 1
    # the rollups were rebuilt in the same transaction: they equal a full rebuild from the rows
    with engine.begin() as conn:
        incremental = sorted(tuple(r) for r in conn.execute(select(s.rollup_cebrs)))
        rollups.rebuild(conn, "cebrs")
        assert sorted(tuple(r) for r in conn.execute(select(s.rollup_cebrs))) == incremental
    district = queries.rollup(ScopedReader(engine, EVERYONE), "cebrs", Area("district", "3001"), FiscalQuarter(2570, 1))
    assert district.approved_baht.iloc[0] >= 450000


def test_importing_the_same_file_twice_changes_nothing(engine, tmp_path):
    path = write_csv(tmp_path / "twice.csv", [GOOD])
    imports.import_file(engine, "cebrs", path)
    after_first = data_fingerprint(engine)
    imports.import_file(engine, "cebrs", path)
    assert data_fingerprint(engine) == after_first  # the rows and rollups; only the version counter moves
    with engine.connect() as conn:
        copies = conn.execute(select(s.cebrs_project).where(s.cebrs_project.c.project_id == GOOD[0])).all()
    assert len(copies) == 1


def data_fingerprint(engine) -> str:
    """The imported rows (without their import time) and the rollups, hashed."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in (s.cebrs_project, s.rollup_cebrs):
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr([v for k, v in row._mapping.items() if k != "updated_at"]).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_thai_text_in_every_encoding_thai_excel_writes(engine, tmp_path, encoding):
    row = GOOD.copy()
    row[0] = f"C2570-3001-{encoding[:5].upper()}"
    row[4] = "ซ่อมแซมบ้านผู้ยากไร้ ตำบลโพธิ์กลาง"
    imports.import_file(engine, "cebrs", write_csv(tmp_path / f"{encoding}.csv", [row], encoding))
    with engine.connect() as conn:
        title = conn.execute(select(s.cebrs_project.c.title).where(s.cebrs_project.c.project_id == row[0])).scalar_one()
    assert title == row[4]


def test_xlsx(engine, tmp_path):
    row = GOOD.copy()
    row[0] = "C2570-3001-XLSX1"
    frame = pd.DataFrame([row], columns=HEADER)
    for column in ("fiscal_year", "approved_baht", "disbursed_baht", "beneficiary_households", "beneficiary_people"):
        frame[column] = frame[column].astype(int)  # Excel holds numbers as numbers
    frame["approved_on"] = pd.to_datetime(frame["approved_on"])  # and dates as dates
    path = tmp_path / "cebrs.xlsx"
    frame.to_excel(path, index=False)
    assert imports.import_file(engine, "cebrs", path)["rows"] == 1


REJECTIONS = [
    ("missing column", None, 1, "approved_baht", "required column(s) missing"),
    ("required empty", {"title": ""}, 3, "title", "required"),
    ("not a number", {"approved_baht": "สี่แสน"}, 3, "approved_baht", "not a valid whole number"),
    ("negative amount", {"approved_baht": "-5"}, 3, "approved_baht", "must not be negative"),
    ("unknown category", {"category": "meteor"}, 3, "category", "not one of"),
    ("unknown status", {"status": "lost"}, 3, "status", "not one of"),
    ("unknown area", {"subdist_code": "999999"}, 3, "subdist_code", "no such subdistrict"),
    ("unknown year", {"fiscal_year": "2499"}, 3, "fiscal_year", "no such fiscal year"),
    ("bad date", {"approved_on": "31/02/2569"}, 3, "approved_on", "not a valid date"),
    ("disbursed above approved", {"disbursed_baht": "999999999"}, 3, "disbursed_baht", "more than approved"),
    ("disbursed before approval", {"disbursed_on": "2026-10-01"}, 3, "disbursed_on", "before it was approved"),
    ("duplicate key", {"project_id": "C2570-3001-NEW01"}, 3, "project_id", "duplicate key (first at row 2)"),
]


@pytest.mark.parametrize("name, change, row, column, reason", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_every_rejection_names_row_column_value_and_reason_and_changes_nothing(engine, tmp_path, name, change,
                                                                               row, column, reason):
    second = dict(zip(HEADER, GOOD))
    second["project_id"] = "C2570-3001-NEW02"
    header = [h for h in HEADER if h != "approved_baht"] if change is None else HEADER
    rows = [GOOD, [(second | (change or {}))[h] for h in HEADER]]
    if change is None:
        rows = [[v for h, v in zip(HEADER, r) if h != "approved_baht"] for r in rows]
    path = write_csv(tmp_path / "bad.csv", rows, header=header)
    before = fingerprint(engine)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (row, column) and reason in problem.reason
    assert "bad.csv" in rejected.value.report() and "nothing was changed" in rejected.value.report()
    if change:
        assert problem.value == str(change[column])
    assert fingerprint(engine) == before


def test_a_file_whose_last_row_is_invalid_leaves_everything_as_it_was(engine, tmp_path):
    rows = []
    for i in range(250):
        row = GOOD.copy()
        row[0] = f"C2570-3001-BULK{i:03d}"
        rows.append(row)
    rows[-1][5] = "-1"
    before = fingerprint(engine)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM cebrs_project")).scalar_one()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", write_csv(tmp_path / "last.csv", rows))
    assert rejected.value.total == 1 and rejected.value.problems[0].row == 251
    assert fingerprint(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM cebrs_project")).scalar_one() == count
        log = conn.execute(select(s.import_log).order_by(s.import_log.c.import_id.desc())).mappings().first()
    assert not log["accepted"] and "row 251" in log["report"]


def test_many_problems_are_counted_and_capped(engine, tmp_path):
    rows = []
    for i in range(imports.MAX_REPORTED + 50):
        row = GOOD.copy()
        row[0], row[3] = f"C2570-3001-MANY{i:03d}", "meteor"
        rows.append(row)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", write_csv(tmp_path / "many.csv", rows))
    assert rejected.value.total == imports.MAX_REPORTED + 50 and len(rejected.value.problems) == imports.MAX_REPORTED
    assert "and 50 more" in rejected.value.report()


def test_the_cli_exits_non_zero_with_the_report_and_zero_with_a_summary(fresh, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": fresh}
    good = write_csv(tmp_path / "cli-good.csv", [GOOD])
    done = subprocess.run([sys.executable, "-m", "data_access", "import", "cebrs", str(good)], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "imported 1 cebrs rows" in done.stdout
    bad_row = GOOD.copy()
    bad_row[3] = "meteor"
    bad = write_csv(tmp_path / "cli-bad.csv", [bad_row])
    refused = subprocess.run([sys.executable, "-m", "data_access", "import", "cebrs", str(bad)], cwd=ROOT,
                             capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert "cli-bad.csv: row 2, column 'category', value 'meteor': not one of" in refused.stderr


def test_a_file_in_no_known_encoding_is_refused_with_a_reason(engine, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"project_id\n\xff\xfe\x00\x81\x8d\n")
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path)
    assert "neither UTF-8 nor TIS-620" in rejected.value.report()


THAIQM_HEADER = ["household_id", "survey_year", "subdist_code", "p_health", "p_living", "p_education", "p_income",
                 "p_access", "status", "started_on", "resolved_on"]
THAIQM_GOOD = ["900000001", "2570", "300101", "ใช่", "0", "0", "1", "false", "helped", "2026-10-02", "2026-11-01"]


def test_thaiqm_households_import_and_roll_up(engine, tmp_path):
    path = write_csv(tmp_path / "hh.csv", [THAIQM_GOOD], header=THAIQM_HEADER)
    before = queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", Area("district", "3001"), FiscalQuarter(2570, 1)).iloc[0]
    assert imports.import_file(engine, "thaiqm", path)["rows"] == 1
    after = queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", Area("district", "3001"), FiscalQuarter(2570, 1)).iloc[0]
    assert (after.n_target, after.n_helped, after.n_health) == (before.n_target + 1, before.n_helped + 1,
                                                                before.n_health + 1)
    with engine.begin() as conn:
        incremental = sorted(tuple(r) for r in conn.execute(select(s.rollup_thaiqm)))
        rollups.rebuild(conn, "thaiqm")
        assert sorted(tuple(r) for r in conn.execute(select(s.rollup_thaiqm))) == incremental


@pytest.mark.parametrize("change, column, reason", [
    ({"p_health": "maybe"}, "p_health", "not a yes/no value"),
    ({"resolved_on": ""}, "resolved_on", "needs its resolution date"),
    ({"resolved_on": "2026-09-01"}, "resolved_on", "resolved before work started"),
    ({"p_health": "0", "p_income": "0"}, "status", "at least one dimension"),
    ({"subdist_code": "300199"}, "subdist_code", "no such subdistrict"),
    ({"status": "vanished"}, "status", "not one of"),
])
def test_thaiqm_rejections(engine, tmp_path, change, column, reason):
    row = dict(zip(THAIQM_HEADER, THAIQM_GOOD)) | change
    path = write_csv(tmp_path / "hh-bad.csv", [[row[h] for h in THAIQM_HEADER]], header=THAIQM_HEADER)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "thaiqm", path)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (2, column) and reason in problem.reason


SDG_HEADER = ["indicator_code", "dist_code", "year", "value", "weight"]


def test_sdg_values_upsert_and_reach_the_province_mean(engine, tmp_path):
    districts = queries.districts(engine, "30").dist_code.tolist()
    rows = [["1.a", d, "2569", "0.5", "1"] for d in districts]
    imports.import_file(engine, "sdg", write_csv(tmp_path / "sdg.csv", rows, header=SDG_HEADER))
    values = queries.sdg_values(ScopedReader(engine, EVERYONE), Area("province", "30"), 2569).set_index("indicator_code")
    assert values.loc["1.a", "value"] == pytest.approx(0.5)


@pytest.mark.parametrize("change, column, reason", [
    ({"indicator_code": "99.z"}, "indicator_code", "no such SDG indicator"),
    ({"dist_code": "3099"}, "dist_code", "no such district"),
    ({"weight": "0"}, "weight", "above 0"),
    ({"value": "n/a"}, "value", "not a number"),
    ({"value": "nan"}, "value", "not a finite number"),
    ({"year": "2999"}, "year", "no such year"),
    ({"year": "2026"}, "year", "a CE year: years here are Buddhist Era"),
])
def test_sdg_rejections(engine, tmp_path, change, column, reason):
    row = {"indicator_code": "1.a", "dist_code": "3001", "year": "2569", "value": "4.2", "weight": "10"} | change
    path = write_csv(tmp_path / "sdg-bad.csv", [[row[h] for h in SDG_HEADER]], header=SDG_HEADER)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "sdg", path)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (2, column) and reason in problem.reason


# --- PADME: projects, then their quarterly reports -------------------------------------------------
PADME_TABLES = (s.padme_project, s.padme_report, s.rollup_padme)


def padme_csv(path: Path, name: str, rows: list[dict]) -> Path:
    """A file of the contract's columns: each row is the template's example with `rows`' changes."""
    contract = imports.CONTRACTS[name]
    header = [c.name for c in contract.columns]
    return write_csv(path, [[(contract.example | r).get(h, "") for h in header] for r in rows], header=header)


def district_padme(engine, dist_code="3001", period=FiscalQuarter(2570, 1)):
    return queries.rollup(ScopedReader(engine, EVERYONE), "padme", Area("district", dist_code), period).iloc[0]


def assert_rollups_equal_a_full_rebuild(engine, source):
    table = s.ROLLUPS[source]
    with engine.begin() as conn:
        incremental = sorted(tuple(r) for r in conn.execute(select(table)))
        rollups.rebuild(conn, source)
        assert sorted(tuple(r) for r in conn.execute(select(table))) == incremental


def test_padme_project_then_its_report_reach_the_rollups(engine, tmp_path):
    before = district_padme(engine)
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "p.csv", "padme_projects",
                                                            [{"project_id": "P-NEW-1", "budget_baht": "4000000"}]))
    mid = district_padme(engine)
    assert (mid.n_projects, mid.budget_baht) == (before.n_projects + 1, before.budget_baht + 4_000_000)
    imports.import_file(engine, "padme_reports", padme_csv(tmp_path / "r.csv", "padme_reports", [
        {"project_id": "P-NEW-1", "quarter": "1", "disb_actual_baht": "1500000", "committed_baht": "3000000",
         "status": "late", "reported_at": "2026-11-18"}]))
    after = district_padme(engine)
    assert after.disb_actual_baht == before.disb_actual_baht + 1_500_000
    assert after.committed_baht == before.committed_baht + 3_000_000
    assert after.n_late == before.n_late + 1 and after.n_reported == before.n_reported + 1
    assert_rollups_equal_a_full_rebuild(engine, "padme")
    status = queries.data_status(engine).set_index("source")
    assert str(status.loc["padme", "data_through"])[:10] >= "2026-11-18"


def test_padme_reports_imported_twice_change_nothing(engine, tmp_path):
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "p.csv", "padme_projects",
                                                            [{"project_id": "P-TWICE"}]))
    path = padme_csv(tmp_path / "r.csv", "padme_reports", [{"project_id": "P-TWICE"}])
    imports.import_file(engine, "padme_reports", path)
    once = data_rows(engine, (s.padme_report, s.rollup_padme))
    imports.import_file(engine, "padme_reports", path)
    assert data_rows(engine, (s.padme_report, s.rollup_padme)) == once


def data_rows(engine, tables) -> list:
    with engine.connect() as conn:
        return [sorted(tuple(r) for r in conn.execute(select(t))) for t in tables]


PADME_REPORT_REJECTIONS = [
    ({"project_id": "P-NOBODY"}, "project_id", "no such PADME project"),
    ({"quarter": "5"}, "quarter", "between 1 and 4"),
    ({"status": "forgotten"}, "status", "not one of"),
    ({"disb_actual_baht": "9000000", "committed_baht": "9000000"}, "disb_actual_baht", "more than the project's budget"),
    ({"disb_target_baht": "9000000"}, "disb_target_baht", "target above the project's budget"),
    ({"committed_baht": "100"}, "committed_baht", "committed less than disbursed"),
    ({"reported_at": "yesterday"}, "reported_at", "not a valid date or date-time"),
    ({"disb_actual_baht": "-1"}, "disb_actual_baht", "must not be negative"),
]


@pytest.mark.parametrize("change, column, reason", PADME_REPORT_REJECTIONS, ids=[r[1] + "-" + r[2][:12] for r in PADME_REPORT_REJECTIONS])
def test_padme_report_rejections_change_nothing(engine, tmp_path, change, column, reason):
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "p.csv", "padme_projects",
                                                            [{"project_id": "P-REJ", "budget_baht": "5000000"}]))
    before = fingerprint(engine, PADME_TABLES)
    path = padme_csv(tmp_path / "r-bad.csv", "padme_reports", [{"project_id": "P-REJ", "quarter": "1"},
                                                               {"project_id": "P-REJ", "quarter": "2", **change}])
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "padme_reports", path)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (3, column) and reason in problem.reason
    assert fingerprint(engine, PADME_TABLES) == before


PADME_PROJECT_REJECTIONS = [
    ({"dist_code": "3099"}, "dist_code", "no such district"),
    ({"budget_type": "grant"}, "budget_type", "not one of"),
    ({"national_strategy": "7"}, "national_strategy", "between 1 and 6"),
    ({"nesdp_milestone": "0"}, "nesdp_milestone", "between 1 and 13"),
    ({"sdg_goal": "18"}, "sdg_goal", "between 1 and 17"),
    ({"indicator_target": "lots"}, "indicator_target", "not a number"),
    ({"fiscal_year": "2600"}, "fiscal_year", "no such fiscal year"),
    ({"name": ""}, "name", "required"),
]


@pytest.mark.parametrize("change, column, reason", PADME_PROJECT_REJECTIONS, ids=[r[1] for r in PADME_PROJECT_REJECTIONS])
def test_padme_project_rejections(engine, tmp_path, change, column, reason):
    path = padme_csv(tmp_path / "p-bad.csv", "padme_projects", [change | {"project_id": "P-BAD"}])
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "padme_projects", path)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (2, column) and reason in problem.reason


def test_a_budget_cut_below_what_a_project_has_reported_is_refused(engine, tmp_path):
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "p.csv", "padme_projects",
                                                            [{"project_id": "P-CUT", "budget_baht": "3000000"}]))
    imports.import_file(engine, "padme_reports", padme_csv(tmp_path / "r.csv", "padme_reports", [
        {"project_id": "P-CUT", "disb_actual_baht": "2000000", "committed_baht": "2500000"}]))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "cut.csv", "padme_projects",
                                                                [{"project_id": "P-CUT", "budget_baht": "1000000"}]))
    assert "already reported as disbursed" in rejected.value.problems[0].reason


def test_a_project_that_moves_district_leaves_no_stale_rollup_behind(engine, tmp_path):
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "p.csv", "padme_projects",
                                                            [{"project_id": "P-MOVE", "dist_code": "3001"}]))
    imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "moved.csv", "padme_projects",
                                                            [{"project_id": "P-MOVE", "dist_code": "3002"}]))
    assert_rollups_equal_a_full_rebuild(engine, "padme")


def test_duplicate_keys_are_found_across_chunks_and_within_one(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    rows = [{"project_id": f"P-DUP-{i}"} for i in range(8)]
    rows[6] = {"project_id": "P-DUP-1"}   # row 8 repeats row 3, two chunks later
    rows[2] = {"project_id": "P-DUP-1"}   # row 4 repeats row 3 inside its chunk
    before = fingerprint(engine, PADME_TABLES)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "padme_projects", padme_csv(tmp_path / "dups.csv", "padme_projects", rows))
    found = [(p.row, p.reason) for p in rejected.value.problems]
    assert found == [(4, "duplicate key (first at row 3)"), (8, "duplicate key (first at row 3)")]
    assert fingerprint(engine, PADME_TABLES) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_templates_example_row_is_a_valid_import(engine, tmp_path, fmt):
    """The templates are built from the contracts: a template filled in as shown imports cleanly."""
    for name in ("padme_projects", "padme_reports", "cebrs", "thaiqm", "sdg"):  # a report needs its project
        path = tmp_path / f"{name}.{fmt}"
        path.write_bytes(imports.template(name, fmt))
        assert imports.import_file(engine, name, path)["rows"] == 1, name
    first = next(imports.read_chunks(tmp_path / f"padme_projects.{fmt}"))
    assert list(first.columns) == [c.name for c in imports.CONTRACTS["padme_projects"].columns]


def test_the_cli_writes_a_template(tmp_path):
    out = tmp_path / "t.xlsx"
    done = subprocess.run([sys.executable, "-m", "data_access", "template", "padme_reports", "--xlsx", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from openpyxl import load_workbook
    book = load_workbook(out)
    assert book.sheetnames == ["padme_reports", "columns"]
    assert [c.value for c in book["padme_reports"][1]][:2] == ["project_id", "quarter"]


def test_thai_digits_and_thousands_separators_are_read_as_numbers(engine, tmp_path):
    row = dict(zip(HEADER, GOOD)) | {"project_id": "C2570-3001-THAI1", "approved_baht": "๔๕๐,๐๐๐",
                                     "disbursed_baht": "300,000", "fiscal_year": "๒๕๗๐"}
    imports.import_file(engine, "cebrs", write_csv(tmp_path / "thai-digits.csv", [[row[h] for h in HEADER]]))
    with engine.connect() as conn:
        stored = conn.execute(select(s.cebrs_project.c.approved_baht, s.cebrs_project.c.fiscal_year)
                              .where(s.cebrs_project.c.project_id == "C2570-3001-THAI1")).one()
    assert tuple(stored) == (450_000, 2570)
