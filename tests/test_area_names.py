"""How an area is named (data_access.areas.district_names), and that every view names it so: Thai with
its type before the name (อำเภอโนนแดง, เขตบางรัก), English with the name alone (Non Daeng, Bang Rak)
unless the name alone could be mistaken within its province."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import db, queries
from data_access.areas import GEO_DIR, district_names
from data_access.scope import Area
from ui import drill
from ui.i18n import t
from ui.loaders import child_names
from tests.conftest import map_specs, open_app

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# A romanised type as a word of the English name (the one real name with "Khet" in it is excepted below).
TYPE_WORD = re.compile(r"\b(?:Amphoe|Khet|King Amphoe|District)\b")


def districts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["dist_code", "prov_code", "name_th", "name_en", "type_th", "type_en",
                                       "prov_name_en"])


def named(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    shown = frame.join(district_names(frame))
    return {r.dist_code: (r.display_th, r.display_en) for r in shown.itertuples()}


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    """Every district of the reference (static/geo, the shared DOPA files), named."""
    frame = pd.read_csv(GEO_DIR / "districts.csv", dtype=str, encoding="utf-8")
    return frame.join(district_names(frame))


# --------------------------------------------------------------------------- the rule
def test_an_amphoe_is_its_name_alone_in_english_and_keeps_its_type_in_thai():
    assert named(districts(("3024", "30", "โนนแดง", "Non Daeng", "อำเภอ", "amphoe", "Nakhon Ratchasima"))) == {
        "3024": ("อำเภอโนนแดง", "Non Daeng")}


def test_a_bangkok_khet_is_its_name_alone_in_english_and_keeps_its_type_in_thai():
    assert named(districts(("1004", "10", "บางรัก", "Bang Rak", "เขต", "khet", "Bangkok"))) == {
        "1004": ("เขตบางรัก", "Bang Rak")}


def test_a_king_amphoe_is_its_name_alone_in_english_and_keeps_its_type_in_thai():
    """No minor district is left (the last were made amphoe in 2007), but a file that still has one
    names it by the same rule."""
    assert named(districts(("9999", "99", "ทดลอง", "Thot Long", "กิ่งอำเภอ", "king amphoe", "Somewhere"))) == {
        "9999": ("กิ่งอำเภอทดลอง", "Thot Long")}


def test_a_name_that_could_be_mistaken_within_its_province_keeps_more():
    ayutthaya = "Phra Nakhon Si Ayutthaya"
    assert named(districts(("1401", "14", "พระนครศรีอยุธยา", ayutthaya, "อำเภอ", "amphoe", ayutthaya),
                           ("1404", "14", "บางไทร", "Bang Sai", "อำเภอ", "amphoe", ayutthaya),
                           ("1413", "14", "บางซ้าย", "Bang Sai", "อำเภอ", "amphoe", ayutthaya),
                           ("8023", "80", "เฉลิมพระเกียรติ", "Chaloem Phra Kiat", "อำเภอ", "amphoe", "Nakhon Si Thammarat"),
                           ("3032", "30", "เฉลิมพระเกียรติ", "Chaloem Phra Kiat", "อำเภอ", "amphoe", "Nakhon Ratchasima"))) == {
        "1401": ("อำเภอพระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya District"),  # its province's name
        "1404": ("อำเภอบางไทร", "Bang Sai (1404)"), "1413": ("อำเภอบางซ้าย", "Bang Sai (1413)"),  # twins
        "8023": ("อำเภอเฉลิมพระเกียรติ", "Chaloem Phra Kiat"),  # the same name in another province: each
        "3032": ("อำเภอเฉลิมพระเกียรติ", "Chaloem Phra Kiat"),  # is shown under its own
    }


def test_every_district_of_the_reference_is_named_once_within_its_province(reference):
    assert (reference.display_th == reference.type_th + reference.name_th).all()  # Thai as it always was
    english = reference.display_en
    assert english.notna().all() and (english.str.len() > 0).all()
    assert not reference.duplicated(["prov_code", "display_en"]).any()
    assert not (english == reference.prov_name_en).any()
    typed = reference[english.str.contains(TYPE_WORD)]
    assert set(zip(typed.dist_code, typed.display_en)) == {("1401", "Phra Nakhon Si Ayutthaya District"),
                                                           ("2408", "Sanam Chai Khet")}  # Khet is its name
    assert len(reference) == 928 and set(reference.type_en) == {"amphoe", "khet"}


def test_the_area_index_carries_the_display_names(sqlite_url, reference):
    index = queries.area_index(db.engine_for(sqlite_url))
    expected = reference.set_index("dist_code")[["display_th", "display_en"]]
    pd.testing.assert_frame_equal(index.set_index("dist_code")[["display_th", "display_en"]],
                                  expected.loc[index.dist_code], check_names=False)


def test_one_area_and_its_child_areas_are_named_alike(sqlite_url):
    index = queries.area_index(db.engine_for(sqlite_url))
    assert drill.name(Area("district", "3024"), index, "en") == "Non Daeng"
    assert drill.name(Area("district", "3024"), index, "th") == "อำเภอโนนแดง"
    assert drill.name(Area("district", "1004"), index, "en") == "Bang Rak"
    assert drill.name(Area("province", "30"), index, "en") == "Nakhon Ratchasima"
    children = child_names(index, Area("province", "30")).set_index("area_code")
    assert children.loc["3024", "name_en"] == "Non Daeng" and children.loc["3024", "name_th"] == "อำเภอโนนแดง"
    for code in children.index:
        assert children.loc[code, "name_en"] == drill.name(Area("district", code), index, "en")


# --------------------------------------------------------------------------- where names are shown
@pytest.fixture
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def run(query: dict) -> AppTest:
    return open_app(query)


def area_names(at, lang: str) -> list[str]:
    """The area column of the page's ranking table."""
    ranking = next(df.value for df in at.dataframe if t("col_rank", lang) in df.value.columns)
    return list(ranking[t("col_area", lang)])


def test_a_province_in_english_names_its_districts_without_their_type(app_db):
    at = run({"level": "province", "area": "30", "lang": "en"})
    names = area_names(at, "en")
    assert "Non Daeng" in names and len(names) == 32
    assert not [n for n in names if TYPE_WORD.search(n)], names
    tooltips = {code: row["name"] for code, row in map_specs(at)[0]["values"].items()}
    assert tooltips["3024"] == "Non Daeng" and set(tooltips.values()) == set(names)
    assert {row["other"] for row in map_specs(at)[0]["values"].values()} >= {"อำเภอโนนแดง"}  # the other language
    shown = " ".join([b.label for b in at.button] + [m.value for m in at.markdown])
    assert "Amphoe" not in shown and "Khet" not in shown


def test_a_province_in_thai_keeps_the_type_before_each_name(app_db):
    names = area_names(run({"level": "province", "area": "30"}), "th")
    assert "อำเภอโนนแดง" in names and all(n.startswith("อำเภอ") for n in names)


def test_a_district_in_english_is_named_alike_in_its_breadcrumb_and_its_profile(app_db):
    at = run({"level": "district", "area": "3024", "lang": "en"})
    assert at.header[0].value == "Non Daeng"
    assert "**Non Daeng**" in [m.value for m in at.markdown]  # the breadcrumb's current area
    assert [b.label for b in at.button if (b.key or "").startswith("crumb-")] == [
        "Thailand", t("region_northeast", "en"), "Nakhon Ratchasima"]


def test_bangkok_and_ayutthaya_in_english(app_db):
    bangkok = area_names(run({"level": "province", "area": "10", "lang": "en"}), "en")
    assert "Bang Rak" in bangkok and not [n for n in bangkok if TYPE_WORD.search(n)]
    ayutthaya = area_names(run({"level": "province", "area": "14", "lang": "en"}), "en")
    assert {"Bang Sai (1404)", "Bang Sai (1413)", "Phra Nakhon Si Ayutthaya District"} <= set(ayutthaya)


# --------------------------------------------------------------------------- never cut
def test_a_name_column_is_as_wide_as_its_longest_name():
    """Streamlit sizes a column without a width from its first nine rows and its last: a longer name
    further down would end in "…". `drill.name_column` gives the width of the longest one."""
    names = ["Pai", "Mae Rim", *["Non Daeng"] * 20, "Phra Nakhon Si Ayutthaya District", "Bang Rak"]
    width = drill.name_column(names, "Area")["width"]
    assert width >= drill.text_width("Phra Nakhon Si Ayutthaya District") + 2 * drill.CELL_PADDING_PX
    assert width > drill.name_column(names[:10], "Area")["width"]
    assert drill.name_column(["Pai"], "Area")["width"] >= drill.text_width("Area") + drill.HEADER_ICON_PX
    # Thai is measured shaped: its marks above and below take no width of their own
    assert drill.text_width("อำเภอเฉลิมพระเกียรติ") < drill.text_width("อำเภอเฉลมพระเกยรต") + 1


def test_the_sdg_pages_area_table_fits_its_longest_name(app_db):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"level": "province", "area": "14", "lang": "en"})
    at.run()
    at.switch_page("pages/sdg.py").run()
    assert not at.exception, [e.message for e in at.exception]
    table = next(df for df in at.dataframe if {t("col_rank", "en"), t("col_area", "en")} <= set(df.value.columns)
                 and t("sdg_progress_pct", "en") in df.value.columns)
    names = table.value[t("col_area", "en")]
    assert {"Bang Sai (1404)", "Bang Sai (1413)", "Phra Nakhon Si Ayutthaya District"} <= set(names)
    config = json.loads(table.proto.columns)
    area = next(c for key, c in config.items() if t("col_area", "en") in key)
    assert area["width"] == drill.name_column(names, t("col_area", "en"))["width"]
    assert area["width"] >= max(drill.text_width(n) for n in names) + 2 * drill.CELL_PADDING_PX
