"""The import page (AppTest) on a database of its own: templates and column rules for every kind,
an upload that imports, a refused file that shows its problems and changes nothing, admins only."""
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, health, imports, queries, schema as s
from data_access.scope import Viewer
from data_access.seed import seed
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF, cebrs_bytes
from ui.i18n import t
from ui.shell import Context

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/imports.py"
ADMIN = Viewer("demo-admin", "admin")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> str:
    """Uploads write: the shared test database must not move."""
    url = f"sqlite:///{tmp_path_factory.mktemp('import_page') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return url


@pytest.fixture(autouse=True)
def app_db(fresh, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", fresh)
    return fresh


def state(url: str) -> tuple:
    """What an import moves: the CEBRS rows, the FY2570 Q1 rollup's approved total, the data version."""
    engine = db.engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(s.cebrs_project)).scalar_one()
        approved = conn.execute(select(func.sum(s.rollup_cebrs.c.approved_baht)).where(
            s.rollup_cebrs.c.fiscal_year == 2570, s.rollup_cebrs.c.quarter == 1)).scalar_one()
    return rows, approved, queries.data_status(engine).set_index("source").at["cebrs", "version"]


def open_page(role: str = "admin", lang: str = "th") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    at.selectbox(key="demo_role").set_value(role).run()
    assert not at.exception, [x.message for x in at.exception]
    return at


def run_import_app(url: str, name: str, file_name: str, content: bytes, viewer: Viewer = ADMIN) -> AppTest:
    """import_view.run_import alone, in a script run of its own: no upload widget needed."""
    def script(ctx, name, file_name, content):
        import streamlit as st
        from data_access.scope import NotPermitted
        from ui import import_view
        try:
            st.session_state["summary"] = import_view.run_import(ctx, name, file_name, content)
        except NotPermitted as refusal:  # shell.page turns this into the refusal banner
            st.session_state["refused"] = str(refusal)

    ctx = Context(lang="en", period=FiscalQuarter(2570, 1), viewer=viewer, url=url, versions=(), demo=True)
    return AppTest.from_function(script, args=(ctx, name, file_name, content), default_timeout=60).run()


def shown(markdown: str) -> str:
    """What a reader sees of a message's Markdown (the file's name is bold and escaped)."""
    from tests.test_literal_text import streamlit_text
    return streamlit_text(markdown)[0]


def refused(at) -> bool:
    return any(t("not_permitted_page", "th") in e.value for e in at.error)


@pytest.mark.parametrize("name", list(imports.CONTRACTS))
def test_every_kind_has_its_templates_and_column_rules(name):
    at = open_page(lang="en")
    at.selectbox(key="import_kind").set_value(name).run()
    assert not at.exception
    buttons = {b.label: b.proto.url for b in at.download_button}
    assert buttons[t("import_template_csv", "en")].endswith(".csv")
    assert buttons[t("import_template_xlsx", "en")].endswith(".xlsx")
    contract = imports.CONTRACTS[name]
    columns = next(df.value for df in at.dataframe if t("import_col_required", "en") in df.value.columns)
    header = next(csv.reader(io.StringIO(imports.template(name, "csv").decode("utf-8-sig"))))
    assert list(columns[t("import_col_column", "en")]) == header == [c.name for c in contract.columns]
    required = dict(zip(columns[t("import_col_column", "en")], columns[t("import_col_required", "en")]))
    assert required == {c.name: "required" if c.required else "optional" for c in contract.columns}
    allowed = dict(zip(columns[t("import_col_column", "en")], columns[t("import_col_allowed", "en")]))
    assert all(allowed[c.name] == ", ".join(c.allowed) for c in contract.columns if c.allowed)


def test_column_formats_read_as_the_engine_parses():
    at = open_page(lang="en")
    at.selectbox(key="import_kind").set_value("padme_reports").run()
    columns = next(df.value for df in at.dataframe if t("import_col_type", "en") in df.value.columns)
    formats = dict(zip(columns[t("import_col_column", "en")], columns[t("import_col_type", "en")]))
    assert formats["quarter"] == "whole number 1 to 4"
    assert formats["reported_at"] == "date-time YYYY-MM-DD HH:MM (CE) within the calendar's fiscal years"
    assert formats["disb_actual_baht"] == "whole number 0 to 1,000,000,000,000" and formats["result_text"] == "text"


def test_a_good_file_imports_and_says_so(fresh):
    rows, approved, version = state(fresh)
    at = run_import_app(fresh, "cebrs", "relief-ok.csv", cebrs_bytes({"project_id": "C2570-3001-UP01"}))
    assert not at.exception and not at.error
    assert at.session_state["summary"] == {"source": "cebrs", "file": "relief-ok.csv", "rows": 1, "districts": 1}
    assert [shown(x.value) for x in at.success] == ["Imported relief-ok.csv: 1 rows in 1 districts"]
    assert state(fresh) == (rows + 1, approved + 450_000, version + 1)


def test_a_bad_file_shows_its_problems_and_changes_nothing(fresh):
    before = state(fresh)
    content = cebrs_bytes({"project_id": "C2570-3001-UP02"}, {"project_id": "C2570-3001-UP03", "approved_baht": "-5"})
    at = run_import_app(fresh, "cebrs", "relief-bad.csv", content)
    assert not at.exception and at.session_state["summary"] is None and not at.success
    assert shown(at.error[0].value) == "relief-bad.csv was rejected and nothing was changed: 1 problem(s)"
    problems = at.dataframe[0].value
    assert list(problems.columns) == [t(k, "en") for k in ("import_col_row", "import_col_column",
                                                            "import_col_value", "import_col_reason")]
    assert problems.values.tolist() == [[3, "approved_baht", "-5", "must not be negative"]]
    assert not at.caption  # every problem is listed
    assert state(fresh) == before


def test_a_file_with_many_problems_says_how_many_more(fresh):
    before = state(fresh)
    content = cebrs_bytes(*({"project_id": f"C2570-3001-M{i:03}", "status": "lost"} for i in range(205)))
    at = run_import_app(fresh, "cebrs", "many.csv", content)
    assert len(at.dataframe[0].value) == imports.MAX_REPORTED
    assert [c.value for c in at.caption] == [f"… and {205 - imports.MAX_REPORTED} more"]
    assert state(fresh) == before


def test_a_damaged_excel_file_is_refused_plainly_and_logged(fresh):
    before = state(fresh)
    at = run_import_app(fresh, "cebrs", "locked.xlsx", b"not a workbook")
    assert not at.exception and shown(at.error[0].value).startswith("locked.xlsx was rejected and nothing was changed")
    assert "not a readable Excel workbook" in at.dataframe[0].value.values.tolist()[0][3]
    assert state(fresh) == before
    with db.engine_for(fresh).connect() as conn:
        logged = conn.execute(select(s.import_log).order_by(s.import_log.c.import_id.desc())).mappings().first()
    assert logged["file_name"] == "locked.xlsx" and not logged["accepted"]


def test_the_upload_widget_imports_through_the_page(fresh):
    rows, _, version = state(fresh)
    at = open_page()
    assert at.button(key="import_run").disabled
    at.selectbox(key="import_kind").set_value("cebrs").run()
    at.file_uploader(key="import_upload").set_value(
        ("relief-widget.csv", cebrs_bytes({"project_id": "C2570-3001-UP04"}), "text/csv")).run()
    at.button(key="import_run").click().run()
    assert not at.exception and not at.error
    from tests.test_literal_text import streamlit_text  # the Markdown as Streamlit renders it
    shown, _, bold = streamlit_text(at.success[0].value)
    assert shown == t("import_done", "th").format(file="relief-widget.csv", rows=1, districts=1)
    assert bold == ["relief-widget.csv"]
    assert state(fresh)[0] == rows + 1 and state(fresh)[2] == version + 1
    log = health.import_log(ScopedReader(db.engine_for(fresh), ADMIN), accepted=True, limit=1)
    assert (log.imported_by[0], log.file_name[0], log.n_rows[0]) == ("demo-admin", "relief-widget.csv", 1)


@pytest.mark.parametrize("role", ["executive", "staff"])
def test_anyone_but_an_admin_is_refused(role, fresh):
    at = open_page(role=role)
    assert refused(at) and not at.get("file_uploader") and not at.download_button and not at.dataframe
    before = state(fresh)  # the data layer refuses even when the page's own check is bypassed
    at = run_import_app(fresh, "cebrs", "x.csv", cebrs_bytes({"project_id": "C2570-3001-UP05"}),
                        viewer=Viewer(f"demo-{role}", role))
    assert at.session_state["refused"] == f"demo-{role} may not import data" and not at.success
    assert state(fresh) == before


def test_an_admin_can_import_into_a_freshly_initialised_database(tmp_path, monkeypatch, browser_token):
    """After `python -m data_access init` no source has data: the dashboards say so, but the admin's
    import and health pages still open, so the first real file can come in through the web."""
    import os
    import subprocess
    import sys
    from tests.conftest import add_accounts
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    subprocess.run([sys.executable, "-m", "data_access", "init"], check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "WARROOM_NOW": os.environ["WARROOM_NOW"], "WARROOM_DB_URL": url}, cwd=Path(__file__).resolve().parent.parent)
    add_accounts(url)
    monkeypatch.setenv("WARROOM_DB_URL", url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    at = AppTest.from_file("../app.py", default_timeout=90).run()
    assert any(t("db_no_data", "th") in w.value and "/import" in w.value for w in at.warning)
    browser_token.sign_in(url, "admin1")  # signed in at /sign-in (web/signin.py), then
    at.switch_page(PAGE).run()  # the address the banner gives
    assert not at.exception and not at.warning
    assert at.selectbox(key="import_kind") is not None and at.get("file_uploader")
    at.switch_page("pages/health.py").run()
    assert not at.exception and at.metric
