"""Field reports (data_access/fieldreports.py), on SQLite and PostgreSQL, each on a fresh database:
the three forms for every role, the import contract's rules and messages, all or nothing, optimistic
concurrency with both versions, each record's history, the quarter's filing, and an area's upload
refused row by row outside its area (and then nothing of the file)."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import func, inspect, select

from data_access import access, changes, db, fieldreports as fr, imports, queries, rollups, schema as s, versions
from data_access.reader import ScopedReader
from data_access.scope import NotPermitted, Viewer, Area
from data_access.seed import seed
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF, cebrs_bytes, seeded_pg_schema

Q1 = FiscalQuarter(2570, 1)
GOVERNOR = Viewer("gov30", "governor", prov_code="30")
OFFICER = Viewer("do3001", "district_officer", prov_code="30", dist_code="3001")
OTHER_GOVERNOR = Viewer("gov50", "governor", prov_code="50")
COUNTRY = [Viewer("exec1", "executive"), Viewer("staff1", "staff"), Viewer("admin1", "admin")]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_reports") as url:
        yield url


@pytest.fixture
def engine(fresh):
    return db.engine_for(fresh)


def one(engine, stmt):
    with engine.connect() as conn:
        return conn.execute(stmt).mappings().first()


def project_in(engine, dist_code: str, unreported: bool = False) -> str:
    """A PADME project of the district (a 4-digit code, or a province's 2) in FY2570 (one without a
    Q1 report when `unreported`, else one with)."""
    p, r = s.padme_project, s.padme_report
    stmt = select(p.c.project_id).where(p.c.dist_code.like(f"{dist_code}%"), p.c.fiscal_year == 2570).order_by(p.c.project_id)
    reported = select(r.c.project_id).where(r.c.project_id == p.c.project_id, r.c.quarter == 1).exists()
    stmt = stmt.where(~reported if unreported else reported)
    with engine.connect() as conn:
        found = conn.execute(stmt).scalars().first()
    if found is None:
        pytest.skip(f"no such project in {dist_code} in the test data")
    return found


def filing(engine, source: str, dist: str, period: FiscalQuarter = Q1):
    f = s.report_filing
    return one(engine, select(f).where(f.c.source == source, f.c.dist_code == dist, f.c.fiscal_year == period.year,
                                       f.c.quarter == period.quarter))


def padme_values(**changes_) -> dict:
    values = {"result_text": "ลงนามสัญญาแล้ว อยู่ระหว่างก่อสร้าง", "indicator_result": 10.0, "disb_target_baht": 100_000,
              "disb_actual_baht": 50_000, "committed_baht": 200_000, "status": "on_track", "problems": ""}
    values.update(changes_)
    return values


def test_a_governor_files_a_quarters_first_padme_report_and_the_war_room_sees_it(engine):
    pid = project_in(engine, "", unreported=True)
    dist = one(engine, select(s.padme_project.c.dist_code).where(s.padme_project.c.project_id == pid))["dist_code"]
    governor = Viewer("gov", "governor", prov_code=dist[:2])
    before = versions.current(engine)["padme"]
    n_reported = queries.rollup(ScopedReader(engine, COUNTRY[0]), "padme", Area("district", dist), Q1)["n_reported"].iloc[0]
    receipt = fr.file(engine, governor, "padme_reports", [fr.Edit((pid, 1), None, padme_values())], Q1)
    assert receipt.records == 1 and receipt.changed == 1 and receipt.districts == [dist]
    row = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    assert row["disb_actual_baht"] == 50_000 and row["revision"] == 1 and row["status"] == "on_track"
    assert versions.current(engine)["padme"] == before + 1
    after = queries.rollup(ScopedReader(engine, COUNTRY[0]), "padme", Area("district", dist), Q1)["n_reported"].iloc[0]
    assert after == n_reported + 1  # the rollup moved in the same transaction
    history = changes.history(ScopedReader(engine, governor), Area("province", dist[:2]), "padme", f"{pid} / 1")
    assert set(history["field"]) >= {"disb_actual_baht", "status", "result_text"}
    assert (history["actor"] == "gov").all() and (history["via"] == "form").all()
    audit = one(engine, select(s.audit_log).where(s.audit_log.c.action == "report").order_by(s.audit_log.c.audit_id.desc()))
    assert audit["actor"] == "gov" and dist in audit["scope"]


def test_a_correction_keeps_the_filing_time_and_records_old_and_new(engine):
    pid = project_in(engine, "30")
    key = (pid, 1)
    stored = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    old_actual = stored["disb_actual_baht"]
    new_actual = min(old_actual + 1000, stored["committed_baht"])
    fr.file(engine, GOVERNOR, "padme_reports",
            [fr.Edit(key, stored["revision"], {"disb_actual_baht": new_actual, "problems": "ฝนตกหนัก"})], Q1)
    after = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    assert after["revision"] == stored["revision"] + 1
    assert after["reported_at"] == stored["reported_at"]  # the calendar's clock is the first filing
    change = one(engine, select(s.record_change).where(s.record_change.c.record_key == f"{pid} / 1")
                 .order_by(s.record_change.c.change_id.desc()))
    assert json.loads(change["new"]) == {"disb_actual_baht": new_actual, "problems": "ฝนตกหนัก"}
    assert json.loads(change["old"]) == {"disb_actual_baht": old_actual, "problems": stored["problems"]}


def test_two_people_one_record_the_second_is_refused_with_both_versions(engine):
    pid = project_in(engine, "30")
    stored = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    opened = stored["revision"]
    fr.file(engine, GOVERNOR, "padme_reports", [fr.Edit((pid, 1), opened, {"result_text": "ฉบับของคนแรก"})], Q1)
    with pytest.raises(fr.Conflict) as conflict:
        fr.file(engine, GOVERNOR, "padme_reports", [fr.Edit((pid, 1), opened, {"result_text": "ฉบับของคนที่สอง"})], Q1)
    changed = conflict.value.changed[0]
    assert changed.mine == {"result_text": "ฉบับของคนที่สอง"}
    assert changed.theirs["result_text"] == "ฉบับของคนแรก" and changed.by == "gov30"
    now = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    assert now["result_text"] == "ฉบับของคนแรก" and now["revision"] == opened + 1


def test_an_import_since_the_form_opened_is_a_conflict_too(engine, tmp_path):
    c = s.cebrs_project
    prov = one(engine, select(c.c.dist_code).where(c.c.fiscal_year == 2570).order_by(c.c.project_id))["dist_code"][:2]
    governor = Viewer("gov", "governor", prov_code=prov)
    cebrs = fr.cebrs_open(ScopedReader(engine, governor), Area("province", prov), 2570)
    project = cebrs.iloc[0]
    path = tmp_path / "c.csv"
    row = one(engine, select(c).where(c.c.project_id == project.project_id))
    fields = {k: changes.plain(v) for k, v in row.items()}
    cells = {col.name: fr._text(fields.get(col.name)) for col in imports.CONTRACTS["cebrs"].columns}
    cells["title"] = cells["title"] + " (แก้ไข)"
    pd.DataFrame([cells]).to_csv(path, index=False)
    imports.import_file(engine, "cebrs", path, user="admin1")
    with pytest.raises(fr.Conflict):
        fr.file(engine, governor, "cebrs", [fr.Edit((project.project_id,), int(project.revision), {"status": "done"})], Q1)


@pytest.mark.parametrize("values, column, reason", [
    ({"disb_actual_baht": 300_000, "committed_baht": 200_000}, "committed_baht", "committed less than disbursed"),
    ({"status": "finished"}, "status", "not one of"),
    ({"result_text": ""}, "result_text", "required"),
    ({"disb_actual_baht": 10**13}, "disb_actual_baht", "too large"),
])
def test_a_padme_report_breaking_the_contract_is_refused_naming_field_and_value(engine, values, column, reason):
    pid = project_in(engine, "30")
    stored = one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid, s.padme_report.c.quarter == 1))
    with pytest.raises(fr.Refused) as refused:
        fr.file(engine, GOVERNOR, "padme_reports", [fr.Edit((pid, 1), stored["revision"], values)], Q1)
    key, problem = refused.value.problems[0]
    assert key == f"{pid} / 1" and problem.column == column and reason in problem.reason
    assert one(engine, select(s.padme_report).where(s.padme_report.c.project_id == pid,
                                                    s.padme_report.c.quarter == 1)) == stored


def test_thaiqm_many_households_at_once_all_or_nothing(engine):
    reader = ScopedReader(engine, OFFICER)
    cases = fr.thaiqm_cases(reader, "3001", 2570, statuses=("target",), limit=3)
    if len(cases) < 3:
        pytest.skip("too few target households in 3001")
    day = dt.date(2026, 11, 18)
    good = [fr.Edit((int(h.household_id),), int(h.revision), {"status": "in_progress", "started_on": day})
            for h in cases.itertuples()]
    bad = good[:2] + [fr.Edit(good[2].key, good[2].revision, {"status": "helped", "started_on": day})]  # no date
    before = fr.thaiqm_cases(reader, "3001", 2570, statuses=("target",), limit=3)
    with pytest.raises(fr.Refused) as refused:
        fr.file(engine, OFFICER, "thaiqm", bad, Q1)
    assert refused.value.problems[0][0] == str(int(cases.household_id.iloc[2]))
    assert refused.value.problems[0][1].column == "resolved_on"
    pd.testing.assert_frame_equal(fr.thaiqm_cases(reader, "3001", 2570, statuses=("target",), limit=3), before)
    filed_before = filing(engine, "thaiqm", "3001")
    fr.file(engine, OFFICER, "thaiqm", good, Q1)
    moved = fr.thaiqm_cases(reader, "3001", 2570, statuses=("in_progress",), limit=5000)
    assert set(cases.household_id) <= set(moved.household_id)
    filed = filing(engine, "thaiqm", "3001")
    assert filed["filed_by"] == "do3001"
    assert filed["n_filings"] == (filed_before["n_filings"] + 1 if filed_before else 1)
    if filed_before:  # the calendar's clock is the first filing
        assert filed["filed_at"] == filed_before["filed_at"]


def test_a_helped_household_keeps_what_was_done(engine):
    reader = ScopedReader(engine, OFFICER)
    case = fr.thaiqm_cases(reader, "3001", 2570, statuses=("in_progress",), limit=1).iloc[0]
    started = pd.Timestamp(case.started_on).date()
    fr.file(engine, OFFICER, "thaiqm", [fr.Edit((int(case.household_id),), int(case.revision), {
        "status": "helped", "resolved_on": max(started, dt.date(2026, 11, 19)), "help_given": "ซ่อมหลังคาบ้าน"})], Q1)
    h = s.thaiqm_household
    row = one(engine, select(h).where(h.c.household_id == int(case.household_id)))
    assert row["status"] == "helped" and row["help_given"] == "ซ่อมหลังคาบ้าน"


@pytest.mark.parametrize("viewer", [OTHER_GOVERNOR, Viewer("do3002", "district_officer", prov_code="30", dist_code="3002"),
                                    *COUNTRY])
def test_no_one_reports_outside_their_area_and_nothing_is_written(engine, viewer):
    pid = project_in(engine, "3001")
    before = versions.current(engine)
    with access.recording() as decisions, pytest.raises(NotPermitted):
        fr.file(engine, viewer, "padme_reports", [fr.Edit((pid, 1), 1, {"result_text": "x"})], Q1)
    assert decisions[-1].action == "report" and decisions[-1].area == "district 3001" and not decisions[-1].allowed
    if viewer.role == "district_officer":  # and the one whose district it is may
        assert access.allowed(OFFICER, "report", Area("district", "3001"))
    assert versions.current(engine) == before


def test_a_form_cannot_change_identity_or_budget(engine):
    pid = project_in(engine, "3001")
    with pytest.raises(ValueError, match="cannot be changed"):
        fr.file(engine, GOVERNOR, "padme_reports", [fr.Edit((pid, 1), 1, {"budget_baht": 1})], Q1)
    with pytest.raises(ValueError, match="cannot be changed"):
        fr.file(engine, GOVERNOR, "cebrs", [fr.Edit(("X",), 1, {"approved_baht": 1})], Q1)


def test_confirming_a_quarter_marks_it_filed_and_moves_the_version(engine):
    before = versions.current(engine)["cebrs"]
    filed_before = filing(engine, "cebrs", "3001")
    fr.confirm(engine, OFFICER, "cebrs", "3001", Q1)
    fr.confirm(engine, OFFICER, "cebrs", "3001", Q1)
    row = filing(engine, "cebrs", "3001")
    assert row["n_filings"] == (filed_before["n_filings"] if filed_before else 0) + 2
    assert row["filed_at"] <= row["last_filed_at"] and row["filed_by"] == "do3001"
    assert versions.current(engine)["cebrs"] == before + 2
    with pytest.raises(NotPermitted):
        fr.confirm(engine, OFFICER, "cebrs", "3002", Q1)


# --- an area's upload -------------------------------------------------------------------------------
def test_a_governors_upload_with_one_row_elsewhere_is_refused_whole(engine, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(cebrs_bytes({"project_id": "C2570-3001-UP001"},
                                 {"project_id": "C2570-5001-UP002", "subdist_code": "500101"}))
    before = versions.current(engine)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path, viewer=GOVERNOR, period=Q1)
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "subdist_code", "500101")
    assert "outside your area" in problem.reason
    assert versions.current(engine)["cebrs"] == before["cebrs"]
    assert one(engine, select(s.cebrs_project).where(s.cebrs_project.c.project_id == "C2570-3001-UP001")) is None


def test_a_governors_upload_inside_the_province_lands_with_history_and_filing(engine, tmp_path):
    path = tmp_path / "own.csv"
    path.write_bytes(cebrs_bytes({"project_id": "C2570-3001-UP003"}))
    summary = imports.import_file(engine, "cebrs", path, viewer=GOVERNOR, period=Q1)
    assert summary["rows"] == 1
    change = one(engine, select(s.record_change).where(s.record_change.c.record_key == "C2570-3001-UP003"))
    assert change["via"] == "upload" and change["actor"] == "gov30" and change["old"] is None
    log = one(engine, select(s.import_log).order_by(s.import_log.c.import_id.desc()))
    assert log["imported_by"] == "gov30" and log["accepted"]


def test_an_upload_cannot_move_another_areas_record_into_its_own(engine, tmp_path):
    c = s.cebrs_project
    with engine.connect() as conn:
        elsewhere = conn.execute(select(c.c.project_id).where(~c.c.dist_code.like("30%"))).scalars().first()
    path = tmp_path / "steal.csv"
    path.write_bytes(cebrs_bytes({"project_id": elsewhere}))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(engine, "cebrs", path, viewer=GOVERNOR, period=Q1)
    assert "outside your area" in rejected.value.problems[0].reason


def test_an_area_does_not_upload_the_plans_projects(engine, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(imports.template("padme_projects"))
    with pytest.raises(imports.ImportRejected, match="plan's projects"):
        imports.import_file(engine, "padme_projects", path, viewer=GOVERNOR)


@pytest.mark.parametrize("viewer", [Viewer("exec1", "executive"), Viewer("staff1", "staff")])
def test_country_roles_other_than_admin_do_not_import(engine, tmp_path, viewer):
    path = tmp_path / "c.csv"
    path.write_bytes(cebrs_bytes({"project_id": "C2570-3001-UP009"}))
    with pytest.raises(NotPermitted):
        imports.import_file(engine, "cebrs", path, viewer=viewer)


def test_rollups_after_field_reports_equal_a_full_rebuild(engine):
    for source in ("padme", "cebrs", "thaiqm"):
        table = s.ROLLUPS[source]
        with engine.connect() as conn:
            incremental = sorted(tuple(r) for r in conn.execute(select(table)))
        with engine.begin() as conn:
            rollups.rebuild(conn, source)
        with engine.connect() as conn:
            assert sorted(tuple(r) for r in conn.execute(select(table))) == incremental


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def older(request, tmp_path):
    """A database as the build before field reports left it: no revision, help_given, history or filings."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'v5.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_v5") as url:
        yield url


def test_upgrade_adds_this_builds_columns_and_tables_keeping_every_row(older):
    engine = db.engine_for(older)
    with engine.begin() as conn:
        # version 6's and 7's tables, and Alembic's (builds before issue 20 had none; upgrade adopts it at 5)
        for table in ("record_change", "report_filing", "outbox_attachment", "alert_state", "outbox", "subscription",
                      "alembic_version"):
            conn.exec_driver_sql(f'DROP TABLE "{table}"')
        for table, column in (("padme_report", "revision"), ("cebrs_project", "revision"),
                              ("thaiqm_household", "revision"), ("thaiqm_household", "help_given")):
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        conn.exec_driver_sql("UPDATE dataset_meta SET value = '5' WHERE key = 'schema_version'")
        n = conn.execute(select(func.count()).select_from(s.thaiqm_household)).scalar_one()
    assert not db.schema_is_current(engine)
    done = db.upgrade(engine)
    assert done.adopted and done.applied == ("0006", "0007"), done.line()
    assert {"record_change", "report_filing"} <= set(inspect(engine).get_table_names())
    assert db.schema_is_current(engine)
    with engine.connect() as conn:
        revisions = conn.execute(select(s.thaiqm_household.c.revision).distinct()).scalars().all()
        assert revisions == [1] and conn.execute(select(func.count()).select_from(s.thaiqm_household)).scalar_one() == n
    pid = project_in(engine, "30")
    fr.file(engine, GOVERNOR, "padme_reports", [fr.Edit((pid, 1), 1, {"result_text": "หลังปรับรุ่น"})], Q1)
