"""The demo's reporting calendar (data_access/seed.py, `_Reporting`): most provinces file their quarterly
reports on time, some late, a few leave districts' reports missing for the latest quarter due; the running
quarter is partly filed. Read through data_access.compliance and judged by metrics.compliance, as the war
room does, on a fresh database (SQLite) seeded at the test scale."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from data_access import compliance, db, schema as s
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION
from data_access.seed import seed
from metrics import compliance as m
from metrics.fiscal import FiscalQuarter, fiscal_quarter_of
from tests.conftest import AS_OF

DAYS = {source: 15 for source in m.REPORTED_SOURCES}  # the calendar's default: due 15 days after the quarter
SOURCES = ("padme", "thaiqm", "cebrs")


def due(quarter: FiscalQuarter) -> dt.date:
    return max(m.due_dates(quarter, DAYS).values())


RUNNING = fiscal_quarter_of(AS_OF)
JUDGED = m.reporting_quarter(RUNNING, AS_OF, due)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('compliance') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return db.engine_for(url)


def classified(engine, quarter: FiscalQuarter) -> pd.DataFrame:
    facts = compliance.districts(ScopedReader(engine, EVERYONE), NATION, quarter)
    return m.classify(facts, m.due_dates(quarter, DAYS), AS_OF)


@pytest.fixture(scope="module")
def judged(engine) -> pd.DataFrame:
    return classified(engine, JUDGED)


@pytest.fixture(scope="module")
def running(engine) -> pd.DataFrame:
    return classified(engine, RUNNING)


def test_the_judged_quarter_is_the_last_one_due():
    assert (RUNNING, JUDGED) == (FiscalQuarter(2570, 1), FiscalQuarter(2569, 4))
    assert due(JUDGED) == dt.date(2026, 10, 15) < AS_OF


@pytest.mark.parametrize("sources", [("padme",), ("thaiqm",), ("cebrs",), SOURCES], ids="+".join)
def test_most_provinces_file_on_time_some_late_a_few_leave_reports_missing(judged, sources):
    rows = judged[judged.source.isin(sources)]
    assert set(rows.source) == set(sources)
    provinces = m.summarise(rows, "prov_code").set_index("prov_code")
    status = provinces["status"]
    assert status.eq("on_time").mean() >= 0.7, status.value_counts()
    assert status.eq("late").sum() >= 1 and status.eq("missing").sum() >= 1
    assert not status.eq("open").any()  # the judged quarter is past its due date everywhere
    # An on-time province has nothing else; a late or missing one is not late everywhere, so the map
    # shows shades between them, not two colours.
    assert (provinces.loc[status == "on_time", ["n_late", "n_missing"]] == 0).all().all()
    behind = provinces[status.isin(["late", "missing"])]
    assert behind["n_on_time"].sum() > 0 and behind["n_late"].sum() > 0
    assert behind["on_time_pct"].between(0, 100, inclusive="neither").any()


def test_a_province_keeps_one_discipline_across_the_sources(judged):
    worst = {source: m.summarise(judged[judged.source == source], "prov_code").set_index("prov_code")["status"]
             for source in SOURCES}
    together = pd.concat(worst, axis=1)
    for _, row in together.iterrows():  # on time where none of its late districts owes that source
        assert row.dropna()[row.dropna() != "on_time"].nunique() <= 1, row


def test_missing_districts_are_some_not_all_of_their_province(judged):
    provinces = m.summarise(judged[judged.source == "thaiqm"], "prov_code")
    missing = provinces[provinces.status == "missing"]
    share = missing.n_missing / missing.n_due
    assert (share > 0).all() and (share < 1).any()


def test_on_time_reports_come_days_after_the_quarter_and_late_ones_weeks_after(judged):
    filed = judged[judged.status.isin(["on_time", "late"])]
    after = pd.Series([(d - JUDGED.end).days for d in filed.filed_on], index=filed.index)
    on_time = after[filed.status == "on_time"]
    late = after[filed.status == "late"]
    assert on_time.between(2, 15).all() and late.between(16, 45).all()
    assert (filed.filed_on <= AS_OF).all()


def test_bangkok_has_no_padme_projects(judged):
    assert not judged[(judged.source == "padme") & (judged.prov_code == "10")].shape[0]
    assert judged[(judged.source == "thaiqm") & (judged.prov_code == "10")].shape[0]


def test_the_running_quarter_is_partly_filed_and_mostly_open(running):
    assert set(running.status) <= {"on_time", "open"}  # nothing is due yet
    filed_as_a_whole = running[running.source.isin(["thaiqm", "cebrs"])]
    open_share = filed_as_a_whole.status.eq("open").mean()
    assert filed_as_a_whole.status.eq("on_time").sum() > 0
    assert 0.5 < open_share < 0.85, open_share
    assert (m.summarise(running, "prov_code").status == "open").mean() > 0.5
    # A filing of the running quarter was made in it, before the as-of date's morning.
    filed = filed_as_a_whole.filed_on.dropna()
    assert filed.between(RUNNING.start, AS_OF).all()
    # PADME's mid-quarter reports count as filed: some districts are complete, some not yet.
    padme = running[running.source == "padme"].status
    assert padme.eq("on_time").any() and padme.eq("open").any()


def test_filings_are_the_demos_and_nothing_is_filed_after_the_as_of_date(engine):
    f = s.report_filing
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(select(f)).mappings().all())
    assert len(rows) and set(rows.source) == {"thaiqm", "cebrs"}
    assert (rows.filed_by == "demo").all() and (rows.n_filings == 1).all()
    assert (rows.filed_at == rows.last_filed_at).all()
    latest = pd.to_datetime(rows.filed_at).max()
    assert latest <= pd.Timestamp(dt.datetime.combine(AS_OF, dt.time(2)))  # 09:00 in Bangkok, in UTC
    quarters = {FiscalQuarter(int(y), int(q)) for y, q in zip(rows.fiscal_year, rows.quarter)}
    assert max(quarters) == RUNNING and min(quarters) == FiscalQuarter(2567, 1)


def _rows(url: str) -> tuple[list, list]:
    engine = db.engine_for(url)
    f, r = s.report_filing, s.padme_report
    with engine.connect() as conn:
        filings = conn.execute(select(f).order_by(f.c.source, f.c.dist_code, f.c.fiscal_year, f.c.quarter)).all()
        reports = conn.execute(select(r).order_by(r.c.project_id, r.c.quarter)).all()
    return [tuple(x) for x in filings], [tuple(x) for x in reports]


def test_seeding_twice_gives_the_same_filings_and_reports(tmp_path, engine):
    again = f"sqlite:///{tmp_path / 'again.db'}"
    seed(db.engine_for(again), "test", AS_OF)
    first, second = _rows(engine.url.render_as_string(hide_password=False)), _rows(again)
    assert first[0] and first[1]
    assert first == second
