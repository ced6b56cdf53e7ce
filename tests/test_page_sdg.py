"""The SDG page (AppTest): the goals, one goal's indicators, benchmarking, exports, scope.

Every figure on screen is checked against data_access.sdg + metrics.sdg for the same scope."""
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, queries
from data_access import sdg as sdg_data
from data_access.scope import EVERYONE, NATION, Area
from metrics import sdg
from ui import exports, fmt, geo, sdg_view
from ui.i18n import t
from tests.conftest import chart_categories, chart_marks, chart_series, map_specs, vega_charts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/sdg.py"
FY = 2570


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def expected(url: str, area: Area):
    """(year, indicator status, goal status) as data_access + metrics give them for the area."""
    e = db.engine_for(url)
    years = [y for y in sdg_data.years(e) if y <= FY]
    series = sdg_data.values(ScopedReader(e, EVERYONE), area, years)
    status = sdg.indicator_status(series, sdg_data.indicators(e), years[-1])
    return years[-1], status, sdg.goal_status(status, list(range(1, 18)))


def target_rule(spec: dict) -> dict:
    """The data row of a chart's dashed reference line: its value and label."""
    layer = next(x for x in spec["layer"] if "rule" in chart_marks(x))
    [row] = layer["data"]["values"]
    return row


def table(at, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def check_goals_and_indicators(at, url: str, area: Area, goal: int = 1, lang: str = "th") -> None:
    year, status, goals = expected(url, area)
    summary = table(at, t("sdg_goal_index", lang))
    assert summary[t("sdg_goal", lang)].tolist() == list(range(1, 18))
    assert summary[t("rating", lang)].tolist() == [sdg_view.rating_text(r, lang) for r in goals["rating"]]
    assert summary[t("sdg_trend", lang)].tolist() == [sdg_view.trend_text(x, lang) for x in goals["trend"]]
    assert summary[t("sdg_goal_index", lang)].tolist() == pytest.approx(goals["index"].round(1).tolist())
    # the tiles say the same, as text
    shown = badges(at)[:17]
    assert all(sdg_view.rating_text(r, lang) in b for r, b in zip(goals["rating"], shown))
    # the same ratings as the overview's SDG panel (queries.sdg_values + goal_ratings)
    e = db.engine_for(url)
    meta = sdg_data.indicators(e)[["indicator_code", "goal", "target_value", "lower_bound"]]
    overview = sdg.goal_ratings(queries.sdg_values(ScopedReader(e, EVERYONE), area, year).merge(meta, on="indicator_code"))
    assert overview.set_index("goal")["rating"].to_dict() == goals.dropna(subset=["rating"]).set_index("goal")["rating"].to_dict()
    # one goal's indicators
    rows = status[status.goal == goal]
    ind = table(at, t("sdg_indicator_code", lang))
    assert ind[t("sdg_indicator_code", lang)].tolist() == rows["indicator_code"].tolist()
    assert ind[f"{t('sdg_value', lang)} {year}"].tolist() == pytest.approx(rows["value"].round(2).tolist())
    assert ind[t("rating", lang)].tolist() == [sdg_view.rating_text(r, lang) for r in rows["rating"]]
    assert ind[t("sdg_trend", lang)].tolist() == [sdg_view.trend_text(x, lang) for x in rows["trend"]]
    # yearly charts: the area's values with the target as a reference line, each under its indicator's title
    lines = [s for s in vega_charts(at) if "line" in chart_marks(s)]
    assert len(lines) == len(rows)
    heads = [m.value for m in at.markdown
             if any(m.value.startswith(f"**{fmt.literal(code)} ") for code in rows["indicator_code"])]
    assert len(heads) == len(rows)
    series = sdg_data.values(ScopedReader(e, EVERYONE), area, [2567, 2568, 2569, 2570])
    for spec, head, r in zip(lines, heads, rows.itertuples()):
        own = series[series.indicator_code == r.indicator_code].sort_values("year")
        assert chart_categories(spec) == [str(y) for y in own["year"]]
        assert chart_series(spec)[t("sdg_value", lang)] == pytest.approx(own["value"].tolist())
        rule = target_rule(spec)
        assert rule["value"] == r.target_value
        assert f"{r.target_value:g}" in rule["label"]
        unit = sdg_view.unit_text(r.unit, lang)
        assert head.startswith(f"**{fmt.literal(r.indicator_code)} ") and head.endswith(f"({fmt.literal(unit)})")
        assert spec["layer"][0]["encoding"]["y"]["title"] == unit  # the values' axis says the unit


def test_nation(sqlite_url):
    at = run()
    check_goals_and_indicators(at, sqlite_url, NATION)
    assert at.query_params["goal"] == "1"
    # the map: progress on the goal's first indicator for every province
    choro = map_specs(at)[0]
    assert choro["url"] == geo.geometry_url("province")
    assert len(choro["values"]) == 77
    e = db.engine_for(sqlite_url)
    by_prov = sdg_data.values(ScopedReader(e, EVERYONE), NATION, [FY], "province")
    one = by_prov[by_prov.indicator_code == "1.a"].set_index("area_code")["value"]
    assert choro["values"]["30"]["value"] == pytest.approx(100 * sdg.progress(one["30"], 2.0, 15.0))
    # benchmarking at the nation: provinces ranked by goals on track
    ranking = table(at, t("sdg_n_on_track", "th"))
    meta = sdg_data.indicators(e)[["indicator_code", "goal", "target_value", "lower_bound"]]
    counts = sdg.rating_counts(sdg.area_goal_scores(by_prov.merge(meta, on="indicator_code")))
    assert len(ranking) == 77
    assert ranking[t("col_code", "th")].tolist() == counts["area_code"].tolist()
    assert ranking[t("sdg_n_on_track", "th")].tolist() == counts["n_on_track"].tolist()
    assert ranking[t("col_rank", "th")].tolist() == counts["rank"].tolist()
    assert ranking[t("sdg_n_major", "th")].tolist() == counts["n_major"].tolist()


def test_province(sqlite_url):
    at = run({"level": "province", "area": "30"})
    area = Area("province", "30")
    check_goals_and_indicators(at, sqlite_url, area)
    choro = map_specs(at)[0]
    assert choro["url"] == geo.geometry_url("district", "30")
    assert set(choro["values"]) == set(queries.districts(db.engine_for(sqlite_url), "30")["dist_code"])
    # benchmarking: rank within the northeast and the country on each goal
    e = db.engine_for(sqlite_url)
    meta = sdg_data.indicators(e)[["indicator_code", "goal", "target_value", "lower_bound"]]
    scores = sdg.area_goal_scores(sdg_data.values(ScopedReader(e, EVERYONE), NATION, [FY], "province").merge(meta, on="indicator_code"))
    provinces = queries.area_index(e).drop_duplicates("prov_code").reset_index(drop=True)
    groups = {"region": provinces.loc[provinces.region4 == "northeast", "prov_code"].tolist(),
              "country": provinces["prov_code"].tolist()}
    bench = sdg.benchmark(scores, "30", groups)
    shown = table(at, t("sdg_rank_region", "th"))
    assert shown[t("sdg_goal", "th")].tolist() == bench["goal"].tolist() == list(range(1, 18))
    assert shown[t("sdg_rank_region", "th")].tolist() == bench["rank_region"].tolist()
    assert shown[t("sdg_rank_country", "th")].tolist() == bench["rank_country"].tolist()
    assert shown[t("sdg_n_region", "th")].tolist() == [20] * 17
    assert shown[t("sdg_n_country", "th")].tolist() == [77] * 17
    _, _, goals = expected(sqlite_url, area)
    on_track = int(goals["rating"].isin(sdg.ON_TRACK_RATINGS).sum())
    metric = {m.label: m.value for m in at.metric}
    assert metric[t("sdg_n_on_track", "th")] == f"{on_track} / 17"
    country = sdg.rating_counts(scores).set_index("area_code")
    assert metric[t("sdg_on_track_rank_country", "th")] == f"{int(country.loc['30', 'rank'])} {t('rank_of', 'th')} 77"


def test_district(sqlite_url):
    at = run({"level": "district", "area": "3001"})
    check_goals_and_indicators(at, sqlite_url, Area("district", "3001"))
    assert not map_specs(at)  # no children to map
    e = db.engine_for(sqlite_url)
    meta = sdg_data.indicators(e)[["indicator_code", "goal", "target_value", "lower_bound"]]
    scores = sdg.area_goal_scores(sdg_data.values(ScopedReader(e, EVERYONE), Area("province", "30"), [FY], "district")
                                  .merge(meta, on="indicator_code"))
    bench = sdg.benchmark(scores, "3001", {"province": sorted(scores.area_code.unique())})
    shown = table(at, t("sdg_rank_province", "th"))
    assert shown[t("sdg_rank_province", "th")].tolist() == bench["rank_province"].tolist()
    assert shown[t("sdg_n_province", "th")].tolist() == [32] * 17


def test_the_goal_lives_in_the_url_and_a_tile_opens_its_goal(sqlite_url):
    at = run({"goal": "11", "lang": "en"})
    check_goals_and_indicators(at, sqlite_url, NATION, goal=11, lang="en")
    at.button(key="sdg-open-7").click().run()
    assert not at.exception
    assert table(at, t("sdg_indicator_code", "en"))[t("sdg_indicator_code", "en")].tolist() == ["7.a", "7.b"]
    assert at.query_params["goal"] == "7" and at.selectbox(key="goal").value == 7


def test_a_bad_goal_in_the_url_falls_back_with_a_notice():
    at = run({"goal": "42"})
    assert any("goal='42'" in w.value for w in at.warning)
    assert at.query_params["goal"] == "1"


def test_a_governor_gets_a_note_instead_of_the_benchmark(sqlite_url):
    at = run()
    at.selectbox(key="demo_role").set_value("governor").run()
    at.selectbox(key="demo_prov").set_value("30").run()
    assert not at.exception
    assert any(t("sdg_benchmark_not_permitted", "th") in i.value for i in at.info)
    assert not any(t("sdg_rank_region", "th") in df.value.columns for df in at.dataframe)
    check_goals_and_indicators(at, sqlite_url, Area("province", "30"))  # their own province in full


def test_excel_downloads_read_back_to_the_tables_on_screen(monkeypatch, press_downloads):
    files: dict[str, bytes] = {}
    real = exports.to_xlsx

    def capture(sheets, units=None):
        content = real(sheets, units)
        files.update({name: content for name in sheets})
        return content

    monkeypatch.setattr(exports, "to_xlsx", capture)
    at = run({"level": "province", "area": "30"})
    files = {name: content for name, content in files.items() if name.startswith("sdg-")}  # not the overview's
    code = t("col_code", "th")
    checked = 0
    for name, content in files.items():
        back = pd.read_excel(io.BytesIO(content), dtype={code: str})
        screen = next(df.value for df in at.dataframe if list(df.value.columns) == list(back.columns))
        pd.testing.assert_frame_equal(back, screen.reset_index(drop=True), check_dtype=False)
        checked += 1
    assert {n.split("-")[1] for n in files} >= {"goals", "goal1", "benchmark", "1.a"} and checked == len(files) >= 4
