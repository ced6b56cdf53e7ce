"""Issue 18, "who has not reported": the KPI `report_on_time_pct` (reports filed on time) on the
overview's map and ranking, among the exceptions and on the wall's "reporting" view.

Expected figures are computed here from the data layer's facts (data_access.compliance.districts)
with metrics.compliance directly, never from the KPI frame the app shows, and never hard-coded: the
demo's compliance picture is the seed's to choose.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import compliance, db, queries, settings
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION, Area
from metrics import compliance as m, kpis
from metrics.fiscal import FiscalQuarter, thai_date
from tests.conftest import AS_OF, map_specs, open_app
from ui import fmt
from ui.live import SOURCE_NAMES
from ui.i18n import t

pytestmark = pytest.mark.dates  # judged on the clock's day (conftest freezes it at AS_OF)

PERIOD = FiscalQuarter(2570, 1)   # the newest quarter, in view by default
JUDGED = FiscalQuarter(2569, 4)   # whose reports were due on 15 Oct 2026, before AS_OF
KPI = kpis.KPIS["report_on_time_pct"]


# --- pure: metrics.compliance and metrics.kpis -------------------------------------------------------
def facts(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(("dist_code", "prov_code", "region", "source", "n_expected", "n_filed",
                                   "filed_at"), row)) for row in rows]).assign(
        filed_at=lambda f: pd.to_datetime(f["filed_at"]))


DUE = {source: dt.date(2026, 10, 15) for source in m.REPORTED_SOURCES}
SAMPLE = facts(("1001", "10", "central", "padme", 3, 3, "2026-10-10 03:00"),   # on time
               ("1001", "10", "central", "cebrs", 1, 1, "2026-10-20 03:00"),   # late
               ("1002", "10", "central", "thaiqm", 1, 0, None),                 # missing
               ("3001", "30", "northeast", "padme", 2, 2, "2026-10-15 16:30"))  # 23:30 in Bangkok: on time


def test_an_area_is_summed_from_its_districts_reports_at_every_level():
    classified = m.classify(SAMPLE, DUE, dt.date(2026, 11, 20))
    total = m.by_area(classified, "total").iloc[0]
    assert total.area_code == "TH" and (total.n_due, total.n_on_time, total.n_late, total.n_missing) == (4, 2, 1, 1)
    assert total.on_time_pct == pytest.approx(50.0) and total.status == "missing" and total.alarm == 2
    provinces = m.by_area(classified, "province").set_index("area_code")
    assert provinces.loc["10", "on_time_pct"] == pytest.approx(100 / 3) and provinces.loc["30", "alarm"] == 0
    assert list(m.by_area(classified, "district").area_code) == ["1001", "1002", "3001"]
    assert m.by_area(classified, "district").set_index("area_code").loc["1001", "alarm"] == 1  # late, none missing
    assert m.by_area(classified.iloc[0:0], "province").empty


def test_filings_after_a_day_were_not_in_on_that_day():
    """The like-for-like base and the weekly history judge the reports as they stood at a day's end."""
    then = m.as_of(SAMPLE, dt.date(2026, 10, 16))
    assert then.loc[1, "filed_at"] is pd.NaT and then.loc[1, "n_filed"] == 0  # CEBRS came on the 20th
    assert then.loc[0, "n_filed"] == 3 and then.loc[3, "n_filed"] == 2  # in by then (Bangkok dates)
    statuses = m.classify(then, DUE, dt.date(2026, 10, 16))["status"].tolist()
    assert statuses == ["on_time", "missing", "missing", "on_time"]
    assert m.as_of(SAMPLE, dt.date(2026, 10, 9)).loc[0, "n_filed"] == 2  # at most one short of complete


def test_the_change_is_against_the_same_quarter_judged_on_the_same_day_a_year_before():
    cmp = m.comparison(JUDGED, AS_OF)
    assert (cmp.period, cmp.base, cmp.through, cmp.base_through) == (
        JUDGED, FiscalQuarter(2568, 4), AS_OF, dt.date(2025, 11, 20))
    assert m.comparison(JUDGED, dt.date(2028, 2, 29)).base_through == dt.date(2027, 2, 28)


def test_who_has_not_reported_then_who_was_late_lowest_share_first():
    frame = pd.DataFrame({"area_code": ["a", "b", "c", "d", "e"], "on_time_pct": [90.0, 50.0, 100.0, 80.0, 70.0],
                          "n_missing": [1, 3, 0, 0, 2], "n_late": [0, 1, 0, 2, 0]})
    missing, late = m.not_reported(frame)
    assert list(missing.area_code) == ["b", "e", "a"] and list(late.area_code) == ["d"]
    # The same areas, in the same order, as the KPI's exceptions (alarm: 2 missing, 1 late).
    flagged = kpis.exceptions(frame.assign(alarm=[2, 2, 0, 1, 2]), KPI, 80.0, 15.0, 10)
    assert list(flagged.area_code) == [*missing.area_code, *late.area_code]


# --- the data layer -----------------------------------------------------------------------------------
def expected(url: str, area: Area, column: str | None, quarter: FiscalQuarter = JUDGED,
             day: dt.date = AS_OF) -> pd.DataFrame:
    """The KPI per area computed here: the districts' facts, classified against the due dates of
    [reporting] as they stood at `day`'s end, summed by `column` (None: the whole area)."""
    reader = ScopedReader(db.engine_for(url), EVERYONE)
    found = m.as_of(compliance.districts(reader, area, quarter), day)
    days, overrides = settings.reporting_calendar()
    rows = m.classify(found, m.due_dates(quarter, days, overrides), day)
    if column is None:
        rows, column = rows.assign(whole="TH"), "whole"
    return m.summarise(rows, column).set_index(column)


def test_the_quarter_judged_is_the_latest_one_due():
    assert compliance.judged_quarter(PERIOD, AS_OF) == JUDGED  # Q1 2570 is due on 15 Jan 2027
    assert compliance.judged_quarter(JUDGED, dt.date(2026, 10, 16)) == JUDGED
    assert compliance.judged_quarter(JUDGED, dt.date(2026, 10, 15)) == FiscalQuarter(2569, 3)  # due that day


@pytest.mark.parametrize("by, column", [("total", None), ("region", "region"), ("province", "prov_code"),
                                        ("district", "dist_code")])
def test_the_kpi_frame_is_the_districts_reports_summed(db_url, by, column):
    reader = ScopedReader(db.engine_for(db_url), EVERYONE)
    frame = queries.kpi_frame(reader, "reporting", NATION, PERIOD, by, AS_OF).set_index("area_code")
    want = expected(db_url, NATION, column)
    assert len(want) and list(frame.index) == [("TH" if column is None else str(c)) for c in want.index]
    for name in ("n_due", "n_on_time", "n_late", "n_missing", "n_open"):
        assert frame[name].tolist() == want[name].tolist(), name
    assert frame["on_time_pct"].to_numpy() == pytest.approx(want["on_time_pct"].to_numpy(), nan_ok=True)
    assert frame["status"].tolist() == want["status"].tolist()


def test_the_base_is_last_years_quarter_as_it_stood_a_year_ago(db_url):
    reader = ScopedReader(db.engine_for(db_url), EVERYONE)
    base = m.comparison(JUDGED, AS_OF)
    frame = queries.kpi_frame(reader, "reporting", NATION, FiscalQuarter(2569, 1), "total", base.base_through)
    want = expected(db_url, NATION, None, base.base, base.base_through)
    if want.empty:
        assert frame.empty
        return
    assert frame.iloc[0].on_time_pct == pytest.approx(want.iloc[0].on_time_pct)


# --- the overview: map, ranking, exceptions ------------------------------------------------------------
@pytest.fixture
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def names(url: str) -> pd.Series:
    index = queries.area_index(db.engine_for(url))
    return index.drop_duplicates("prov_code").set_index("prov_code")["prov_name_th"]


def test_the_overview_map_colours_provinces_by_reports_on_time(app_db):
    at = open_app({"kpi": "report_on_time_pct"})
    assert at.selectbox(key="kpi").value == "report_on_time_pct"  # the selector lists it
    [spec] = map_specs(at)
    want = expected(app_db, NATION, "prov_code")
    assert len(spec["values"]) == 77
    missing, late = m.not_reported(want.reset_index().rename(columns={"prov_code": "area_code"}))
    best = want["on_time_pct"].idxmax()
    checked = [code for code in dict.fromkeys([*missing.area_code[:1], *late.area_code[:1], best])]
    assert len(checked) >= 2, "the test data has provinces that differ on reporting"
    for code in checked:
        shown = spec["values"][code]
        assert shown["value"] == pytest.approx(want.at[code, "on_time_pct"]), code
        assert shown["label"] == fmt.pct(want.at[code, "on_time_pct"], lang="th"), code
        if want.at[code, "n_missing"]:
            assert t("compliance_n_missing").format(n=fmt.count(want.at[code, "n_missing"])) in shown["detail"], code
    assert spec["encoding"]["tooltip"][-1] == {"field": "detail", "title": t("compliance_tooltip")}
    caption = " ".join(c.value for c in at.caption)
    assert JUDGED.label("th") in caption and thai_date(dt.date(2026, 10, 15)) in caption  # judged, and when due


def test_the_ranking_orders_by_reports_on_time_worst_first(app_db):
    at = open_app({"kpi": "report_on_time_pct"})
    [table] = [d.value for d in at.dataframe if t("report_on_time_pct") in d.value.columns]
    values = table[t("report_on_time_pct")].tolist()
    present = [v for v in values if v == v]
    assert present == sorted(present) and values[:len(present)] == present and len(values) == 77  # lowest first
    want = expected(app_db, NATION, "prov_code")
    by_name = dict(zip(names(app_db)[want.index], want["n_missing"]))
    assert [by_name[n] for n in table[t("col_area")]] == table[t("compliance_col_missing")].tolist()


def test_provinces_missing_or_late_are_the_exceptions_worst_first(app_db):
    at = open_app({"kpi": "padme_disbursed_pct"})  # listed beside any KPI the map shows
    shown = [b.label for b in at.button if b.key and b.key.startswith("exc-report_on_time_pct-")]
    want = expected(app_db, NATION, "prov_code").reset_index().rename(columns={"prov_code": "area_code"})
    missing, late = m.not_reported(want)
    flagged = pd.concat([missing, late]).head(5)
    assert len(flagged), "the test data has provinces behind on their reports"
    provinces = names(app_db)
    assert [label.split(" · ")[0] for label in shown] == [provinces[c] for c in flagged.area_code]
    first = flagged.iloc[0]
    said = [t(key).format(n=fmt.count(n)) for key, n in (("compliance_n_missing", first.n_missing),
                                                         ("compliance_n_late", first.n_late)) if n]
    assert shown[0].endswith(f"({', '.join(said)})")


def test_a_province_map_colours_its_districts(app_db):
    at = open_app({"kpi": "report_on_time_pct", "level": "province", "area": "30"})
    [spec] = map_specs(at)
    want = expected(app_db, Area("province", "30"), "dist_code")
    assert len(want)
    for code, row in want.iterrows():
        assert spec["values"][code]["value"] == pytest.approx(row.on_time_pct, nan_ok=True), code


# --- the wall ---------------------------------------------------------------------------------------
def test_the_walls_reporting_view_names_who_has_not_reported(app_db):
    at = open_app({"kiosk": "1", "views": "reporting"})
    assert at.header[0].value == f"{t('kiosk_slide_reporting')} · ประเทศไทย"
    want = expected(app_db, NATION, "prov_code").reset_index().rename(columns={"prov_code": "area_code"})
    missing, late = m.not_reported(want)
    assert len(missing), "the test data has a province with a district that has not reported"
    text = "\n".join(x.value for x in at.markdown)
    provinces = names(app_db)
    first = missing.iloc[0]
    assert (f"**{t('compliance_missing_province')} ({fmt.count(len(missing))})**  \n"
            f"1. {provinces[first.area_code]} **{fmt.pct(first.on_time_pct, lang='th')}** "
            f":red[({t('compliance_n_missing').format(n=fmt.count(first.n_missing))})]") in text
    if len(late):
        heading = f"**{t('compliance_late_province')} ({fmt.count(len(late))})**"
        assert f"{heading}  \n1. {provinces[late.iloc[0].area_code]} " in text
    due = t("compliance_due_line").format(quarter=JUDGED.label("th"), due=thai_date(dt.date(2026, 10, 15)))
    assert f"**{due}**" in text  # the quarter judged and its due date, in words
    whole = expected(app_db, NATION, None).iloc[0]
    shown = {x.label: x.value for x in at.metric}
    assert shown[t("report_on_time_pct")] == fmt.pct(whole.on_time_pct)
    assert shown[t("compliance_metric_missing")] == fmt.count(whole.n_missing)
    [spec] = map_specs(at)
    code = missing.iloc[0].area_code
    assert spec["values"][code]["value"] == pytest.approx(want.set_index("area_code").at[code, "on_time_pct"])


def test_a_district_officers_wall_lists_its_own_reports(accounts_url, monkeypatch, browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    browser_token.sign_in(accounts_url, "do3001")
    at = open_app({"kiosk": "1", "views": "reporting"})
    rows = m.classify(compliance.districts(ScopedReader(db.engine_for(accounts_url), EVERYONE),
                                           Area("district", "3001"), JUDGED), compliance.due_dates(JUDGED), AS_OF)
    text = "\n".join(x.value for x in at.markdown)
    assert at.header[0].value.startswith(t("kiosk_slide_reporting")) and len(rows)
    for row in rows.itertuples():
        status = t(f"compliance_status_{row.status}").format(days=fmt.count(row.days_late))
        assert f"{SOURCE_NAMES[row.source]}: {status}" in text
