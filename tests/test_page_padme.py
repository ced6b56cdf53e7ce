"""The PADME page (AppTest): figures equal the data layer's at every level; the project report."""
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, padme, queries
from data_access.scope import EVERYONE, NATION, Area
from metrics import kpis, padme as padme_metrics
from metrics.fiscal import FiscalQuarter
from ui import exports, fmt, padme_view
from ui.i18n import t
from tests.conftest import chart_series, vega_charts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PERIOD = FiscalQuarter(2569, 3)
LEVELS = [({}, NATION), ({"level": "province", "area": "30"}, Area("province", "30")),
          ({"level": "district", "area": "3001"}, Area("district", "3001"))]


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def open_page(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"fy": "2569", "q": "3", **query}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/padme.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("query, area", LEVELS)
def test_headline_and_tables_equal_the_data_layer(app_db, query, area):
    at = open_page(query)
    engine = db.engine_for(app_db)
    shown = {m.label: m.value for m in at.metric}
    rollup = queries.rollup(ScopedReader(engine, EVERYONE), "padme", area, PERIOD)
    if rollup.empty:  # no project there this year: "no data", never a zero
        missing = t("no_data", "th")
        assert shown[t("padme_projects_n", "th")] == missing and shown[t("padme_budget", "th")] == missing
        return
    total = rollup.iloc[0]
    assert shown[t("padme_projects_n", "th")] == fmt.count(total.n_projects, lang="th")
    assert shown[t("padme_budget", "th")] == fmt.mb(total.budget_baht / kpis.BAHT_PER_MB, "th", unit=False)
    assert shown[t("padme_disbursed_pct", "th")] == fmt.pct(100 * total.disb_actual_baht / total.budget_baht, lang="th")
    assert shown[t("padme_indicator_met", "th")] == fmt.pct(
        padme_metrics.indicator_achievement(total.n_indicator_met, total.n_projects), lang="th")
    rows = padme.projects(ScopedReader(engine, EVERYONE), area, PERIOD)
    late_rows = rows[rows.status.isin(["late", "at_risk"])]
    tables = [df.value for df in at.dataframe if t("padme_col_id", "th") in df.value.columns]
    late, listing = tables  # the first rows of each (padme_view.SHOWN_ROWS; the test above has the rest)
    assert listing[t("padme_col_id", "th")].tolist() == rows.project_id.head(padme_view.SHOWN_ROWS).tolist()
    assert late[t("padme_col_id", "th")].tolist() == late_rows.project_id.head(padme_view.SHOWN_ROWS).tolist()
    assert set(late[t("padme_col_status", "th")]) <= {t("padme_status_late", "th"), t("padme_status_at_risk", "th")}


def test_the_s_curve_follows_the_rollups_and_the_target(app_db):
    at = open_page({})
    spec = vega_charts(at)[0]  # the S-curve comes first
    assert "layer" in spec and {"line", "point"} <= {layer["mark"]["type"] for layer in spec["layer"]}
    series = chart_series(spec)
    engine = db.engine_for(app_db)
    q2 = queries.rollup(ScopedReader(engine, EVERYONE), "padme", NATION, FiscalQuarter(2569, 2)).iloc[0]
    assert series[t("padme_curve_disbursed", "th")][1] == pytest.approx(100 * q2.disb_actual_baht / q2.budget_baht)
    assert series[t("padme_curve_target", "th")][:3] == [26.0, 50.0, 72.0]


def test_a_project_report_shows_every_field_of_the_padme_record(app_db):
    at = open_page({"level": "province", "area": "30"})
    pid = padme.projects(ScopedReader(db.engine_for(app_db), EVERYONE), Area("province", "30"), PERIOD).project_id.iloc[0]
    at.selectbox(key="padme_project").set_value(pid).run()
    assert not at.exception
    assert at.query_params["padme_project"] == pid
    fields = [f"padme_f{n}" for n in ("1", "2", "3", "4", "5", "6_1", "6_2", "6_3", "6_4", "6_5", "6_6", "6_7",
                                      "7", "7_indicator", "7_disbursement", "8")]
    report = at.table[0].value
    labels = list(report.iloc[:, 0])
    for field in fields:
        assert t(field, "th") in labels, field
    values = dict(zip(report.iloc[:, 0], report.iloc[:, 1]))
    project, reports = padme.record(ScopedReader(db.engine_for(app_db), EVERYONE), NATION, pid)
    assert values[t("padme_f1", "th")] == project["agency"] and values[t("padme_f2", "th")] == project["name"]
    # FY2569's first quarter runs from 1 October 2568 BE (2025 CE).
    assert values[t("padme_f5", "th")] == t("padme_quarter_n", "th") + " 1 (1 ต.ค. 2568 - 31 ธ.ค. 2568)"
    assert len(at.tabs) == len(reports)


def test_a_long_list_shows_its_first_rows_and_says_so_and_the_export_holds_every_row(app_db, monkeypatch,
                                                                                      press_downloads):
    """At the nation the list has every project of the year (80,000 at national scale): the page sends the
    first SHOWN_ROWS, says how many there are, offers only those in the picker, and exports them all."""
    files = []
    monkeypatch.setattr(padme_view, "SHOWN_ROWS", 7)
    monkeypatch.setattr(exports, "to_csv", lambda frame: files.append(frame) or b"")
    at = open_page({})
    every = padme.projects(ScopedReader(db.engine_for(app_db), EVERYONE), NATION, PERIOD)
    assert len(every) > 7
    late = every[every.status.isin(["late", "at_risk"])]
    assert len(late) > 7
    shown = [df.value[t("padme_col_id", "th")].tolist() for df in at.dataframe
             if t("padme_col_id", "th") in df.value.columns]
    assert shown == [late.project_id.head(7).tolist(), every.project_id.head(7).tolist()]  # late list, then all
    captions = [c.value for c in at.caption]
    for total in (len(late), len(every)):
        assert t("padme_rows_shown", "th").format(shown="7", total=fmt.count(total)) in captions
    assert at.selectbox(key="padme_project").options == [f"{pid} · {name}" for pid, name
                                                         in zip(every.project_id.head(7), every.name.head(7))]
    exported = next(f for f in files if len(f) == len(every))
    assert set(exported[t("padme_col_id", "th")]) == set(every.project_id)


def test_a_project_opened_by_its_link_is_offered_even_beyond_the_rows_shown(app_db, monkeypatch):
    monkeypatch.setattr(padme_view, "SHOWN_ROWS", 3)
    every = padme.projects(ScopedReader(db.engine_for(app_db), EVERYONE), NATION, PERIOD)
    far = every.project_id.iloc[-1]
    at = open_page({"padme_project": far})
    assert at.selectbox(key="padme_project").value == far
    assert len(at.selectbox(key="padme_project").options) == 4


def test_the_excel_download_reads_back_to_the_table(app_db, monkeypatch, press_downloads):
    files = []
    real = exports.to_xlsx
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets, units=None: files.append((sheets, real(sheets, units))) or files[-1][1])
    open_page({"level": "province", "area": "30"})
    sheets, content = next((s, c) for s, c in files if "padme-projects" in next(iter(s)))
    shown = next(iter(sheets.values()))
    back = pd.read_excel(io.BytesIO(content))
    assert len(back) == len(shown) and list(back.columns) == list(shown.columns)
    assert back.iloc[:, 0].tolist() == shown.iloc[:, 0].tolist()
