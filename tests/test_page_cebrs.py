"""The CEBRS page (AppTest): what it shows equals what data_access + metrics give for the scope."""
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import cebrs, db, queries
from data_access.scope import EVERYONE, NATION, Area
from metrics import cebrs as m
from metrics.fiscal import FiscalQuarter
from ui import loaders as ui_data
from ui import exports, fmt, geo
from ui.i18n import t
from tests.conftest import chart_categories, chart_marks, chart_series, map_specs, vega_charts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/cebrs.py"
THAI = re.compile(r"[\u0E00-\u0E7F]")
DEFAULT = FiscalQuarter(2570, 1)  # the newest quarter of the test data (seeded as of 20 Nov 2026)
Q4_2569 = FiscalQuarter(2569, 4)
SCOPES = {"nation": ({}, NATION), "province": ({"level": "province", "area": "30"}, Area("province", "30")),
          "district": ({"level": "district", "area": "3001"}, Area("district", "3001"))}


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def e(sqlite_url):
    return db.engine_for(sqlite_url)


def open_page(query: dict, period: FiscalQuarter | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    if period is not None:  # the sidebar's period, chosen on this page
        at.selectbox(key="fy").set_value(period.year).run()
        at.selectbox(key="q").set_value(period.quarter).run()
    assert not at.exception, [x.message for x in at.exception]
    return at


def metric(at, key: str, lang: str = "th") -> str:
    return next(x.value for x in at.metric if x.label == t(key, lang))


def table_with(at, *columns: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def value_axis_title(spec: dict) -> str:
    encoding = spec["encoding"]
    return next(encoding[axis]["title"] for axis in ("x", "y") if encoding[axis]["field"] == "value")


def expected_projects(e, area, period):
    return m.as_of_quarter_end(cebrs.projects(ScopedReader(e, EVERYONE), area, period.year), period.end)


def check_page(at, e, area: Area, period: FiscalQuarter) -> None:
    """Every figure on the page against data_access + metrics for the same scope."""
    assert any(period.label("th") in c.value for c in at.caption)
    # 1. headline
    h = m.headline(cebrs.totals(ScopedReader(e, EVERYONE), area, period))
    assert metric(at, "cebrs_approved_total") == fmt.mb(h["approved_mb"], "th", unit=False)
    assert metric(at, "cebrs_disbursed_total") == fmt.mb(h["disbursed_mb"], "th", unit=False)
    assert metric(at, "cebrs_disbursed_share") == fmt.pct(h["disbursed_pct"], lang="th")
    assert metric(at, "cebrs_n_projects") == fmt.count(h["n_projects"], lang="th")
    assert metric(at, "cebrs_households") == fmt.count(h["beneficiary_households"], lang="th")
    assert metric(at, "cebrs_people") == fmt.count(h["beneficiary_people"], lang="th")
    # 2. categories: table and chart
    cats = m.by_category(cebrs.by_category(ScopedReader(e, EVERYONE), area, period))
    charts = vega_charts(at)
    if len(cats):
        shown = table_with(at, t("cebrs_category", "th"))
        assert list(shown[t("cebrs_category", "th")]) == [t(f"cebrs_cat_{c}", "th") for c in cats.category]
        assert shown[t("cebrs_col_approved_mb", "th")].tolist() == pytest.approx(cats.approved_mb.tolist())
        assert shown[t("cebrs_col_disbursed_mb", "th")].tolist() == pytest.approx(cats.disbursed_mb.tolist())
        bars = next(c for c in charts if "bar" in chart_marks(c))
        series = chart_series(bars)
        assert chart_categories(bars) == [t(f"cebrs_cat_{c}", "th") for c in cats.category]
        assert series[t("cebrs_series_approved", "th")] == pytest.approx(cats.approved_mb.tolist())
        assert series[t("cebrs_series_disbursed", "th")] == pytest.approx(cats.disbursed_mb.tolist())
        assert value_axis_title(bars) == t("unit_mb", "th")  # the chart says its unit
    # 4. status and time to disbursement
    rows = expected_projects(e, area, period)
    counts = m.status_counts(rows, period.end)
    for status in m.STATUSES:
        assert metric(at, f"cebrs_status_{status}") == fmt.count(counts[status], lang="th")
    days = m.days_to_disbursement(rows, period.end)
    for key, value in (("cebrs_days_median", days["median"]), ("cebrs_days_p90", days["p90"])):
        assert metric(at, key) == (t("no_data", "th") if pd.isna(value) else f"{value:,.0f} {t('cebrs_unit_days', 'th')}")
    # 6. projects, newest first, as at the quarter's end
    if len(rows):
        shown = table_with(at, t("cebrs_col_title", "th"))
        assert list(shown[t("cebrs_col_project_id", "th")]) == list(rows.project_id)
        assert shown[t("cebrs_col_approved_mb", "th")].sum() == pytest.approx(h["approved_mb"])
    else:
        assert any(t("cebrs_no_projects", "th") in i.value for i in at.info)
    # 3 and 5: the child areas
    index = queries.area_index(e)
    if area.level == "district":
        subs = queries.subdistrict_figures(ScopedReader(e, EVERYONE), area.code, period)
        shown = table_with(at, t("col_code", "th"), t("cebrs_n_projects", "th"))
        assert len(shown) == len(subs)
        assert int(shown[t("cebrs_n_projects", "th")].sum()) == int(subs.n_relief_projects.sum())
        need = m.budget_vs_need(ui_data.child_names(index, Area("province", area.code[:2])).merge(
            cebrs.need(ScopedReader(e, EVERYONE), Area("province", area.code[:2]), period), on="area_code", how="left"))
        value = need.loc[need.area_code == area.code, "baht_per_household"].iloc[0]
        assert metric(at, "cebrs_baht_per_household") == fmt.count(value, lang="th")
        return
    children = ui_data.child_names(index, area)
    by_area = children.merge(m.with_rates(cebrs.by_area(ScopedReader(e, EVERYONE), area, period)), on="area_code", how="left")
    shown = table_with(at, t("col_code", "th"), t("cebrs_col_disbursed_pct", "th"))
    assert list(shown[t("col_code", "th")]) == list(by_area.area_code)
    pd.testing.assert_series_equal(shown[t("cebrs_col_disbursed_pct", "th")].reset_index(drop=True),
                                   by_area.disbursed_pct.reset_index(drop=True), check_names=False)
    maps = map_specs(at)
    assert len(maps) == 2
    for shown_map in maps:  # the child areas' polygons, joined to a value (or "no data") each
        assert shown_map["url"] == geo.geometry_url(area.child_level, area.code if area.level == "province" else None)
        assert set(shown_map["values"]) == set(children.area_code)
    need = m.budget_vs_need(children.merge(cebrs.need(ScopedReader(e, EVERYONE), area, period), on="area_code", how="left"))
    shown = table_with(at, t("cebrs_baht_per_household", "th"))
    assert shown[t("cebrs_baht_per_household", "th")].tolist() == pytest.approx(
        need.baht_per_household.round(0).tolist(), nan_ok=True)
    flagged_codes = [b.key.rsplit("-", 1)[1] for b in at.button if b.key and b.key.startswith("cebrs-flag-")]
    assert flagged_codes == list(m.flagged(need).area_code)


@pytest.mark.parametrize("scope", list(SCOPES))
def test_page_figures_equal_the_data_layer(scope, e):
    query, area = SCOPES[scope]
    check_page(open_page(query), e, area, DEFAULT)


@pytest.mark.parametrize("scope", list(SCOPES))
def test_page_figures_equal_the_data_layer_for_a_full_quarter(scope, e):
    query, area = SCOPES[scope]
    at = open_page(query, Q4_2569)
    check_page(at, e, area, Q4_2569)
    if scope == "district":
        assert metric(at, "cebrs_n_projects") != fmt.DASH  # the district has projects that year


def test_a_flagged_area_button_drills_into_it(e):
    at = open_page({}, Q4_2569)
    buttons = [b for b in at.button if b.key and b.key.startswith("cebrs-flag-")]
    assert buttons, "the test data has provinces with high need and little money"
    code = buttons[0].key.rsplit("-", 1)[1]
    buttons[0].click().run()
    assert not at.exception
    assert at.query_params["level"] == "province" and at.query_params["area"] == code


def test_the_excel_download_reads_back_to_the_projects_table(monkeypatch, press_downloads):
    sheets: dict[str, pd.DataFrame] = {}
    files: dict[str, bytes] = {}
    real = exports.to_xlsx

    def capture(frames, units=None):
        out = real(frames, units)
        for name, frame in frames.items():
            sheets[name], files[name] = frame, out
        return out

    monkeypatch.setattr(exports, "to_xlsx", capture)
    at = open_page(SCOPES["province"][0], Q4_2569)
    name = f"cebrs-projects-province-30-{Q4_2569.year}q{Q4_2569.quarter}"
    back = pd.read_excel(io.BytesIO(files[name]), dtype=object)
    shown = table_with(at, t("cebrs_col_title", "th"))
    assert len(back) == len(shown) == len(sheets[name]) > 0
    assert list(back.columns) == list(shown.columns)
    for column in shown.columns:
        left = [None if pd.isna(v) else v for v in back[column]]
        right = [None if pd.isna(v) else v for v in shown[column]]
        if shown[column].dtype.kind == "f":
            assert left == pytest.approx(right, nan_ok=True), column
        else:
            assert [None if v is None else str(v) for v in left] == \
                   [None if v is None else str(v) for v in right], column


def test_english_labels_carry_no_thai():
    at = open_page({"level": "province", "area": "30", "lang": "en"}, Q4_2569)
    texts = ([x.label for x in at.metric] + [s.value for s in at.subheader] + [b.label for b in at.button]
             + [c.value for c in at.caption] + [at.title[0].value]
             + [c for df in at.dataframe for c in df.value.columns])
    texts = [x for x in texts if x != "ภาษา / Language"]
    assert not [x for x in texts if THAI.search(x)]
    assert t("cebrs_headline", "en") in [s.value for s in at.subheader]


@pytest.mark.parametrize("role, prov, dist", [("governor", "30", None), ("district_officer", "30", "3001")])
def test_scoped_viewers_see_their_area_only(role, prov, dist):
    at = open_page({})
    at.selectbox(key="demo_role").set_value(role).run()
    at.selectbox(key="demo_prov").set_value(prov).run()
    if dist:
        at.selectbox(key="demo_dist").set_value(dist).run()
    assert not at.exception, [x.message for x in at.exception]
    assert not at.error
    maps = map_specs(at)
    codes = {code for spec in maps for code in spec["values"]}
    assert all(code.startswith(dist or prov) for code in codes)
    if not dist:  # a governor's map draws their province's districts, no other polygons
        assert maps and all(spec["url"] == geo.geometry_url("district", prov) for spec in maps)
    for df in at.dataframe:
        if t("cebrs_col_project_id", "th") in df.value.columns:
            assert df.value[t("cebrs_col_project_id", "th")].str[6:8].eq(prov).all()
