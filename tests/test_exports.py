"""Exports: what the screen shows, readable back, formula-safe, scoped to the viewer, audited."""
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import exports
from ui.i18n import t
from tests.conftest import map_specs


APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_excel_reads_back_to_the_same_rows():
    frame = pd.DataFrame({"พื้นที่": ["นครราชสีมา", "บุรีรัมย์"], "ร้อยละ": [12.5, 7.25], "จำนวน": [3, 4]})
    back = pd.read_excel(io.BytesIO(exports.to_xlsx({"sheet": frame})))
    pd.testing.assert_frame_equal(back, frame)
    assert pd.read_csv(io.BytesIO(exports.to_csv(frame)), encoding="utf-8-sig").equals(frame)


def test_excel_cells_are_numbers_with_their_units_number_format():
    """11.14336010470258 stays a number (a sum in Excel still works) and reads 11.1% like the screen."""
    import openpyxl
    frame = pd.DataFrame({"area": ["a", "b"], "pct": [11.14336010470258, None], "change": [-1.25, 2.0],
                          "households": [1234, 5], "money": [0.571, 1234.5], "other": [1.23456, 2.0]})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(
        {"s": frame}, {"pct": "pct", "change": "d_pct", "households": "count", "money": "mb"})))
    sheet = book.worksheets[0]
    cells = {sheet.cell(1, i).value: sheet.cell(2, i) for i in range(1, 7)}
    assert cells["pct"].value == pytest.approx(11.14336010470258) and cells["pct"].number_format == '0.0"%"'
    assert sheet.cell(3, 2).value is None  # missing: an empty cell, not the text "None" or "nan"
    assert cells["change"].number_format.startswith('+0.0" pp"')
    assert cells["households"].number_format == "#,##0" and cells["money"].number_format == "#,##0.00"
    assert cells["other"].number_format == exports.DEFAULT_FLOAT_FORMAT  # no unit given: still not raw


@pytest.mark.parametrize("name, taken, title", [
    ("PADME projects newly late or at risk", set(), "PADME projects newly late or at"),
    ("thaiqm_helped_pct-province-30-2570q1", set(), "thaiqm_helped_pct-province-30"),
    ("a/b:c?d*e[f]", set(), "a-b-c-d-e-f-"),
    ("'quoted'", set(), "quoted"),
    ("PADME", {"padme"}, "PADME (2)"),
    ("Sheet name that is long enough to cut", {"sheet name that is long (2)", "Sheet name that is long enough"},
     "Sheet name that is long (3)"),
])
def test_sheet_titles_are_legal_unique_and_cut_at_a_word(name, taken, title):
    found = exports.sheet_title(name, taken)
    assert found == title and len(found) <= 31


def test_two_sheets_with_the_same_long_name_are_both_kept():
    frame = pd.DataFrame({"n": [1]})
    book = pd.ExcelFile(io.BytesIO(exports.to_xlsx({"PADME projects newly late or at risk": frame,
                                                     "PADME projects newly late or at risk ": frame})))
    assert book.sheet_names == ["PADME projects newly late or at", "PADME projects newly late (2)"]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_cells_that_would_run_as_formulas_are_escaped(cell):
    frame = pd.DataFrame({"name": [cell, "fine"], "n": [1, -5]})
    back = pd.read_excel(io.BytesIO(exports.to_xlsx({"s": frame})))
    assert back["name"][0] == "'" + cell and back["name"][1] == "fine" and back["n"][1] == -5
    assert pd.read_csv(io.BytesIO(exports.to_csv(frame)), encoding="utf-8-sig")["name"][0] == "'" + cell


def test_a_governors_export_holds_only_their_districts_and_is_audited(accounts_url, monkeypatch, press_downloads,
                                                                      browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    files: list[bytes] = []
    real = exports.to_xlsx
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets, units=None: files.append(real(sheets, units)) or files[-1])
    browser_token.sign_in(accounts_url, "gov30")  # signed in at /sign-in (web/signin.py)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert files, "the page offers an Excel download"
    table = pd.read_excel(io.BytesIO(files[-1]), dtype={t("col_code", "th"): str})
    codes = set(table[t("col_code", "th")])
    map_codes = set(map_specs(at)[0]["values"])  # the areas the map draws
    assert codes == map_codes and all(c.startswith("30") for c in codes) and len(codes) == 32
    at.get("download_button")[1].click().run()
    from data_access import audit, db
    from data_access.reader import ScopedReader
    from data_access.scope import Viewer
    admin = audit.recent(ScopedReader(db.engine_for(accounts_url), Viewer("admin1", "admin")))
    latest = admin.iloc[0]
    assert (latest.actor, latest.action, latest.scope) == ("gov30", "export", "province 30")
    assert "32 rows" in latest.detail
