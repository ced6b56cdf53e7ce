"""The weekly review page (AppTest) on a database of its own: a snapshot a week earlier, then
Nakhon Ratchasima pays out relief and reports a project late; the page shows the movers, the new late
project, keeps the meeting's note, and its Excel, PowerPoint and PDF briefs carry the same figures."""
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, history, imports, queries, schema as s, snapshots
from data_access.scope import EVERYONE, NATION
from data_access.seed import seed
from metrics import kpis
from metrics.fiscal import FiscalQuarter
from tests.conftest import AS_OF
from ui import exports, fmt
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAST_WEEK, THIS_WEEK = dt.date(2026, 11, 9), dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weekly")
    url = f"sqlite:///{folder / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    snapshots.take(engine, LAST_WEEK)
    relief = folder / "relief.csv"
    relief.write_text("project_id,fiscal_year,subdist_code,category,title,approved_baht,disbursed_baht,"
                      "beneficiary_households,beneficiary_people,status,approved_on,disbursed_on,completed_on\n"
                      "C2570-3001-WEEK,2570,300101,flood,Flood relief,90000000,90000000,900,2700,done,"
                      "2026-10-02,2026-10-09,2026-10-30\n", encoding="utf-8")
    imports.import_file(engine, "cebrs", relief)
    late_before = set(snapshots.late(ScopedReader(engine, EVERYONE), NATION, LAST_WEEK).project_id)
    with engine.connect() as conn:
        project = next(p for p in conn.execute(select(s.padme_project.c.project_id).where(
            s.padme_project.c.fiscal_year == 2570, s.padme_project.c.dist_code.like("30%"))
            .order_by(s.padme_project.c.project_id)).scalars() if p not in late_before)
    report = folder / "late.csv"
    report.write_text("project_id,quarter,result_text,indicator_result,disb_target_baht,disb_actual_baht,"
                      f"committed_baht,status,problems,reported_at\n{project},1,ล่าช้า,,0,0,0,late,,2026-11-19 09:00\n",
                      encoding="utf-8")
    imports.import_file(engine, "padme_reports", report)
    return url, project


@pytest.fixture
def page(review_db, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", review_db[0])  # the meeting is on Friday 20 Nov 2026 (conftest.NOW)

    def open_(lang="th", **query):
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in {"lang": lang, **query}.items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/weekly.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return open_


def test_the_first_view_of_the_week_stores_its_snapshot_and_compares_with_last_week(page, review_db):
    at = page()
    weeks = snapshots.weeks(db.engine_for(review_db[0]))  # this week's, then the seed's history (data_access.history)
    assert weeks[:2] == [THIS_WEEK, LAST_WEEK] and len(weeks) == 1 + history.WEEKS
    assert at.selectbox(key="weekly_week").value == LAST_WEEK


def test_movers_show_the_province_that_paid_out(page, review_db):
    at = page(lang="en")
    engine = db.engine_for(review_db[0])
    now = queries.kpi_frame(ScopedReader(engine, EVERYONE), "cebrs", NATION, FiscalQuarter(2570, 1)).iloc[0]
    assert fmt.pct(now.disbursed_pct) in [m.value for m in at.metric]
    improved = [df.value for df in at.dataframe if t("weekly_col_change", "en") in df.value.columns]
    assert any(len(df) and df.iloc[0][t("col_area", "en")] == "Nakhon Ratchasima" for df in improved)
    from ui import weekly_view
    assert len(at.metric) == len(weekly_view.REVIEWED) == 5  # every headline KPI, and reports on time


def test_the_new_late_project_is_listed(page, review_db):
    at = page(lang="en")
    late = next(df.value for df in at.dataframe if t("col_project", "en") in df.value.columns)
    assert list(late[t("col_project", "en")]) == [review_db[1]]


def test_a_note_is_saved_and_shown_again(page, review_db):
    at = page()
    field = "note-nation-TH-cebrs_disbursed_pct"
    at.text_area(key=field).input("เร่งรัดการเบิกจ่ายงบภัยแล้ง")
    at.button(key=f"save-{field}").click().run()
    stored = snapshots.notes(ScopedReader(db.engine_for(review_db[0]), EVERYONE), NATION, [THIS_WEEK])
    assert list(stored.note) == ["เร่งรัดการเบิกจ่ายงบภัยแล้ง"]
    assert page().text_area(key=field).value == "เร่งรัดการเบิกจ่ายงบภัยแล้ง"


def test_the_excel_brief_holds_the_figures_on_screen(page, review_db, monkeypatch, press_downloads):
    files = []
    real = exports.to_xlsx
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets, units=None: files.append(sheets) or real(sheets, units))
    at = page()
    sheets = files[-1]
    assert {"PADME", "CEBRS", "THAIQM"} <= set(sheets)
    cebrs = sheets["CEBRS"]
    row = cebrs[(cebrs["KPI"] == t("cebrs_disbursed_pct", "th")) & (cebrs[t("col_area", "th")] == "นครราชสีมา")]
    engine = db.engine_for(review_db[0])
    now = queries.kpi_frame(ScopedReader(engine, EVERYONE), "cebrs", NATION, FiscalQuarter(2570, 1), "province").set_index("area_code")
    assert row[t("weekly_col_now", "th")].iloc[0] == pytest.approx(now.at["30", "disbursed_pct"])
    back = pd.read_excel(io.BytesIO(real(sheets)), sheet_name=None)  # read back with openpyxl
    assert "นครราชสีมา" in back["CEBRS"][t("col_area", "th")].tolist()
    assert t("weekly_sheet_late", "th") in back  # a short title of its own, not one cut at 31 characters
    # Each headline KPI's figure for the whole area, as the page shows it (its cards in REVIEWED order).
    from ui import weekly_view
    assert len(at.metric) == len(weekly_view.REVIEWED)
    for card, key in zip(at.metric, weekly_view.REVIEWED):
        kpi = kpis.KPIS[key]
        sheet = back[kpi.source.upper()]
        whole = sheet[(sheet["KPI"] == t(key, "th")) & (sheet[t("col_area", "th")] == t("this_area", "th"))]
        assert fmt.by_unit(whole[t("weekly_col_now", "th")].iloc[0], kpi.unit, "th") == card.value, key


def test_the_powerpoint_and_pdf_briefs_hold_what_the_page_shows(page, review_db, monkeypatch, press_downloads):
    from pptx import Presentation
    from pypdf import PdfReader

    from tests.test_reports import pdf_text, slide_texts, squashed
    from ui import weekly_view
    made = {}
    for name, module in (("pptx", weekly_view.pptx_brief), ("pdf", weekly_view.pdf_brief)):
        monkeypatch.setattr(module, "build", lambda brief, real=module.build, name=name: made.setdefault(name, real(brief)))
    snapshots.write_note(db.engine_for(review_db[0]), EVERYONE, NATION, THIS_WEEK, "padme_gap_pp", "ติดตามโครงการล่าช้า")
    at = page()
    shown = [m.value for m in at.metric] + [m.delta for m in at.metric if m.delta]  # "+1.2 pp", as shown
    improved = next(df.value for df in at.dataframe if t("weekly_col_change", "th") in df.value.columns)
    assert len(shown) == 2 * len(weekly_view.REVIEWED) and len(improved)
    documents = {"pptx": squashed("\n".join(slide_texts(Presentation(io.BytesIO(made["pptx"]))))),
                 "pdf": pdf_text(PdfReader(io.BytesIO(made["pdf"])))}
    for kind, text in documents.items():
        assert squashed("นครราชสีมา") in text, kind  # the top relief mover, by its Thai name
        for figure in shown:  # every headline KPI now and its change, as on the page
            assert squashed(figure) in text, (kind, figure)
        for name in improved[t("col_area", "th")]:
            assert squashed(name) in text, (kind, name)
        assert squashed("ติดตามโครงการล่าช้า") in text, kind
        assert squashed(review_db[1]) in text, kind  # the new late project


def test_a_governor_reviews_their_own_province(page):
    at = page()
    at.selectbox(key="demo_role").set_value("governor").run()
    at.selectbox(key="demo_prov").set_value("30").run()
    assert not at.exception and not at.error
    assert "นครราชสีมา" in at.caption[0].value


def test_reports_on_time_are_reviewed_with_who_has_not_reported(page, review_db, monkeypatch, press_downloads):
    """Issue 18: the reporting KPI is reviewed with the others (its figure as the data layer judges it
    today), with the provinces that have not reported or reported late, on the page and in the Excel,
    PowerPoint and PDF briefs."""
    from pptx import Presentation
    from pypdf import PdfReader

    from data_access import compliance
    from metrics import compliance as m
    from tests.test_reports import pdf_text, slide_texts, squashed
    from ui import weekly_view
    made, files = {}, []
    for name, module in (("pptx", weekly_view.pptx_brief), ("pdf", weekly_view.pdf_brief)):
        monkeypatch.setattr(module, "build",
                            lambda brief, real=module.build, name=name: made.setdefault(name, real(brief)))
    real = exports.to_xlsx
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets, units=None: files.append(sheets) or real(sheets, units))
    at = page()
    engine = db.engine_for(review_db[0])
    reader = ScopedReader(engine, EVERYONE)
    quarter, rows = compliance.judgement(reader, NATION, FiscalQuarter(2570, 1), AS_OF)
    nation = m.summarise(rows.assign(all="TH"), "all").iloc[0]
    card = at.metric[weekly_view.REVIEWED.index("report_on_time_pct")]  # the cards in REVIEWED order
    assert card.value == fmt.pct(nation.on_time_pct)
    provinces = m.summarise(rows, "prov_code").rename(columns={"prov_code": "area_code"})
    missing, late = m.not_reported(provinces)
    assert len(missing) + len(late), "the test data has provinces behind on their reports"
    names = queries.area_index(engine).drop_duplicates("prov_code").set_index("prov_code")["prov_name_th"]
    first = names[(missing if len(missing) else late).iloc[0].area_code]
    text = " ".join(m_.value for m_ in at.markdown)
    assert t("compliance_missing_province", "th") in text and first in text
    assert any(quarter.label("th") in c.value for c in at.caption)  # the quarter judged, said under the figure
    sheet = files[-1][t("compliance_sheet", "th")]
    assert sheet[t("col_area", "th")].iloc[0] == first and len(sheet) == len(missing) + len(late)
    documents = {"pptx": squashed("\n".join(slide_texts(Presentation(io.BytesIO(made["pptx"]))))),
                 "pdf": pdf_text(PdfReader(io.BytesIO(made["pdf"])))}
    for kind, text in documents.items():
        assert squashed(t("report_on_time_pct", "th")) in text, kind
        assert squashed(fmt.pct(nation.on_time_pct)) in text, kind
        assert squashed(t("compliance_weekly", "th")) in text and squashed(first) in text, kind


def test_an_acknowledged_alert_shows_under_its_kpi_and_in_the_brief(page, review_db, monkeypatch, press_downloads):
    """Issue 19: an alert acknowledged this week is a note on its KPI in the review of any area it lies
    in (here the nation's, for a district of Nakhon Ratchasima), on the page and in the brief's notes."""
    from data_access import notify
    from data_access.clock import utcnow
    from data_access.scope import Area, Viewer
    from ui import weekly_view
    engine = db.engine_for(review_db[0])
    governor = Viewer("demo-governor", "governor", "30")
    sub_id = notify.add(engine, governor, governor, {"kind": "alert", "rule": "red", "kpi": "thaiqm_helped_pct",
                                                     "channel": "email", "address": "g30@moi.go.th", "lang": "th"})
    alert_id = notify.open_episode(engine, sub_id, "red:thaiqm_helped_pct:district:3001", Area("district", "3001"),
                                   "thaiqm_helped_pct", {"value": 20.0}, utcnow())
    notify.acknowledge(engine, governor, alert_id, "ลงพื้นที่แล้ว **ไม่ตัวหนา**")
    briefs = []
    monkeypatch.setattr(weekly_view.pptx_brief, "build", lambda brief: briefs.append(brief) or b"")
    at = page()
    line = ("✓ อำเภอเมืองนครราชสีมา · " + t("alerts_ack_line", "th").format(who="demo-governor", when="20 พ.ย. 2569 14:00")
            + ": ลงพื้นที่แล้ว **ไม่ตัวหนา**")
    assert fmt.literal(line) in [c.value for c in at.caption]  # as typed: the note's asterisks stay asterisks
    # under its own KPI's block, and no other
    holding = [block.subheader[0].value for block in at.main.children.values()
               if getattr(block, "subheader", None) and fmt.literal(line) in [c.value for c in block.caption]]
    assert holding == [t("thaiqm_helped_pct", "th")]
    headlines = {h.label: h.note for h in briefs[-1].headlines}
    assert line in headlines[t("thaiqm_helped_pct", "th")]
    assert all(line not in note for label, note in headlines.items() if label != t("thaiqm_helped_pct", "th"))
    at = page(lang="en")
    english = ("✓ Mueang Nakhon Ratchasima · " + t("alerts_ack_line", "en").format(who="demo-governor",
                                                                                   when="20 Nov 2026 14:00")
               + ": ลงพื้นที่แล้ว **ไม่ตัวหนา**")
    assert fmt.literal(english) in [c.value for c in at.caption]
