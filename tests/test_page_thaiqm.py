"""The ThaiQM page (AppTest on the seeded SQLite): every figure shown equals what data_access returns for
the scope in view, at the nation, a province and a district; downloads read back to the table; scope."""
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db
from data_access import thaiqm as q
from data_access.scope import EVERYONE, Area
from metrics import thaiqm as m
from metrics.fiscal import FiscalQuarter, elapsed_share
from metrics.kpis import DIMENSIONS
from tests.conftest import AS_OF, add_accounts, chart_categories, chart_marks, chart_series, map_specs, vega_charts
from ui import exports, fmt, geo
from ui.loaders import child_names
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/thaiqm.py"
THAI = re.compile(r"[\u0E00-\u0E7F]")
PERIOD = FiscalQuarter(2570, 1)  # the quarter the test data runs into (as of 20 Nov 2026)
VIEWS = {"nation": {}, "province": {"level": "province", "area": "30"},
         "district": {"level": "district", "area": "3001"}}
AREAS = {"nation": Area(), "province": Area("province", "30"), "district": Area("district", "3001")}


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def engine(sqlite_url):  # the page runs on SQLite; this overrides the two-database fixture here
    return db.engine_for(sqlite_url)


def run(query: dict, period: FiscalQuarter = PERIOD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"fy": str(period.year), "q": str(period.quarter), **query}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at, key: str, lang: str = "th") -> str:
    return next(x.value for x in at.metric if x.label == t(key, lang))


def charts(at) -> list[dict]:
    """The page's Vega-Lite charts and maps, in page order (tests.conftest.vega_charts)."""
    return vega_charts(at)


def title(spec: dict) -> str:
    return spec.get("title", {}).get("text", "")


def chart_labels(spec: dict) -> list[str]:
    """What a chart writes beside its marks: axis titles, series names (the legend), categories and texts."""
    encodings = [spec.get("encoding", {})] + [layer.get("encoding", {}) for layer in spec.get("layer", [])]
    axes = [e[axis]["title"] for e in encodings for axis in ("x", "y") if (e.get(axis) or {}).get("title")]
    rows = [str(r[k]) for r in spec["rows"] for k in ("category", "series", "text")]
    return axes + rows


def table_with(at, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as floats (NaN for no data), text as text: how a table and its file can be compared."""
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        numeric = pd.to_numeric(out[column], errors="coerce")
        if numeric.notna().sum() == out[column].notna().sum() and not out[column].map(
                lambda v: isinstance(v, str)).any():
            out[column] = numeric.astype("float64")
        else:
            out[column] = out[column].astype(str)
    return out


def expected_row(engine, area: Area, period: FiscalQuarter = PERIOD) -> dict:
    return m.totals_row(q.totals(ScopedReader(engine, EVERYONE), area, period))


@pytest.mark.parametrize("view", list(VIEWS))
def test_kpi_figures_equal_the_data_layer(engine, view):
    at = run(VIEWS[view])
    row = expected_row(engine, AREAS[view])
    due = m.target_due(PERIOD.quarter, elapsed_share(PERIOD, AS_OF))
    assert due == pytest.approx(25 * 51 / 92)
    assert metric(at, "thaiqm_target") == fmt.count(row["n_target"])
    assert metric(at, "thaiqm_n_helped") == fmt.count(row["n_helped"])
    assert metric(at, "thaiqm_helped_short") == fmt.pct(row["helped_pct"])
    assert metric(at, "thaiqm_due") == fmt.pct(due)
    assert metric(at, "thaiqm_gap") == fmt.pp(row["helped_pct"] - due)
    assert row["n_target"] > 0


@pytest.mark.parametrize("view", list(VIEWS))
def test_dimensions_and_funnel_equal_the_data_layer(engine, view):
    at = run(VIEWS[view])
    row = expected_row(engine, AREAS[view])
    dims_chart, funnel_chart = charts(at)[0], charts(at)[1]
    assert title(dims_chart) == t("thaiqm_dims_title", "th") and "bar" in chart_marks(dims_chart)
    assert title(funnel_chart) == t("thaiqm_funnel_title", "th") and "bar" in chart_marks(funnel_chart)
    assert list(chart_series(dims_chart).values()) == [[row[f"n_{d}"] for d in DIMENSIONS]]
    assert chart_categories(dims_chart) == [t(f"dim_{d}", "th") for d in DIMENSIONS]
    stages = ["n_surveyed", "n_target", "n_in_progress", "n_helped", "n_self_resolved"]
    assert list(chart_series(funnel_chart).values()) == [[row[s] for s in stages]]
    assert chart_categories(funnel_chart) == [t(f"thaiqm_stage_{s[2:]}", "th") for s in stages]  # top to bottom

    dims = table_with(at, t("dimension", "th"))
    assert list(dims[t("households", "th")]) == [row[f"n_{d}"] for d in DIMENSIONS]
    assert list(dims[t("thaiqm_share", "th")]) == pytest.approx(
        [round(100 * row[f"n_{d}"] / row["n_target"], 1) for d in DIMENSIONS])
    funnel = table_with(at, t("thaiqm_stage", "th"))
    assert list(funnel[t("households", "th")]) == [row[s] for s in stages]
    assert list(funnel[t("thaiqm_pct_of_target", "th")]) == pytest.approx(
        [round(100 * row[s] / row["n_target"], 1) for s in stages])


@pytest.mark.parametrize("view", list(VIEWS))
def test_trend_shows_each_quarter_up_to_the_one_in_view(engine, view):
    period = FiscalQuarter(2569, 3)
    at = run(VIEWS[view], period)
    trend = q.year_trend(ScopedReader(engine, EVERYONE), AREAS[view], period)
    chart = charts(at)[2]
    assert "line" in chart_marks(chart)
    lines = chart_series(chart)
    assert chart_categories(chart) == [FiscalQuarter(2569, n).label("th") for n in (1, 2, 3)]
    assert lines[t("thaiqm_stage_helped", "th")] == list(trend.n_helped)
    assert lines[t("thaiqm_stage_self_resolved", "th")] == list(trend.n_self_resolved)
    assert lines[t("thaiqm_stage_in_progress", "th")] == list(trend.n_in_progress)
    assert metric(at, "thaiqm_due") == fmt.pct(75.0)  # a finished Q3 owes three quarters of the year


@pytest.mark.parametrize("view", ["nation", "province"])
def test_child_table_and_map_equal_the_data_layer(engine, sqlite_url, view):
    at = run(VIEWS[view])
    area = AREAS[view]
    counts = q.totals(ScopedReader(engine, EVERYONE), area, PERIOD, by=area.child_level).set_index("area_code")
    from ui.loaders import area_index  # the cached reader is fine outside a run
    names = child_names(area_index(sqlite_url), area)
    table = table_with(at, t("col_code", "th")).set_index(t("col_code", "th"))
    assert list(table.index) == list(names.area_code)
    present = counts.index
    assert list(table.loc[present, t("thaiqm_target", "th")]) == list(counts.n_target)
    assert list(table.loc[present, t("thaiqm_helped", "th")]) == list(counts.n_helped)
    assert list(table.loc[present, t("thaiqm_helped_pct", "th")]) == pytest.approx(
        list((100 * counts.n_helped / counts.n_target).round(1)), nan_ok=True)
    assert table.drop(present)[t("thaiqm_target", "th")].isna().all()  # no rows: no data, not 0

    shares = m.with_kpis(counts.reset_index())
    [shown_map] = map_specs(at)
    assert shown_map["url"] == geo.geometry_url(area.child_level, area.code)
    mapped = {c: v["value"] for c, v in shown_map["values"].items() if v["value"] is not None}
    expected = dict(zip(shares.area_code, shares.share_health_pct))
    assert mapped == pytest.approx({c: v for c, v in expected.items() if pd.notna(v)})
    assert set(shown_map["values"]) == set(names.area_code)  # the others drawn as "no data"
    assert all(v["label"] == t("no_data", "th") for c, v in shown_map["values"].items() if c not in mapped)


def test_choosing_a_dimension_recolours_the_map_and_goes_into_the_url(engine):
    at = run(VIEWS["province"])
    at.selectbox(key="thaiqm_dim").select("income").run()
    assert not at.exception
    counts = m.with_kpis(q.totals(ScopedReader(engine, EVERYONE), AREAS["province"], PERIOD, by="district"))
    expected = {c: v for c, v in zip(counts.area_code, counts.share_income_pct) if pd.notna(v)}
    [shown_map] = map_specs(at)
    mapped = {c: v["value"] for c, v in shown_map["values"].items() if v["value"] is not None}
    assert mapped == pytest.approx(expected)
    assert at.query_params["thaiqm_dim"] == "income"


def test_district_shows_its_subdistricts_from_the_household_slice(engine):
    at = run(VIEWS["district"])
    subs = m.with_kpis(q.subdistricts(ScopedReader(engine, EVERYONE), "3001", PERIOD))
    table = table_with(at, t("col_code", "th"))
    assert list(table[t("col_code", "th")]) == list(subs.area_code) and len(table) == 25
    assert list(table[t("thaiqm_target", "th")]) == list(subs.n_target)
    assert list(table[t("thaiqm_helped", "th")]) == list(subs.n_helped)
    for d in DIMENSIONS:
        assert list(table[t(f"dim_{d}", "th")]) == list(subs[f"n_{d}"])
    assert int(table[t("thaiqm_target", "th")].sum()) == expected_row(engine, AREAS["district"])["n_target"]
    assert not map_specs(at)  # subdistricts have no boundaries: one bar each for the dimension
    bars = charts(at)[3]
    assert "bar" in chart_marks(bars) and len(chart_categories(bars)) == 25


@pytest.mark.parametrize("view, prefix", [("province", "thaiqm-districts-"), ("nation", "thaiqm-provinces-"),
                                          ("district", "thaiqm-subdistricts-")])
def test_excel_download_reads_back_to_the_table(monkeypatch, press_downloads, view, prefix):
    files: dict[str, bytes] = {}
    real = exports.to_xlsx
    monkeypatch.setattr(exports, "to_xlsx", lambda sheets, units=None: files.setdefault(next(iter(sheets)), real(sheets, units)))
    at = run(VIEWS[view])
    name = next(n for n in files if n.startswith(prefix))
    code = t("col_code", "th")
    back = pd.read_excel(io.BytesIO(files[name]), dtype={code: str})
    shown = table_with(at, code)
    assert len(back) == len(shown) > 0
    pd.testing.assert_frame_equal(normalised(back), normalised(shown))
    dims = pd.read_excel(io.BytesIO(files[next(n for n in files if n.startswith("thaiqm-dimensions-"))]))
    pd.testing.assert_frame_equal(normalised(dims), normalised(table_with(at, t("dimension", "th"))))


def test_english_flips_every_label():
    at = run({**VIEWS["district"], "lang": "en"})
    texts = ([x.label for x in at.metric] + [s.value for s in at.subheader] + [s.label for s in at.selectbox]
             + [c.value for c in at.caption] + [x.value for x in at.markdown] + [at.title[0].value]
             + [str(c) for df in at.dataframe for c in df.value.columns]
             + [json.dumps(c.get("title"), ensure_ascii=False) for c in charts(at)]  # title and subtitle
             + [label for c in charts(at) for label in chart_labels(c)])
    texts = [x for x in texts if x != "ภาษา / Language"]
    thai = [x for x in texts if THAI.search(x)]
    assert not thai, thai


def test_a_governor_is_refused_another_province_and_sees_their_own(sqlite_url, monkeypatch, browser_token):
    add_accounts(sqlite_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    browser_token.sign_in(sqlite_url, "gov30")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    codes = set(table_with(at, t("col_code", "th"))[t("col_code", "th")])
    assert len(codes) == 32 and all(c.startswith("30") for c in codes)
    at.query_params["level"], at.query_params["area"] = "province", "50"
    at.session_state["drill"] = Area("province", "50")
    at.run()
    assert any(t("not_permitted", "th") in e.value for e in at.error)
    assert not at.metric and not at.get("vega_lite_chart") and not at.dataframe
