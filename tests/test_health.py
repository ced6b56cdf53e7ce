"""Data health queries (SQLite and PostgreSQL): row counts, the import log and the upload door, and
who may read them. Imports write, so those tests use a fresh database of their own."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access.reader import ScopedReader
from data_access import db, health, imports, queries, schema as s
from data_access.scope import NotPermitted, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF, cebrs_bytes, seeded_pg_schema

EXECUTIVE, STAFF, ADMIN = Viewer("exec1", "executive"), Viewer("staff1", "staff"), Viewer("admin1", "admin")
GOVERNOR = Viewer("gov30", "governor", prov_code="30")
OFFICER = Viewer("do3001", "district_officer", prov_code="30", dist_code="3001")
TABLES = {"padme_projects": s.padme_project, "padme_reports": s.padme_report, "cebrs_projects": s.cebrs_project,
          "thaiqm_households": s.thaiqm_household, "sdg_values": s.sdg_value}


def cebrs_csv(path: Path, *changes: dict) -> Path:
    path.write_bytes(cebrs_bytes(*changes))
    return path


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


# --------------------------------------------------------------- read-only, on the shared databases
@pytest.mark.parametrize("viewer", [EXECUTIVE, STAFF, ADMIN])
def test_counts_equal_the_tables(engine, viewer):
    held = {what: n for source in health.HELD for what, n in health.rows_held(ScopedReader(engine, viewer), source).items()}
    assert held == {what: count(engine, table) for what, table in TABLES.items()}
    assert all(n > 0 for n in held.values())


def test_status_is_the_data_version_table(engine):
    assert health.status(ScopedReader(engine, EXECUTIVE)).equals(queries.data_status(engine))
    assert list(health.status(ScopedReader(engine, EXECUTIVE))["source"]) == sorted(s.SOURCES)


@pytest.mark.parametrize("viewer", [GOVERNOR, OFFICER])
def test_roles_with_an_area_are_refused_everything(engine, viewer):
    for read in (lambda: health.rows_held(ScopedReader(engine, viewer), "cebrs"), lambda: health.status(ScopedReader(engine, viewer)),
                 lambda: health.import_log(ScopedReader(engine, viewer), accepted=False), lambda: health.last_imports(ScopedReader(engine, viewer))):
        with pytest.raises(NotPermitted):
            read()


@pytest.mark.parametrize("viewer", [EXECUTIVE, STAFF, GOVERNOR, OFFICER])
def test_only_an_admin_may_upload(engine, viewer, tmp_path):
    path = cebrs_csv(tmp_path / "never.csv", {"project_id": "C2570-3001-NOPE"})
    with pytest.raises(NotPermitted):
        health.upload(engine, viewer, "cebrs", path)
    assert health.import_log(ScopedReader(engine, EXECUTIVE), accepted=True, limit=500)["file_name"].ne("never.csv").all()


# --------------------------------------------------------------- imports, on a fresh database each
@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('health') / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_health") as url:
        yield url


@pytest.fixture(scope="module")
def imported(fresh, tmp_path_factory):
    """One accepted and then one rejected CEBRS upload by the admin."""
    engine, folder = db.engine_for(fresh), tmp_path_factory.mktemp("files")
    before = count(engine, s.cebrs_project)
    summary = health.upload(engine, ADMIN, "cebrs", cebrs_csv(folder / "relief-nov.csv",
                                                               {"project_id": "C2570-3001-HEALTH1"}))
    with pytest.raises(imports.ImportRejected) as rejected:
        health.upload(engine, ADMIN, "cebrs", cebrs_csv(folder / "relief-bad.csv", {"project_id": "C2570-3001-HEALTH2"},
                                                         {"project_id": "C2570-3001-HEALTH3", "approved_baht": "-5"}))
    return engine, before, summary, rejected.value


def test_an_upload_imports_and_counts_move(imported):
    engine, before, summary, _ = imported
    assert summary == {"source": "cebrs", "file": "relief-nov.csv", "rows": 1, "districts": 1}
    assert health.rows_held(ScopedReader(engine, EXECUTIVE), "cebrs") == {"cebrs_projects": before + 1}


def test_the_last_import_is_the_accepted_one(imported):
    engine = imported[0]
    last = health.last_imports(ScopedReader(engine, STAFF)).set_index("source")
    assert list(last.index) == ["cebrs"]  # the seed imports nothing
    row = last.loc["cebrs"]
    assert (row.imported_by, row.file_name, row.n_rows, bool(row.accepted)) == ("admin1", "relief-nov.csv", 1, True)
    accepted = health.import_log(ScopedReader(engine, STAFF), accepted=True)
    assert list(accepted["file_name"]) == ["relief-nov.csv"]


def test_a_rejected_import_is_listed_with_its_report(imported):
    engine, _, _, rejected = imported
    log = health.import_log(ScopedReader(engine, EXECUTIVE), accepted=False)
    assert "relief-bad.csv" in set(log["file_name"]) and not log["accepted"].any()
    report = log.set_index("file_name").at["relief-bad.csv", "report"]
    assert report == rejected.report()
    assert "relief-bad.csv: row 3, column 'approved_baht', value '-5': must not be negative" in report
    assert health.rows_held(ScopedReader(engine, EXECUTIVE), "cebrs")["cebrs_projects"] == imported[1] + 1  # nothing more


def test_the_log_is_newest_first(imported, tmp_path):
    engine = imported[0]
    with pytest.raises(imports.ImportRejected):
        health.upload(engine, ADMIN, "cebrs", cebrs_csv(tmp_path / "later-bad.csv", {"approved_baht": "x"}))
    log = health.import_log(ScopedReader(engine, ADMIN), accepted=False)
    assert list(log["file_name"][:2]) == ["later-bad.csv", "relief-bad.csv"]
    assert list(health.import_log(ScopedReader(engine, ADMIN), accepted=False, limit=1)["file_name"]) == ["later-bad.csv"]
