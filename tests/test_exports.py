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
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets: files.append(real(sheets)) or files[-1])
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
