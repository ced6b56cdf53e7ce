"""Drill-down (AppTest): nation → region → province → district, URL state, agreement between views."""
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, queries
from data_access.scope import EVERYONE
from ui import fmt, geo
from ui.i18n import t
from tests.conftest import map_specs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def run(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def map_spec(at) -> dict:
    maps = map_specs(at)
    assert len(maps) == 1, f"{len(maps)} maps on the page"
    return maps[0]


def map_locations(at) -> set[str]:
    """The areas the map draws: its polygons are kept only where the lookup finds a value row."""
    return set(map_spec(at)["values"])


def geojson_codes(url: str) -> set[str]:
    """The area codes of the GeoJSON file served at `url` (static/geo)."""
    relative = url.removeprefix("app/static/geo/").split("?")[0]
    prop = "dist_code" if relative.startswith("districts/") else "prov_code"
    return {f["properties"][prop] for f in json.loads((geo.GEO_DIR / relative).read_text())["features"]}


def metric(at, key: str, lang: str = "th") -> str:
    return next(m.value for m in at.metric if m.label == t(key, lang))


def test_province_view_shows_nakhon_ratchasima_and_its_32_districts(sqlite_url):
    at = run({"level": "province", "area": "30"})
    districts = queries.districts(db.engine_for(sqlite_url), "30")
    assert map_locations(at) == set(districts.dist_code) and len(districts) == 32
    assert map_spec(at)["url"] == geo.geometry_url("district", "30")  # only this province's file
    assert map_locations(at) <= geojson_codes(map_spec(at)["url"])  # every district has its polygon there
    assert len(at.dataframe[-1].value) == 32 or any(len(df.value) == 32 for df in at.dataframe)
    markdown = " ".join(m.value for m in at.markdown)
    assert "**นครราชสีมา**" in markdown
    assert [b.label for b in at.button][:2] == ["ประเทศไทย", "ภาคตะวันออกเฉียงเหนือ"]
    assert at.query_params["level"] == "province" and at.query_params["area"] == "30"


def test_district_level_opens_the_district_profile(sqlite_url):
    at = run({"level": "district", "area": "3001"})
    assert at.header[0].value == "อำเภอเมืองนครราชสีมา"
    subdistricts = queries.subdistrict_figures(ScopedReader(db.engine_for(sqlite_url), EVERYONE), "3001", __import__(
        "metrics.fiscal", fromlist=["FiscalQuarter"]).FiscalQuarter(2570, 1))
    assert any(len(df.value) == len(subdistricts) for df in at.dataframe)
    assert not map_specs(at)  # a profile, not a map


def test_unknown_area_falls_back_to_the_nation_with_a_notice():
    at = run({"area": "99"})
    assert any("area='99'" in w.value for w in at.warning)
    assert len(map_locations(at)) == 77
    assert at.query_params["level"] == "nation" and "area" not in at.query_params


@pytest.mark.parametrize("query", [{"level": "district", "area": "30"}, {"level": "galaxy"},
                                   {"level": "region", "area": "atlantis"}, {"level": "province", "area": "3001"}])
def test_malformed_drill_values_never_raise(query):
    at = run(query)
    assert any(t("url_invalid", "th") in w.value for w in at.warning)
    assert len(map_locations(at)) == 77


def test_english_flips_every_label():
    at = run({"level": "province", "area": "30", "lang": "en"})
    texts = ([m.label for m in at.metric] + [s.value for s in at.subheader] + [s.label for s in at.selectbox]
             + [b.label for b in at.button] + [c.value for c in at.caption] + [m.value for m in at.markdown]
             + [at.title[0].value])
    texts = [x for x in texts if x not in ("ภาษา / Language",)]  # the language control names both on purpose
    thai = [x for x in texts if THAI.search(x)]
    assert not thai, thai
    assert "Nakhon Ratchasima" in " ".join(texts)


def test_region_filter_narrows_the_map_to_its_provinces():
    at = run()
    at.selectbox(key="region_filter").select("northeast").run()
    assert len(map_locations(at)) == 20
    assert at.query_params["level"] == "region" and at.query_params["area"] == "northeast"


def test_breadcrumb_returns_to_the_nation():
    at = run({"level": "district", "area": "3001"})
    at.button(key="crumb-province-30").click().run()
    assert len(map_locations(at)) == 32
    at.button(key="crumb-nation-None").click().run()
    assert len(map_locations(at)) == 77 and at.query_params["level"] == "nation"


def test_exception_buttons_drill_into_the_lagging_area():
    at = run({"fy": "2569", "q": "2"})
    buttons = [b for b in at.button if b.key and b.key.startswith("exc-")]
    assert buttons, "the demo data has lagging provinces"
    code = buttons[0].key.rsplit("-", 1)[1]
    buttons[0].click().run()
    assert at.query_params["level"] == "province" and at.query_params["area"] == code


def test_figures_agree_between_overview_province_view_and_profile():
    """A province's figure in the national ranking = its province view = its profile."""
    national = run({"kpi": "thaiqm_helped_pct"})
    ranking = next(df.value for df in national.dataframe if t("col_rank", "th") in df.value.columns)
    row = ranking[ranking[t("col_area", "th")] == "นครราชสีมา"].iloc[0]
    from_ranking = fmt.pct(row[t("thaiqm_helped_pct", "th")])

    province = run({"level": "province", "area": "30"})
    profile = run({"level": "province", "area": "30"}, page="pages/profile.py")
    assert metric(province, "thaiqm_helped_pct") == from_ranking == metric(profile, "thaiqm_helped_pct")
    assert metric(province, "padme_budget") == metric(profile, "padme_budget")
    assert metric(province, "cebrs_beneficiaries") == metric(profile, "cebrs_beneficiaries")


def test_national_map_spec_stays_small():
    at = run()
    chart = next(c for c in at.get("vega_lite_chart") if '"geoshape"' in c.proto.spec)
    spec, data = chart.proto.spec, chart.proto.data.data
    assert len(spec.encode()) + len(data) < 300_000
    assert "coordinates" not in spec and b"coordinates" not in data  # geometry is fetched from static/, never inlined
    assert map_spec(at)["url"] == geo.geometry_url("province") and "values" not in map_spec(at)["data"]


def test_profile_page_without_an_area_offers_a_choice():
    at = run(page="pages/profile.py")
    assert at.info and t("profile_pick", "th") in at.info[-1].value
    assert len([b for b in at.button if b.key.startswith("profile-pick-")]) == 77  # one tap per province
    at.button(key="profile-pick-30").click().run()
    assert at.header[0].value == "นครราชสีมา"


def test_demo_mode_lets_a_visitor_look_through_a_governors_eyes():
    at = run()
    at.selectbox(key="demo_role").set_value("governor").run()
    at.selectbox(key="demo_prov").set_value("30").run()
    assert not at.exception
    assert map_locations(at) and all(code.startswith("30") for code in map_locations(at))
    at.selectbox(key="demo_role").set_value("executive").run()
    assert len(map_locations(at)) == 77


def test_the_demo_role_survives_a_change_of_page():
    """A visitor who looks through a governor's eyes still does on the next page (and an admin keeps
    the admin pages)."""
    at = run()
    at.selectbox(key="demo_role").set_value("governor").run()
    at.selectbox(key="demo_prov").set_value("50").run()
    at.switch_page("pages/cebrs.py").run()
    assert not at.exception
    assert (at.selectbox(key="demo_role").value, at.selectbox(key="demo_prov").value) == ("governor", "50")
    assert "เชียงใหม่" in at.caption[0].value
    at.selectbox(key="demo_role").set_value("admin").run()
    at.switch_page("pages/imports.py").run()
    assert not at.exception and not at.error and at.selectbox(key="import_kind") is not None


def test_choices_survive_a_change_of_page():
    """Streamlit drops widget state and the query string on a page change; the view must not."""
    at = run({"fy": "2569", "q": "3", "lang": "en", "level": "province", "area": "30"})
    at.switch_page("pages/padme.py").run()
    assert not at.exception
    assert at.session_state["fy"] == 2569 and at.session_state["q"] == 3 and at.session_state["lang"] == "en"
    assert at.title[0].value == t("nav_padme", "en")
    assert "Nakhon Ratchasima · Q3 FY2569" in at.caption[0].value


def test_a_tablet_bookmark_opens_on_its_home_province():
    at = run({"home": "30"})
    assert (at.query_params["level"], at.query_params["area"]) == ("province", "30")
    assert map_locations(at) and all(code.startswith("30") for code in map_locations(at))  # its districts


def test_an_explicit_area_wins_over_home_and_a_bad_home_is_reported():
    at = run({"home": "30", "level": "province", "area": "50"})
    assert at.query_params["area"] == "50"
    at = run({"home": "99"})
    assert at.query_params["level"] == "nation" and len(map_locations(at)) == 77
    assert any("home='99'" in w.value for w in at.warning)
