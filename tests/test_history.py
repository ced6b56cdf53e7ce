"""The demo's weekly history (SQLite and PostgreSQL, each seeded on its own): a fresh seed carries the
eight weeks before its as-of week, each the data as it stood when that week began, so the weekly
review's first meeting already has movers, red turns, newly late projects, notes and its briefs."""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, update
from streamlit.testing.v1 import AppTest

from data_access import db, history, padme, schema as s, snapshots, versions
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION, Area
from data_access.seed import seed
from metrics import kpis, weekly
from metrics.fiscal import FiscalQuarter, week_start
from tests.conftest import AS_OF, seeded_pg_schema
from ui import fmt
from ui.i18n import t

pytestmark = pytest.mark.dates  # "this week" is the clock's: run again under faketime (make test-dates)

APP = str(Path(__file__).resolve().parent.parent / "app.py")
THIS_WEEK = week_start(AS_OF)                      # Monday 16 Nov 2026: the app takes it on its first view
LAST_WEEK = THIS_WEEK - dt.timedelta(weeks=1)      # the newest week the seed stores
PERIOD = FiscalQuarter(2570, 1)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path_factory):
    if request.param == "sqlite":
        path = f"sqlite:///{tmp_path_factory.mktemp('history') / 'warroom.db'}"
        seed(db.engine_for(path), "test", AS_OF)
        yield path
        return
    with seeded_pg_schema("warroom_history") as pg:
        yield pg


@pytest.fixture
def engine(url):
    return db.engine_for(url)


def reader(engine) -> ScopedReader:
    return ScopedReader(engine, EVERYONE)


def noted_provinces(engine, week: dt.date) -> list[str]:
    n = s.kpi_note
    with engine.connect() as conn:
        return sorted(conn.execute(select(n.c.area_code).distinct().where(
            n.c.week_start == week, func.length(n.c.area_code) == 2, n.c.area_code != "TH")).scalars())


def test_a_fresh_demo_has_eight_weeks_before_its_own(engine):
    seeded = [w for w in snapshots.weeks(engine) if w < THIS_WEEK]  # (a later test takes this week)
    assert seeded == sorted(history.past_weeks(AS_OF), reverse=True)
    assert len(seeded) == history.WEEKS == 8 and seeded[0] == LAST_WEEK
    k = s.kpi_snapshot
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(select(k).where(k.c.week_start < THIS_WEEK)).mappings().all())
    for week, taken in rows.groupby("week_start"):
        assert set(taken.kpi) == set(kpis.KPIS), week
        assert (taken.level == "nation").sum() == len(kpis.KPIS) and taken.area_code.isin(["TH"]).any()
        assert set(taken[taken.level == "province"].area_code.str.len()) == {2}
        assert len(set(taken[taken.level == "province"].area_code)) == 77
        # Taken when the week began (Monday 00:00 in Bangkok), for the quarter the day before falls in.
        assert set(pd.to_datetime(taken.taken_at)) == {pd.Timestamp(week) - pd.Timedelta(hours=7)}
    # Q4 2569 for the two weeks that began in September, Q1 2570 after.
    assert set(zip(rows.fiscal_year, rows.quarter)) == {(2569, 4), (2570, 1)}


def test_every_stored_figure_is_in_its_range(engine):
    k = s.kpi_snapshot
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(select(k.c.kpi, k.c.value)).mappings().all()).dropna()
    for key, values in rows.groupby("kpi")["value"]:
        kpi = kpis.KPIS[key]
        if kpi.unit == "pct":
            assert values.between(0, 100).all(), key
        elif kpi.unit == "count":
            assert (values >= 0).all() and (values == values.round()).all(), key
        elif kpi.unit == "mb":
            assert (values >= 0).all(), key
        else:  # pp: a rate minus a target, both 0–100
            assert values.between(-100, 100).all(), key


def test_a_week_is_the_data_as_it_stood_the_same_as_a_snapshot_taken_then(engine):
    """History computed for the as-of day equals what `snapshots.take` stores from the rollups that day."""
    with engine.connect() as conn:
        period, values, late = history.figures_on(conn, AS_OF)
    taken = snapshots.take(engine, AS_OF)
    k = s.kpi_snapshot
    with engine.connect() as conn:
        stored = pd.DataFrame(conn.execute(select(k.c.area_code, k.c.level, k.c.kpi, k.c.value)
                                           .where(k.c.week_start == THIS_WEEK)).mappings().all())
    both = stored.merge(values, on=["area_code", "level", "kpi"], how="outer", indicator=True)
    assert period == taken["period"] == PERIOD and set(both["_merge"]) == {"both"} and len(both) == taken["values"]
    same = [(a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b, abs=1e-9))
            for a, b in zip(both.value_x.astype(object).where(both.value_x.notna(), None),
                            both.value_y.astype(object).where(both.value_y.notna(), None))]
    assert all(same)
    assert set(late.project_id) == set(snapshots.late(reader(engine), NATION, THIS_WEEK).project_id)
    assert len(late) == taken["late"] > 0


def test_the_weeks_move_as_the_quarter_fills(engine):
    """Within Q1 2570 money approved and paid only grows week on week, and projects turned late."""
    weeks_q1 = [w for w in sorted(snapshots.weeks(engine)) if w - dt.timedelta(days=1) >= PERIOD.start]
    national = [snapshots.values(reader(engine), NATION, w, "cebrs_approved_mb").set_index("area_code")
                .at["TH", "value"] for w in weeks_q1]
    assert national == sorted(national) and national[0] < national[-1]
    late_then = set(snapshots.late(reader(engine), NATION, weeks_q1[0]).project_id)
    late_last = set(snapshots.late(reader(engine), NATION, LAST_WEEK).project_id)
    assert late_last - late_then  # projects that became late since
    now = padme.projects(reader(engine), NATION, PERIOD, statuses=history.LATE)
    assert len(weekly.new_late(now, snapshots.late(reader(engine), NATION, LAST_WEEK))) > 0


def test_notes_are_marked_demo_minutes_of_the_latest_weeks(engine):
    n = s.kpi_note
    with engine.connect() as conn:
        notes = pd.DataFrame(conn.execute(select(n)).mappings().all())
    noted_weeks = sorted(history.past_weeks(AS_OF))[-history.NOTED_WEEKS:]
    assert set(pd.to_datetime(notes.week_start).dt.date) == set(noted_weeks)
    assert notes.note.str.startswith(history.DEMO).all() and set(notes.author) == {history.AUTHOR}
    assert set(notes.kpi) <= set(kpis.HEADLINES) and "TH" in set(notes.area_code)
    assert 0 < len(noted_provinces(engine, LAST_WEEK)) <= history.NOTED_PROVINCES


def test_only_demo_data_gets_history(engine):
    meta = s.dataset_meta
    with engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "origin").values(value="import"))
    try:
        before = snapshots.weeks(engine)
        with pytest.raises(ValueError, match="not 'demo'"):
            history.fill(engine, AS_OF)
        assert snapshots.weeks(engine) == before
    finally:
        with engine.begin() as conn:
            conn.execute(update(meta).where(meta.c.key == "origin").values(value="demo"))


# --- what the weekly review shows on its first visit -----------------------------------------------
def context(url: str, lang: str = "th"):
    from ui.shell import Context
    return Context(lang=lang, period=PERIOD, viewer=EVERYONE, url=url,
                   versions=tuple(sorted(versions.current(db.engine_for(url)).items())), demo=True)


def review(url: str, area: Area) -> dict:
    """The weekly view's own data functions against last week: movers, red turns and notes per KPI."""
    from ui import weekly_view
    ctx = context(url)
    found = {key: weekly_view.kpi_changes(ctx, area, LAST_WEEK, key) for key in weekly_view.REVIEWED}
    notes = weekly_view.notes_for(ctx, area, LAST_WEEK)
    return {"movers": sum(len(f["best"]) + len(f["worst"]) for f in found.values()),
            "red turns": sum(len(f["became_red"]) + len(f["left_red"]) for f in found.values()),
            "notes": [weekly_view.note_of(notes, key, LAST_WEEK) for key in weekly_view.REVIEWED]}


def test_the_nation_s_review_has_movers_red_turns_and_notes(url):
    shown = review(url, NATION)
    assert shown["movers"] > 0 and shown["red turns"] > 0
    assert any(note.startswith(history.DEMO) for note in shown["notes"])


def test_a_noted_province_s_review_has_movers_red_turns_and_its_note(url, engine):
    reviews = {p: review(url, Area("province", p)) for p in noted_provinces(engine, LAST_WEEK)}
    turned = [p for p, shown in reviews.items() if shown["red turns"]]
    assert turned, reviews  # the minutes named lagging districts; some of them caught up since
    for prov in turned:
        assert reviews[prov]["movers"] > 0 and any(reviews[prov]["notes"])


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory):
    """A fresh demo database of the page's own (the shell takes this week's snapshot on the first view)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('history-app') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return url


@pytest.mark.parametrize("where", ["nation", "province"])
def test_the_first_visit_shows_movers_notes_and_the_three_briefs(fresh_app, monkeypatch, press_downloads, where):
    """A fresh seed, the page's first visit: last week to compare with, its movers, red turns and demo
    notes, and the Excel, PowerPoint and PDF briefs (made while the page renders: press_downloads)."""
    monkeypatch.setenv("WARROOM_DB_URL", fresh_app)
    engine = db.engine_for(fresh_app)
    query = {"lang": "en"}
    if where == "province":
        turned = [p for p in noted_provinces(engine, LAST_WEEK)
                  if review(fresh_app, Area("province", p))["red turns"]]
        query |= {"level": "province", "area": turned[0]}
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert THIS_WEEK in snapshots.weeks(engine)  # taken by the shell on this first view
    assert at.selectbox(key="weekly_week").value == LAST_WEEK
    moved = [df.value for df in at.dataframe if t("weekly_col_change", "en") in df.value.columns]
    assert any(len(df) for df in moved)
    turns = [m.value for m in at.markdown if t("weekly_became_red", "en") in m.value]
    from ui import weekly_view
    assert len(turns) == len(weekly_view.REVIEWED) and any(
        line.split(":**", 1)[1].strip() != "—" for m in turns for line in m.split("  \n"))
    captions = [c.value for c in at.caption]
    assert any(t("weekly_note_before", "en") in c and fmt.literal(history.DEMO) in c for c in captions)
    labels = {b.label for b in at.download_button}
    assert {t("weekly_export", "en"), t("weekly_export_pptx", "en"), t("weekly_export_pdf", "en")} <= labels
    if where == "nation":  # projects late since last week's snapshot, listed
        late = next(df.value for df in at.dataframe if t("col_project", "en") in df.value.columns)
        assert len(late) > 0
