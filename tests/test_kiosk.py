"""The war-room wall (?kiosk=1): its playlist, its rotation, and what each view shows (AppTest).

The wall in a real browser (1920x1080, dark theme, type size, rotation on its own) is in
tests/test_kiosk_browser.py.
"""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, queries
from data_access.scope import EVERYONE, NATION, Area
from metrics import kpis
from metrics.fiscal import FiscalQuarter, comparison
from ui import config, fmt, geo, kiosk, kiosk_views
from ui.i18n import t
from tests.conftest import map_specs, open_app

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


def turn(at: AppTest) -> str:
    """The view's turn line: the quarter · its place in the playlist · "next in" (then the countdown)."""
    [line] = [m.value for m in at.markdown if m.value.endswith(t("kiosk_next").partition("{seconds}")[0].strip())]
    return line


def countdown(at: AppTest) -> int:
    """Where this wall's countdown starts: the rule ui/kiosk.py adds to the wall's stylesheet."""
    [found] = [re.search(r"\.st-key-kiosk-countdown \{ --kiosk-from: (\d+);", h.proto.body)
               for h in at.get("html") if "--kiosk-from:" in h.proto.body]
    return int(found.group(1))


def expected(url: str, area: Area, key: str, lang: str = "th") -> tuple[str, str | None]:
    """The figure and its change as the wall must show them: against the same quarter last year, to
    the same day while the quarter runs (metrics.fiscal.comparison on the source's data-through)."""
    kpi = kpis.KPIS[key]
    engine = db.engine_for(url)
    reader = ScopedReader(engine, EVERYONE)
    status = queries.data_status(engine).set_index("source")["data_through"]
    cmp = comparison(PERIOD, pd.Timestamp(status[kpi.source]).date())
    now = queries.kpi_frame(reader, kpi.source, area, PERIOD).iloc[0][kpi.column]
    then = queries.kpi_frame(reader, kpi.source, area, cmp.base, through=cmp.base_through).iloc[0][kpi.column]
    return fmt.by_unit(now, kpi.unit, lang), fmt.delta(float(now) - float(then), kpi.unit)


# --- the playlist and the clockwork (no app run) ------------------------------------------------------
@pytest.mark.parametrize("entry, slide", [
    ("overview", kiosk.Slide("overview")), (" Exceptions ", kiosk.Slide("exceptions")),
    ("padme", kiosk.Slide("padme")), ("sdg", kiosk.Slide("sdg")), ("reporting", kiosk.Slide("reporting")),
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
        assert shown[t(key)].delta == change, key
    assert not any(t("demo_banner") in i.value for i in at.info)  # the header's badge says it instead
    assert at.query_params["kiosk"] == "1"  # a reload stays a wall


def test_the_wall_rotates_through_the_configured_playlist_and_wraps(wall_db):
    at = wall()
    titles = [title(at)]
    for _ in range(5):
        titles.append(title(next_slide(at)))
    assert titles == [f"{t('kiosk_slide_overview')} · ประเทศไทย", f"{t('kiosk_slide_exceptions')} · ประเทศไทย",
                      f"{t('kiosk_slide_reporting')} · ประเทศไทย",
                      f"{t('source_padme')} · ประเทศไทย", f"{t('kiosk_slide_overview')} · ภาคตะวันออกเฉียงเหนือ",
                      f"{t('kiosk_slide_overview')} · ประเทศไทย"]
    assert " · 1/5 · " in turn(at)  # where the wall is in its playlist


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
    assert " · 1/2 · " in turn(at) and countdown(at) == 45  # the default interval kept
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


# A listed area on the wall: "1. <name> **<figure>** :red[(<gap>)]" (ui/kiosk_views.py `_lines`).
WALL_LINE = re.compile(r"^\d+\. (.+?) \*\*(.+?)\*\* ", re.M)


def wall_lists(at: AppTest) -> dict[str, list[tuple[str, str]]]:
    """What each KPI's card on the wall lists: {KPI: [(area, figure), ...]} in the order shown; a card
    that says none lists nothing."""
    texts = [m.value for m in at.markdown]
    return {key: WALL_LINE.findall(texts[n + 1]) for n, text in enumerate(texts) for key in kpis.KPIS
            if text.startswith(f"**{t(key)}**  \n") and n + 1 < len(texts)}


def overview_page(query: dict) -> AppTest:
    return open_app(query)


def page_lists(at: AppTest) -> dict[str, list[tuple[str, str]]]:
    """The overview page's exceptions (ui/panels.py `exceptions`: a button "<area> · <figure>" keyed
    exc-<KPI>-<code> for each, the reporting KPI's with its missing and late reports after the figure
    in brackets), {KPI: [(area, figure), ...]} in the order shown."""
    out: dict[str, list[tuple[str, str]]] = {}
    for button in at.button:
        if button.key and button.key.startswith("exc-"):
            name, figure = button.label.rsplit(" · ", 1)
            out.setdefault(button.key[4:].rsplit("-", 1)[0], []).append((name, figure.split(" (")[0]))
    return out


def test_the_walls_exceptions_are_the_overviews_same_areas_in_the_same_order(wall_db):
    """Issue 17: the wall said "none" for three KPIs while the overview listed provinces far behind.
    The exceptions view lists, for each headline KPI, exactly what the overview page lists."""
    shown = wall_lists(wall({"views": "exceptions"}))
    page = page_lists(overview_page({"kpi": "padme_disbursed_pct"}))  # the page's four: its KPI + the three
    assert set(shown) == set(kpis.HEADLINES)
    for key in kpis.HEADLINES:
        assert shown[key] == page.get(key, []), key
    assert any(shown.values()), "the test data has exceptions"


def test_the_reporting_view_lists_the_overviews_reporting_exceptions_in_the_same_order(wall_db):
    """Issue 18: the wall's exceptions of reports filed on time are its reporting view (the exceptions
    view keeps to the headline KPIs: docs/KIOSK.md): who has not reported, then who reported late, in
    the order the overview lists that KPI's exceptions."""
    at = wall({"views": "reporting"})
    lists = [WALL_LINE.findall(m.value) for m in at.markdown
             if m.value.startswith((f"**{t('compliance_missing_province')} (", f"**{t('compliance_late_province')} ("))]
    assert len(lists) == 2
    page = page_lists(overview_page({"kpi": "report_on_time_pct"}))["report_on_time_pct"]
    assert page, "the test data has provinces behind on their reports"
    missing, late = lists
    flagged = missing + late if len(missing) < kiosk_views.REPORTING_SHOWN else missing
    assert flagged[:len(page)] == page[:len(flagged)]  # the same areas, in the same order


@pytest.mark.parametrize("view, query", [
    ("overview", {}), ("padme", {}), ("cebrs", {}), ("thaiqm", {}),
    ("region:northeast", {"level": "region", "area": "northeast"}),
    ("province:30", {"level": "province", "area": "30"}),
])
def test_each_maps_list_is_the_overviews_exceptions_for_its_kpi(wall_db, view, query):
    key = kiosk_views.MAP_KPI[view if view in kiosk_views.MAP_KPI else "overview"]
    at = wall({"views": view})
    shown = wall_lists(at)
    assert shown == {key: page_lists(overview_page({**query, "kpi": key})).get(key, [])}
    if not shown[key]:  # none is an exception: the lowest few, for context, and said to be within the rule
        text = " ".join(m.value for m in at.markdown)
        assert t("kiosk_none_behind").format(children=t("kiosk_children_province" if view != "province:30"
                                                        else "kiosk_children_district")) in text
        assert f"{t('kiosk_lowest')}: " in text


def test_the_wall_says_what_it_compares_with_in_plain_words(wall_db):
    """No "parent area": the country, the region or the province by name, the threshold in points."""
    worse_by, _ = config.exception_rule("cebrs_disbursed_pct")
    texts = {view: " ".join(m.value for m in wall({"views": view}).markdown)
             for view in ("exceptions", "region:northeast", "province:30")}
    assert "ต่ำกว่าทั้งประเทศ (" in texts["exceptions"] and f"ตั้งแต่ {worse_by:g} จุดขึ้นไป" in texts["exceptions"]
    assert "ต่ำกว่าทั้งภาคตะวันออกเฉียงเหนือ (" in texts["region:northeast"]
    assert "ต่ำกว่าทั้งจังหวัดนครราชสีมา (" in texts["province:30"]
    assert not any("พื้นที่แม่" in text for text in texts.values())


def test_money_says_its_unit_once(wall_db):
    """The label names million baht; the figure is the number alone (it said "ล้านบาท" twice)."""
    at = wall({"views": "padme,cebrs"})
    for view, key in (("padme", "padme_budget_mb"), ("cebrs", "cebrs_approved_mb")):
        shown = {m.label: m.value for m in at.metric}
        assert t("unit_mb") in t(key) and t(key) in shown, view
        assert t("unit_mb") not in shown[t(key)] and shown[t(key)][0].isdigit(), shown[t(key)]
        next_slide(at)


def test_the_countdown_starts_at_the_walls_interval(wall_db):
    """It counts down in the browser (static/kiosk.css; tests/test_kiosk_browser.py reads it move) from
    the interval of this wall's URL, or of warroom.toml."""
    assert countdown(wall({"rotate": "20"})) == 20
    assert countdown(wall()) == 45
    css = kiosk.countdown_css(7.5)
    assert "--kiosk-from: 8;" in css and "animation-duration: 7.5s;" in css and "steps(8, end)" in css
    assert "<" not in css  # a stylesheet, nothing that could be markup (tests/test_app_access.py)


@pytest.mark.parametrize("view", ["padme", "cebrs", "thaiqm", "sdg", "reporting", "province:30"])
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
    for _ in range(4):
        titles.add(title(next_slide(at)))
    assert all(x.endswith("นครราชสีมา") for x in titles) and len(titles) == 4  # overview, exceptions, reporting, PADME
    assert any(t("kiosk_skipped") in w.value and "region northeast" in w.value for w in at.warning)
