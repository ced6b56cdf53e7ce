"""The war-room wall (?kiosk=1): its playlist, its rotation, and what each view shows (AppTest).

The wall in a real browser (1920x1080, dark theme, type size, rotation on its own) is in
tests/test_kiosk_browser.py.
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, queries
from data_access.scope import EVERYONE, NATION, Area
from metrics import kpis
from metrics.fiscal import FiscalQuarter, comparison_period
from ui import fmt, geo, kiosk
from ui.i18n import t
from tests.conftest import map_specs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PERIOD = FiscalQuarter(2570, 1)


@pytest.fixture
def wall_db(db_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", db_url)
    return db_url


def wall(query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["kiosk"] = "1"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def next_slide(at: AppTest) -> AppTest:
    """What the rotation's timer does: a run most of an interval after the last move."""
    at.session_state["kiosk_moved"] = at.session_state["kiosk_moved"] - 3600
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def title(at: AppTest) -> str:
    return at.header[0].value


def expected(url: str, area: Area, key: str, lang: str = "th") -> tuple[str, float | None]:
    kpi = kpis.KPIS[key]
    engine = db.engine_for(url)
    now = queries.kpi_frame(ScopedReader(engine, EVERYONE), kpi.source, area, PERIOD).iloc[0][kpi.column]
    then = queries.kpi_frame(ScopedReader(engine, EVERYONE), kpi.source, area, comparison_period(PERIOD)).iloc[0][kpi.column]
    return fmt.by_unit(now, kpi.unit, lang), round(float(now) - float(then), 1)


# --- the playlist and the clockwork (no app run) ------------------------------------------------------
@pytest.mark.parametrize("entry, slide", [
    ("overview", kiosk.Slide("overview")), (" Exceptions ", kiosk.Slide("exceptions")),
    ("padme", kiosk.Slide("padme")), ("sdg", kiosk.Slide("sdg")),
    ("region:northeast", kiosk.Slide("overview", Area("region", "northeast"))),
    ("province:30", kiosk.Slide("overview", Area("province", "30"))),
])
def test_a_playlist_entry_names_a_view_and_its_area(entry, slide):
    assert kiosk.parse_entry(entry) == slide


def test_bad_playlist_entries_are_named_with_where_they_came_from_and_the_rest_kept():
    slides, problems = kiosk.parse_playlist(["overview", "region:mars", "province:3", "weather"], "?views=")
    assert slides == [kiosk.Slide("overview")]
    assert [p.split(":", 1)[0] for p in problems] == ["?views=, entry 2", "?views=, entry 3", "?views=, entry 4"]
    assert "'region:mars'" in problems[0] and "'weather'" in problems[2]


@pytest.mark.parametrize("raw, seconds, complaint", [
    (None, 45.0, None), ("20", 20.0, None), ("7.5", 7.5, None),
    ("soon", 45.0, "not a number"), ("2", 45.0, "outside"), ("99999", 45.0, "outside"),
])
def test_rotate_comes_from_the_url_within_bounds(raw, seconds, complaint):
    got, problem = kiosk.parse_rotate(raw, 45.0)
    assert got == seconds
    assert (problem is None) if complaint is None else (complaint in problem)


def test_the_rotation_moves_on_only_when_its_interval_is_nearly_over():
    step, moved = kiosk.advance(0, None, now=100.0, interval=45)
    assert (step, moved) == (0, 100.0)  # the first run shows the first view
    assert kiosk.advance(step, moved, now=120.0, interval=45) == (0, 100.0)  # a live-data rerun keeps it
    assert kiosk.advance(step, moved, now=145.0, interval=45) == (1, 145.0)  # the timer's run moves on
    assert kiosk.advance(1, 145.0, now=181.0, interval=45) == (2, 181.0)  # a slightly early timer still does


# --- the wall as it runs ---------------------------------------------------------------------------
def test_the_wall_has_no_sidebar_and_its_figures_are_the_data_layers(wall_db):
    at = wall()
    assert not at.sidebar.children or all(not c.children for c in at.sidebar.children.values())
    assert not at.selectbox and not at.button and not at.text_input  # nothing waits for a touch
    assert title(at) == f"{t('kiosk_slide_overview')} · ประเทศไทย"
    shown = {m.label: m for m in at.metric}
    for key in kpis.HEADLINES:
        value, change = expected(wall_db, NATION, key)
        assert shown[t(key)].value == value, key
        assert float(shown[t(key)].delta) == change, key
    assert not any(t("demo_banner") in i.value for i in at.info)  # the header's badge says it instead
    assert at.query_params["kiosk"] == "1"  # a reload stays a wall


def test_the_wall_rotates_through_the_configured_playlist_and_wraps(wall_db):
    at = wall()
    titles = [title(at)]
    for _ in range(4):
        titles.append(title(next_slide(at)))
    assert titles == [f"{t('kiosk_slide_overview')} · ประเทศไทย", f"{t('kiosk_slide_exceptions')} · ประเทศไทย",
                      f"{t('source_padme')} · ประเทศไทย", f"{t('kiosk_slide_overview')} · ภาคตะวันออกเฉียงเหนือ",
                      f"{t('kiosk_slide_overview')} · ประเทศไทย"]
    assert any("1/4" in m.value for m in at.markdown)  # where the wall is in its playlist


def test_a_rerun_for_new_data_does_not_skip_a_view(wall_db):
    at = wall()
    at.run()  # as the live check does when a source's version moved: well inside the interval
    assert title(at) == f"{t('kiosk_slide_overview')} · ประเทศไทย"


def test_the_url_chooses_views_and_rotation_and_bad_values_are_named(wall_db):
    at = wall({"views": "region:northeast,moon,cebrs", "rotate": "3"})
    warning = " ".join(w.value for w in at.warning)
    assert "?views=, entry 2" in warning and "'moon'" in warning and "rotate='3'" in warning
    assert title(at) == f"{t('kiosk_slide_overview')} · ภาคตะวันออกเฉียงเหนือ"
    value, _ = expected(wall_db, Area("region", "northeast"), "cebrs_disbursed_pct")
    assert {m.label: m.value for m in at.metric}[t("cebrs_disbursed_pct")] == value
    assert any("1/2" in m.value and "45" in m.value for m in at.markdown)  # the default interval kept
    assert title(next_slide(at)) == f"{t('source_cebrs')} · ประเทศไทย"


def test_the_exceptions_view_lists_the_areas_behind_by_the_threshold(wall_db):
    at = wall({"views": "exceptions"})
    kpi = kpis.KPIS["cebrs_disbursed_pct"]
    engine = db.engine_for(wall_db)
    nation = queries.kpi_frame(ScopedReader(engine, EVERYONE), "cebrs", NATION, PERIOD).iloc[0][kpi.column]
    provinces = queries.kpi_frame(ScopedReader(engine, EVERYONE), "cebrs", NATION, PERIOD, "province")
    text = " ".join(m.value for m in at.markdown)
    behind = provinces[provinces[kpi.column] <= nation - 15].sort_values(kpi.column)
    assert len(behind), "the test data has relief laggards"
    names = queries.area_index(engine).drop_duplicates("prov_code").set_index("prov_code")["prov_name_th"]
    assert names[behind.iloc[0].area_code] in text  # the worst province is on the wall
    assert fmt.pct(nation) in text


@pytest.mark.parametrize("view", ["padme", "cebrs", "thaiqm", "sdg", "province:30"])
def test_every_kind_of_view_renders(wall_db, view):
    at = wall({"views": view})
    assert at.metric
    if view == "sdg":
        assert sum("SDG " in m.value for m in at.markdown) == 17
        return
    [spec] = map_specs(at)
    # The wall's map: nothing to tap (no selection), its legend in type sized for the room (docs/KIOSK.md:
    # no text under 24 px at 5 m).
    assert "params" not in spec and all(not c.proto.selection_mode for c in at.get("vega_lite_chart"))
    legend = spec["encoding"]["color"]["legend"]
    assert legend["labelFontSize"] >= 24 and legend["titleFontSize"] >= 24
    if view == "province:30":
        assert title(at).endswith("นครราชสีมา")
        assert spec["url"] == geo.geometry_url("district", "30")
        codes = set(spec["values"])
        assert "3001" in codes and all(c.startswith("30") for c in codes)  # the province's districts only
    else:
        assert spec["url"] == geo.geometry_url("province") and len(spec["values"]) == 77


def test_the_wall_speaks_english_from_the_url(wall_db):
    at = wall({"lang": "en"})
    assert title(at) == "Overview · Thailand"
    assert t("padme_disbursed_pct", "en") in [m.label for m in at.metric]


def test_a_database_down_gives_the_banner_on_the_wall(monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = wall()
    assert at.error and t("db_down") in at.error[0].value and not at.metric


def test_a_governors_wall_shows_their_province_and_skips_the_rest(accounts_url, monkeypatch, browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    browser_token.sign_in(accounts_url, "gov30")
    at = wall()
    assert title(at) == f"{t('kiosk_slide_overview')} · นครราชสีมา"
    titles = {title(at)}
    for _ in range(3):
        titles.add(title(next_slide(at)))
    assert all(x.endswith("นครราชสีมา") for x in titles) and len(titles) == 3  # overview, exceptions, PADME
    assert any(t("kiosk_skipped") in w.value and "region northeast" in w.value for w in at.warning)
