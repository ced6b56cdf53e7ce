"""The report page (AppTest) on a database of its own: a governor files a PADME quarterly report, a
district officer moves ThaiQM households on, a CEBRS project's status changes; a report breaking the
contract is refused naming the field; someone else's change since the form opened is refused with both
versions and the person's entries kept; the calendar shows the districts' status; country roles are
refused and the navigation lists the page only for those who report."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import db, fieldreports as fr, schema as s, versions
from data_access.reader import ScopedReader
from data_access.scope import Area, Viewer
from data_access.seed import seed
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF, open_as
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/report.py"
Q1 = FiscalQuarter(2570, 1)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report_page') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return url


@pytest.fixture(autouse=True)
def app_db(fresh, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", fresh)
    return fresh


def open_page(role: str, prov: str | None = "30", dist: str | None = None, lang: str = "th") -> AppTest:
    return open_as(PAGE, role, prov, dist, lang)


def one(url, stmt):
    with db.engine_for(url).connect() as conn:
        return conn.execute(stmt).mappings().first()


def report_row(url, pid, quarter=1):
    r = s.padme_report
    return one(url, select(r).where(r.c.project_id == pid, r.c.quarter == quarter))


def table_with(at, column: str):
    """The first table on the page that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [m.value for m in at.caption] + [e.value for e in at.error]
                     + [w.value for w in at.warning] + [x.value for x in at.success] + [i.value for i in at.info])


def test_a_governor_files_a_padme_quarterly_report(fresh):
    at = open_page("governor")
    pid = at.selectbox(key="report_padme_project").value
    prefix = f"rf_padme_reports_{pid}_1"
    before = report_row(fresh, pid)
    version = versions.current(db.engine_for(fresh))["padme"]
    at.text_area(key=f"{prefix}_result_text").set_value("ลงนามสัญญาแล้ว ผู้รับจ้างเข้าพื้นที่ 12 พ.ย.")
    at.number_input(key=f"{prefix}_disb_actual_baht").set_value(12_000)
    at.number_input(key=f"{prefix}_committed_baht").set_value(480_000)
    at.button[0].click().run()  # the PADME form's own submit button comes first on the page
    assert not at.exception, [x.message for x in at.exception]
    after = report_row(fresh, pid)
    assert after["result_text"] == "ลงนามสัญญาแล้ว ผู้รับจ้างเข้าพื้นที่ 12 พ.ย." and after["disb_actual_baht"] == 12_000
    assert after["revision"] == (before["revision"] + 1 if before else 1)
    assert versions.current(db.engine_for(fresh))["padme"] == version + 1
    assert t("report_saved", "th").format(n=1) in texts(at)


def test_a_report_breaking_the_contract_is_refused_naming_the_field(fresh):
    at = open_page("governor", lang="en")
    pid = at.selectbox(key="report_padme_project").value
    prefix = f"rf_padme_reports_{pid}_1"
    before = report_row(fresh, pid)
    at.number_input(key=f"{prefix}_disb_actual_baht").set_value(500_000)
    at.number_input(key=f"{prefix}_committed_baht").set_value(100_000)
    at.button[0].click().run()
    assert not at.exception
    assert t("report_refused", "en").format(n=1) in texts(at)
    problems = table_with(at, "Reason")
    assert "Committed to date (baht)" in set(problems.iloc[:, 1]) and "100000" in set(problems.iloc[:, 2])
    assert report_row(fresh, pid) == before


def test_in_thai_the_refusal_names_the_field_and_the_reason_in_thai(fresh):
    at = open_page("governor", lang="th")
    pid = at.selectbox(key="report_padme_project").value
    prefix = f"rf_padme_reports_{pid}_1"
    at.number_input(key=f"{prefix}_disb_actual_baht").set_value(500_000)
    at.number_input(key=f"{prefix}_committed_baht").set_value(100_000)
    at.button[0].click().run()
    problems = table_with(at, t("report_col_reason", "th"))
    row = problems.iloc[0].tolist()
    assert row[1] == t("report_field_committed_baht", "th") and row[3] == "ก่อหนี้ผูกพันน้อยกว่ายอดเบิกจ่าย"


def test_someone_elses_change_since_the_form_opened_shows_both_versions_and_keeps_mine(fresh):
    at = open_page("governor", lang="en")
    pid = at.selectbox(key="report_padme_project").value
    prefix = f"rf_padme_reports_{pid}_1"
    stored = report_row(fresh, pid)
    # Someone else files a correction while this form is open.
    fr.file(db.engine_for(fresh), Viewer("gov-colleague", "governor", prov_code="30"), "padme_reports",
            [fr.Edit((pid, 1), stored["revision"] if stored else None,
                     {"result_text": "ฉบับของเพื่อนร่วมงาน", "disb_target_baht": 0, "disb_actual_baht": 0,
                      "committed_baht": 0, "status": "on_track", "indicator_result": 0, "problems": ""})], Q1)
    at.text_area(key=f"{prefix}_result_text").set_value("ฉบับของฉัน")
    at.button[0].click().run()
    assert not at.exception
    assert "Not saved: someone changed this" in texts(at)
    versions_table = table_with(at, "Your version")
    row = versions_table[versions_table["Field"] == "Result"].iloc[0]
    assert row["Your version"] == "ฉบับของฉัน" and row["Saved version"] == "ฉบับของเพื่อนร่วมงาน"
    assert report_row(fresh, pid)["result_text"] == "ฉบับของเพื่อนร่วมงาน"
    assert at.text_area(key=f"{prefix}_result_text").value == "ฉบับของฉัน"  # nothing typed is lost
    at.button(key="report_keep_padme_reports").click().run()
    assert not at.exception
    assert report_row(fresh, pid)["result_text"] == "ฉบับของฉัน"
    with db.engine_for(fresh).connect() as conn:
        actors = set(conn.execute(select(s.record_change.c.actor).where(
            s.record_change.c.record_key == f"{pid} / 1")).scalars())
    assert {"gov-colleague", "demo-governor"} <= actors  # the record's history holds both people's changes


def test_a_district_officer_moves_households_on(fresh):
    at = open_page("district_officer", dist="3001", lang="en")
    reader = ScopedReader(db.engine_for(fresh), Viewer("x", "district_officer", prov_code="30", dist_code="3001"))
    cases = fr.thaiqm_cases(reader, "3001", 2570, ("target",))
    assert len(cases) >= 2
    at.session_state["report_tq_table_3001_all_target_all"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    assert "2 household(s) selected" in texts(at)
    at.segmented_control(key="rf_thaiqm_action_status").set_value("in_progress")
    next(b for b in at.button if b.label.startswith("Save 2")).click().run()
    assert not at.exception, [x.message for x in at.exception]
    h = s.thaiqm_household
    for hid in cases.household_id.iloc[:2]:
        row = one(fresh, select(h).where(h.c.household_id == int(hid)))
        assert row["status"] == "in_progress" and row["started_on"] is not None and row["revision"] == 2
    f = s.report_filing
    filing = one(fresh, select(f).where(f.c.dist_code == "3001", f.c.source == "thaiqm", f.c.fiscal_year == 2570,
                                        f.c.quarter == 1))
    assert filing["filed_by"] == "demo-district_officer"


def test_a_cebrs_status_change(fresh):
    c = s.cebrs_project
    project = one(fresh, select(c).where(c.c.fiscal_year == 2570, c.c.status != "done").order_by(c.c.project_id))
    prov, dist = project["dist_code"][:2], project["dist_code"]
    at = open_page("governor", prov=prov, lang="en")
    at.selectbox(key="report_cebrs_district").set_value(dist).run()
    at.selectbox(key=f"report_cebrs_project_{dist}").set_value(project["project_id"]).run()
    prefix = f"rf_cebrs_{project['project_id']}"
    at.number_input(key=f"{prefix}_beneficiary_people").set_value(project["beneficiary_people"] + 5)
    form_buttons = [b for b in at.button if b.label == "Save the report"]
    form_buttons[-1].click().run()
    assert not at.exception, [x.message for x in at.exception]
    after = one(fresh, select(c).where(c.c.project_id == project["project_id"]))
    assert after["beneficiary_people"] == project["beneficiary_people"] + 5 and after["revision"] == project["revision"] + 1


def test_the_calendar_shows_each_district_and_source_worst_first(fresh):
    from data_access import compliance
    from metrics import compliance as mc
    at = open_page("governor", lang="en")
    calendar = table_with(at, "District")
    assert list(calendar.columns) == ["District", "PADME", "ThaiQM", "CEBRS"]
    reader = ScopedReader(db.engine_for(fresh), Viewer("g", "governor", prov_code="30"))
    assert len(calendar) == len(reader.reference(select(s.district.c.dist_code).where(s.district.c.prov_code == "30")))
    # The quarter in view (Q1 2570 runs: due 15 Jan 2027): each district's PADME status as the metrics judge it.
    judged = mc.classify(compliance.districts(reader, Area("province", "30"), Q1),
                         mc.due_dates(Q1, {"padme": 15, "cebrs": 15, "thaiqm": 15}), AS_OF)
    words = {"on_time": "On time", "late": "Late", "missing": "Missing", "open": "Not yet filed"}
    for source, column in (("padme", "PADME"), ("thaiqm", "ThaiQM"), ("cebrs", "CEBRS")):
        statuses = judged[judged.source == source].status.value_counts()
        for status, word in words.items():
            assert sum(str(v).startswith(word) for v in calendar[column]) == statuses.get(status, 0), (source, status)
        assert sum(v == "Nothing due" for v in calendar[column]) == len(calendar) - statuses.sum()
    assert "Due 15 Jan 2027" in texts(at)
    # The latest quarter due (Q4 2569): missing and late districts come first.
    at.segmented_control(key="report_calendar_quarter").set_value("due").run()
    assert not at.exception
    latest = table_with(at, "District")
    severity = [max((mc.SEVERITY.index(w) for w, text in (("missing", "Missing"), ("late", "Late"), ("open", "Not yet"),
                                                            ("on_time", "On time"), ("none", "Nothing"))
                     if any(str(cell).startswith(text) for cell in row[1:])), default=0)
                for row in latest.itertuples(index=False)]
    assert severity == sorted(severity, reverse=True)


@pytest.mark.parametrize("role", ["executive", "staff", "admin"])
def test_country_roles_do_not_report(fresh, role):
    at = open_page(role, prov=None)
    assert t("not_permitted_page", "th") in texts(at)
    assert not [b for b in at.button if b.label == t("report_save", "th")]


def run_upload_app(url: str, kind: str, file_name: str, content: bytes, viewer: Viewer) -> AppTest:
    """report_view.run_upload alone, in a script run of its own: no upload widget needed."""
    def script(ctx, kind, file_name, content):
        import streamlit as st
        from ui import report_view
        st.session_state["summary"] = report_view.run_upload(ctx, kind, file_name, content)

    from ui.shell import Context
    ctx = Context(lang="en", period=Q1, viewer=viewer, url=url, versions=(), demo=True)
    return AppTest.from_function(script, args=(ctx, kind, file_name, content), default_timeout=60).run()


def test_a_governors_upload_lists_each_row_outside_the_province_and_imports_nothing(fresh):
    from tests.conftest import cebrs_bytes
    governor = Viewer("demo-governor", "governor", prov_code="30")
    content = cebrs_bytes({"project_id": "C2570-3001-PAGE1"}, {"project_id": "C2570-5001-PAGE2", "subdist_code": "500101"},
                          {"project_id": "C2570-3001-PAGE3"})
    before = versions.current(db.engine_for(fresh))["cebrs"]
    at = run_upload_app(fresh, "cebrs", "อำเภอเมือง.csv", content, governor)
    assert not at.exception and at.session_state["summary"] is None
    problems = table_with(at, "Reason")
    assert problems.iloc[0].tolist()[:3] == [3, "subdist_code", "500101"]
    assert "outside your area" in problems.iloc[0].tolist()[3]
    assert versions.current(db.engine_for(fresh))["cebrs"] == before
    at = run_upload_app(fresh, "cebrs", "อำเภอเมือง.csv", cebrs_bytes({"project_id": "C2570-3001-PAGE1"}), governor)
    assert at.session_state["summary"]["rows"] == 1
    assert versions.current(db.engine_for(fresh))["cebrs"] == before + 1
