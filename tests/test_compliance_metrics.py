"""The reporting calendar and the compliance KPI (metrics.compliance, settings.reporting_calendar).

Every test passes `today` itself: nothing here depends on the day it is run.
"""
import datetime as dt
import math

import pandas as pd
import pytest

from data_access import settings
from metrics import compliance
from metrics.fiscal import FiscalQuarter

Q1_2570 = FiscalQuarter(2570, 1)   # 1 Oct – 31 Dec 2026
Q4_2569 = FiscalQuarter(2569, 4)   # 1 Jul – 30 Sep 2026
DUE = dt.date(2027, 1, 15)         # Q1 2570's reports, 15 days after it ends
DUES = {source: DUE for source in compliance.REPORTED_SOURCES}


def row(dist="1001", source="padme", expected=3, filed=3, filed_at=None, **extra):
    return dict(dist_code=dist, source=source, n_expected=expected, n_filed=filed,
                filed_at=None if filed_at is None else pd.Timestamp(filed_at), **extra)


def classified(*rows, today=dt.date(2027, 2, 1)):
    return compliance.classify(pd.DataFrame(list(rows)), DUES, today)


# --- due_on -----------------------------------------------------------------------------------------
def test_due_on_is_the_quarter_end_plus_the_days():
    assert compliance.due_on("padme", Q1_2570, 15) == dt.date(2027, 1, 15)
    assert compliance.due_on("thaiqm", Q4_2569, 15) == dt.date(2026, 10, 15)
    assert compliance.due_on("cebrs", FiscalQuarter(2570, 2), 30) == dt.date(2027, 4, 30)


def test_an_override_for_the_source_and_quarter_wins():
    overrides = {"padme:2570:Q1": dt.date(2027, 1, 20)}
    assert compliance.due_on("padme", Q1_2570, 15, overrides) == dt.date(2027, 1, 20)
    # the override is of padme's Q1 2570 only: not another source, not another quarter
    assert compliance.due_on("cebrs", Q1_2570, 15, overrides) == dt.date(2027, 1, 15)
    assert compliance.due_on("padme", FiscalQuarter(2570, 2), 15, overrides) == dt.date(2027, 4, 15)
    assert compliance.due_on("padme", FiscalQuarter(2569, 1), 15, overrides) == dt.date(2026, 1, 15)


def test_due_on_refuses_an_unknown_source():
    with pytest.raises(ValueError, match="sdg"):
        compliance.due_on("sdg", Q1_2570, 15)


def test_due_dates_of_every_reported_source():
    days = {"padme": 15, "thaiqm": 30, "cebrs": 10}
    assert compliance.due_dates(Q1_2570, days, {"cebrs:2570:Q1": dt.date(2027, 2, 1)}) == {
        "padme": dt.date(2027, 1, 15), "thaiqm": dt.date(2027, 1, 30), "cebrs": dt.date(2027, 2, 1)}


# --- classify ---------------------------------------------------------------------------------------
def test_every_status():
    out = classified(
        row("1001", filed_at="2027-01-10 03:00"),                      # all filed before the due date
        row("1002", filed_at="2027-01-20 03:00"),                      # all filed, 5 days after
        row("1003", filed=2, filed_at="2027-01-10 03:00"),             # one of three never came
        row("1004", expected=0, filed=0),                              # nothing expected
        row("1005", filed=0),                                          # nothing filed
        today=dt.date(2027, 2, 1)).set_index("dist_code")
    assert out["status"].to_dict() == {"1001": "on_time", "1002": "late", "1003": "missing",
                                       "1004": "none", "1005": "missing"}
    assert out["days_late"].to_dict() == {"1001": 0, "1002": 5, "1003": 17, "1004": 0, "1005": 17}
    assert out.loc["1002", "filed_on"] == dt.date(2027, 1, 20)
    assert out.loc["1005", "filed_on"] is None
    assert set(out["due_on"]) == {DUE}


def test_not_all_filed_is_open_until_the_due_date_has_passed():
    on_due_day = classified(row(filed=1), today=DUE).iloc[0]
    assert on_due_day.status == "open" and on_due_day.days_late == 0
    day_after = classified(row(filed=1), today=DUE + dt.timedelta(days=1)).iloc[0]
    assert day_after.status == "missing" and day_after.days_late == 1


def test_a_filing_counts_by_its_bangkok_date():
    # 16:59:59 UTC on the due date is 23:59:59 in Bangkok: still the due date
    last_second = classified(row(filed_at="2027-01-15 16:59:59")).iloc[0]
    assert last_second.filed_on == DUE and last_second.status == "on_time" and last_second.days_late == 0
    # 17:00:00 UTC is midnight in Bangkok: the next day, late by one
    midnight = classified(row(filed_at="2027-01-15 17:00:00")).iloc[0]
    assert midnight.filed_on == dt.date(2027, 1, 16) and midnight.status == "late" and midnight.days_late == 1
    # early on the due date in Bangkok is the evening before in UTC
    early = classified(row(filed_at="2027-01-14 18:00:00")).iloc[0]
    assert early.filed_on == DUE and early.status == "on_time"


def test_filed_at_may_be_nat_in_a_datetime_column():
    frame = pd.DataFrame([row("1001", filed_at="2027-01-16 02:00"), row("1002", filed=0)])
    frame["filed_at"] = pd.to_datetime(frame["filed_at"])  # datetime64 with NaT, as read from SQL
    out = compliance.classify(frame, DUES, dt.date(2027, 2, 1))
    assert out["status"].tolist() == ["late", "missing"]
    assert out["filed_on"].tolist() == [dt.date(2027, 1, 16), None]


def test_more_filed_than_expected_is_complete():
    out = classified(row(expected=2, filed=5, filed_at="2027-01-05 09:00"),
                     row("1002", expected=2, filed=5, filed_at="2027-01-18 09:00"))
    assert out["status"].tolist() == ["on_time", "late"]


def test_each_source_is_judged_against_its_own_due_date():
    due = {"padme": dt.date(2027, 1, 15), "thaiqm": dt.date(2027, 1, 31), "cebrs": dt.date(2027, 1, 10)}
    frame = pd.DataFrame([row(source=s, filed_at="2027-01-12 03:00") for s in ("padme", "thaiqm", "cebrs")])
    out = compliance.classify(frame, due, dt.date(2027, 2, 1))
    assert out["status"].tolist() == ["on_time", "on_time", "late"]
    assert out["days_late"].tolist() == [0, 0, 2]


def test_a_source_without_a_due_date_is_an_error():
    with pytest.raises(ValueError, match="thaiqm"):
        compliance.classify(pd.DataFrame([row(source="thaiqm")]), {"padme": DUE}, DUE)


def test_classify_leaves_its_input_alone():
    frame = pd.DataFrame([row(filed_at="2027-01-10 03:00")])
    before = frame.copy()
    compliance.classify(frame, DUES, DUE)
    pd.testing.assert_frame_equal(frame, before)


def test_classify_an_empty_frame():
    empty = pd.DataFrame(columns=["dist_code", "source", "n_expected", "n_filed", "filed_at"])
    out = compliance.classify(empty, DUES, DUE)
    assert len(out) == 0
    assert list(out.columns) == ["dist_code", "source", "n_expected", "n_filed", "filed_at",
                                 "due_on", "filed_on", "status", "days_late"]


# --- summarise --------------------------------------------------------------------------------------
def province_rows():
    return classified(
        row("1001", prov_code="10", filed_at="2027-01-10 03:00"),            # on_time
        row("1002", prov_code="10", filed_at="2027-01-20 03:00"),            # late
        row("1003", prov_code="10", filed_at="2027-01-11 03:00"),            # on_time
        row("1004", prov_code="10", filed=0),                                # missing
        row("5001", prov_code="50", filed_at="2027-01-10 03:00"),            # on_time
        row("5002", prov_code="50", filed_at="2027-01-21 03:00"),            # late
        row("3001", prov_code="30", expected=0, filed=0),                    # none
        row("3002", prov_code="30", expected=0, filed=0),                    # none
        row("2001", prov_code="20", filed_at="2027-01-10 03:00"),            # on_time
        row("2002", prov_code="20", expected=0, filed=0),                    # none
    )


def test_summarise_counts_shares_and_the_worst_status():
    out = compliance.summarise(province_rows(), "prov_code")
    assert list(out.columns) == ["prov_code", "n_due", "n_on_time", "n_late", "n_missing", "n_open",
                                 "on_time_pct", "filed_pct", "status"]
    assert out["prov_code"].tolist() == ["10", "20", "30", "50"]  # sorted
    p10, p20, p30, p50 = (r for _, r in out.iterrows())
    assert (p10.n_due, p10.n_on_time, p10.n_late, p10.n_missing, p10.n_open) == (4, 2, 1, 1, 0)
    assert p10.on_time_pct == pytest.approx(50.0) and p10.filed_pct == pytest.approx(75.0)
    assert p10.status == "missing"  # one missing district makes the province missing
    assert p50.status == "late" and p50.on_time_pct == pytest.approx(50.0) and p50.filed_pct == pytest.approx(100.0)
    assert p20.status == "on_time" and p20.n_due == 1 and p20.on_time_pct == pytest.approx(100.0)


def test_nothing_due_has_no_share_not_zero():
    p30 = compliance.summarise(province_rows(), "prov_code").set_index("prov_code").loc["30"]
    assert p30.n_due == 0 and p30.status == "none"
    assert math.isnan(p30.on_time_pct) and math.isnan(p30.filed_pct)


@pytest.mark.parametrize("statuses, worst", [
    (["on_time", "late", "open", "missing", "none"], "missing"),
    (["on_time", "open", "late", "none"], "late"),
    (["on_time", "open", "none"], "open"),
    (["none", "on_time"], "on_time"),
    (["none"], "none"),
])
def test_worst_status_order(statuses, worst):
    frame = pd.DataFrame({"prov_code": "10", "status": statuses})
    assert compliance.summarise(frame, "prov_code").iloc[0].status == worst


def test_open_counts_as_due_but_not_filed():
    out = compliance.summarise(classified(row("1001", filed=1), row("1002", filed_at="2027-01-02 03:00"),
                                          today=dt.date(2027, 1, 10)), "source").iloc[0]
    assert (out.source, out.n_due, out.n_open, out.n_on_time) == ("padme", 2, 1, 1)
    assert out.on_time_pct == pytest.approx(50.0) and out.filed_pct == pytest.approx(50.0)
    assert out.status == "open"


def test_summarise_an_empty_frame():
    empty = compliance.classify(pd.DataFrame(columns=["dist_code", "source", "n_expected", "n_filed", "filed_at"]),
                                DUES, DUE)
    out = compliance.summarise(empty, "dist_code")
    assert len(out) == 0 and out.columns[0] == "dist_code" and "status" in out.columns


# --- reporting_quarter ------------------------------------------------------------------------------
def padme_due(quarter):
    return compliance.due_on("padme", quarter, 15)


def test_the_running_quarter_in_view_judges_the_one_before_across_the_fiscal_year():
    assert compliance.reporting_quarter(Q1_2570, dt.date(2026, 12, 6), padme_due) == Q4_2569
    # its reports are due on 15 Jan 2027: still the quarter before on that day, Q1 from the day after
    assert compliance.reporting_quarter(Q1_2570, DUE, padme_due) == Q4_2569
    assert compliance.reporting_quarter(Q1_2570, DUE + dt.timedelta(days=1), padme_due) == Q1_2570


def test_a_past_quarter_in_view_is_judged_itself():
    assert compliance.reporting_quarter(Q4_2569, dt.date(2026, 12, 6), padme_due) == Q4_2569
    assert compliance.reporting_quarter(FiscalQuarter(2569, 2), dt.date(2026, 12, 6), padme_due) == \
        FiscalQuarter(2569, 2)
    # Q2 to Q1 within one fiscal year
    assert compliance.reporting_quarter(FiscalQuarter(2570, 2), dt.date(2027, 3, 1), padme_due) == Q1_2570


# --- settings.reporting_calendar --------------------------------------------------------------------
@pytest.fixture
def warroom_toml(monkeypatch, tmp_path):
    path = tmp_path / "warroom.toml"
    monkeypatch.setattr(settings, "WARROOM_TOML", path)
    return path


def test_reporting_calendar_defaults_without_a_file(warroom_toml):
    assert settings.reporting_calendar() == ({"padme": 15, "cebrs": 15, "thaiqm": 15}, {})


def test_reporting_calendar_defaults_without_the_section(warroom_toml):
    warroom_toml.write_text("[imports]\nmax_rows = 10\n")
    assert settings.reporting_calendar() == ({"padme": 15, "cebrs": 15, "thaiqm": 15}, {})


def test_reporting_calendar_reads_days_and_overrides(warroom_toml):
    warroom_toml.write_text('[reporting]\ndays = { padme = 30, thaiqm = 20 }\n'
                            'due = { "padme:2570:Q1" = "2027-01-20", "cebrs:2569:Q4" = 2026-10-31 }\n')
    days, due = settings.reporting_calendar()
    assert days == {"padme": 30, "cebrs": 15, "thaiqm": 20}  # cebrs keeps its default
    assert due == {"padme:2570:Q1": dt.date(2027, 1, 20), "cebrs:2569:Q4": dt.date(2026, 10, 31)}
    assert compliance.due_on("padme", Q1_2570, days["padme"], due) == dt.date(2027, 1, 20)
    assert compliance.due_on("thaiqm", Q1_2570, days["thaiqm"], due) == dt.date(2027, 1, 20)


def test_the_shipped_warroom_toml_has_the_defaults():
    assert settings.reporting_calendar() == ({"padme": 15, "cebrs": 15, "thaiqm": 15}, {})


@pytest.mark.parametrize("due, named", [
    ('{ "padme:2570:Q1" = "2027-13-01" }', ["padme:2570:Q1", "2027-13-01"]),   # no 13th month
    ('{ "padme:2570:Q1" = "20 Jan 2027" }', ["padme:2570:Q1", "20 Jan 2027"]),
    ('{ "padme:2570:Q5" = "2027-01-20" }', ["padme:2570:Q5", "2027-01-20"]),   # no 5th quarter
    ('{ "sdg:2570:Q1" = "2027-01-20" }', ["sdg:2570:Q1"]),                      # not a reported source
    ('{ "padme-2570-Q1" = "2027-01-20" }', ["padme-2570-Q1"]),
])
def test_an_invalid_override_is_an_error_naming_it(warroom_toml, due, named):
    warroom_toml.write_text(f"[reporting]\ndue = {due}\n")
    with pytest.raises(ValueError) as raised:
        settings.reporting_calendar()
    for text in named:
        assert text in str(raised.value)


@pytest.mark.parametrize("days", ['{ padmee = 15 }', '{ padme = -1 }', '{ padme = "15" }', "15"])
def test_invalid_days_are_an_error(warroom_toml, days):
    warroom_toml.write_text(f"[reporting]\ndays = {days}\n")
    with pytest.raises(ValueError):
        settings.reporting_calendar()
