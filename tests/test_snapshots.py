"""Weekly snapshots (SQLite and PostgreSQL, each on its own database): two snapshots a week apart give
the movers, red turns and new late projects that the data changes between them make."""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from data_access.reader import ScopedReader
from data_access import db, imports, queries, schema as s, snapshots
from data_access.scope import EVERYONE, NATION, Area, NotPermitted, Viewer
from data_access.seed import seed
from metrics import weekly
from metrics.fiscal import FiscalQuarter
from metrics.kpis import KPIS
from tests import legacy_schemas
from tests.conftest import AS_OF, seeded_pg_schema

ROOT = Path(__file__).resolve().parent.parent
WEEK1, WEEK2 = dt.date(2026, 11, 16), dt.date(2026, 11, 23)  # Mondays; AS_OF is Friday 20 Nov
PERIOD = FiscalQuarter(2570, 1)
CEBRS_HEADER = ("project_id,fiscal_year,subdist_code,category,title,approved_baht,disbursed_baht,"
                "beneficiary_households,beneficiary_people,status,approved_on,disbursed_on,completed_on\n")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path_factory):
    if request.param == "sqlite":
        path = f"sqlite:///{tmp_path_factory.mktemp('snapshots') / 'warroom.db'}"
        seed(db.engine_for(path), "test", AS_OF)
        yield path
        return
    with seeded_pg_schema("warroom_snapshots") as pg:
        yield pg


@pytest.fixture(scope="module")
def two_weeks(url, tmp_path_factory):
    """Week 1 as seeded; then Nakhon Ratchasima pays out a large relief project and one of its PADME
    projects reports late; week 2."""
    engine = db.engine_for(url)
    first = snapshots.take(engine, AS_OF)
    folder = tmp_path_factory.mktemp("files")
    relief = folder / "relief.csv"
    sub = relief_subdistrict(engine)  # a province that already had relief: its rate can move
    relief.write_text(CEBRS_HEADER + f"C2570-{sub[:4]}-WEEK,2570,{sub},flood,Flood relief,90000000,90000000,900,2700,"
                      "done,2026-10-02,2026-10-09,2026-10-30\n", encoding="utf-8")
    imports.import_file(engine, "cebrs", relief)
    on_time = queries.kpi_frame(ScopedReader(engine, EVERYONE), "padme", Area("province", "30"), PERIOD, "district")
    project = padme_project_in(engine, "30", exclude=snapshots.late(ScopedReader(engine, EVERYONE), NATION, WEEK1)["project_id"])
    report = folder / "late.csv"
    report.write_text("project_id,quarter,result_text,indicator_result,disb_target_baht,disb_actual_baht,"
                      f"committed_baht,status,problems,reported_at\n{project},1,ล่าช้า,,0,0,0,late,ผู้รับจ้างทิ้งงาน,"
                      "2026-11-24 09:00\n", encoding="utf-8")
    imports.import_file(engine, "padme_reports", report)
    second = snapshots.take(engine, WEEK2 + dt.timedelta(days=3))
    return engine, first, second, project, on_time


def relief_subdistrict(engine) -> str:
    """A subdistrict of the first province (by code) with Q1 2570 relief approved by the seed's day."""
    c = s.cebrs_project
    with engine.connect() as conn:
        return conn.execute(select(func.min(c.c.subdist_code)).where(
            c.c.fiscal_year == 2570, c.c.approved_on <= AS_OF,
            func.substr(c.c.dist_code, 1, 2) == select(func.min(func.substr(c.c.dist_code, 1, 2))).where(
                c.c.fiscal_year == 2570, c.c.approved_on <= AS_OF).scalar_subquery())).scalar_one()


def padme_project_in(engine, prov: str, exclude) -> str:
    with engine.connect() as conn:
        ids = conn.execute(select(s.padme_project.c.project_id).where(
            s.padme_project.c.fiscal_year == 2570, s.padme_project.c.dist_code.like(f"{prov}%"))
            .order_by(s.padme_project.c.project_id)).scalars().all()
    return next(i for i in ids if i not in set(exclude))


def test_a_snapshot_holds_every_kpi_of_every_area_with_data(url, two_weeks):
    engine, first, *_ = two_weeks
    assert first["week"] == WEEK1 and first["period"] == PERIOD
    nation = snapshots.values(ScopedReader(engine, EVERYONE), NATION, WEEK1, "thaiqm_helped_pct")
    assert set(nation.level) == {"nation", "province"} and len(nation[nation.level == "province"]) == 77
    with engine.connect() as conn:
        per_kpi = dict(conn.execute(select(s.kpi_snapshot.c.kpi, func.count()).where(
            s.kpi_snapshot.c.week_start == WEEK1).group_by(s.kpi_snapshot.c.kpi)).all())
    areas_with_data = sum(len(queries.kpi_frame(ScopedReader(engine, EVERYONE), "thaiqm", NATION, PERIOD, by))
                          for by in ("total", "region", "province", "district"))
    assert set(per_kpi) == set(KPIS) and per_kpi["thaiqm_helped_pct"] == areas_with_data > 1 + 4 + 77


def test_the_week_after_shows_the_province_that_moved(two_weeks):
    engine, first, second, *_ = two_weeks
    assert second["week"] == WEEK2 and snapshots.weeks(engine)[:2] == [WEEK2, WEEK1]
    kpi = KPIS["cebrs_disbursed_pct"]
    now = snapshots.values(ScopedReader(engine, EVERYONE), NATION, WEEK2, kpi.key)
    before = snapshots.values(ScopedReader(engine, EVERYONE), NATION, WEEK1, kpi.key)
    best, worst = weekly.movers(now[now.level == "province"], before[before.level == "province"], kpi)
    moved = relief_subdistrict(engine)[:2]
    assert best.iloc[0].area_code == moved and worst.empty  # only that province's relief changed
    today = queries.kpi_frame(ScopedReader(engine, EVERYONE), "cebrs", NATION, PERIOD, "province").set_index("area_code")
    assert best.iloc[0].value == pytest.approx(today.at[moved, "disbursed_pct"])
    assert best.iloc[0].change == pytest.approx(best.iloc[0].value - best.iloc[0].previous)


def test_a_project_reported_late_this_week_is_new_on_the_late_list(two_weeks):
    engine, _, _, project, _ = two_weeks
    fresh = weekly.new_late(snapshots.late(ScopedReader(engine, EVERYONE), NATION, WEEK2), snapshots.late(ScopedReader(engine, EVERYONE), NATION, WEEK1))
    assert list(fresh.project_id) == [project]
    province = snapshots.late(ScopedReader(engine, EVERYONE), Area("province", "30"), WEEK2)
    assert project in set(province.project_id) and all(province.dist_code.str.startswith("30"))


def test_taking_a_week_again_replaces_it(two_weeks):
    engine, *_ = two_weeks
    def count():
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(s.kpi_snapshot)
                                .where(s.kpi_snapshot.c.week_start == WEEK2)).scalar_one()
    before = count()
    again = snapshots.take(engine, WEEK2)
    assert again["values"] == before == count()


def test_notes_are_kept_per_week_and_kpi_and_scoped(two_weeks):
    engine, *_ = two_weeks
    gov = Viewer("gov30", "governor", prov_code="30")
    snapshots.write_note(engine, gov, Area("province", "30"), WEEK1, "cebrs_disbursed_pct", "เร่งเบิกจ่ายภายในสัปดาห์หน้า")
    shown = snapshots.notes(ScopedReader(engine, EVERYONE), Area("province", "30"), [WEEK1, WEEK2])
    assert shown.iloc[0].note == "เร่งเบิกจ่ายภายในสัปดาห์หน้า" and shown.iloc[0].author == "gov30"
    snapshots.write_note(engine, gov, Area("province", "30"), WEEK1, "cebrs_disbursed_pct", "แก้ไขแล้ว")
    assert list(snapshots.notes(ScopedReader(engine, gov), Area("province", "30"), [WEEK1]).note) == ["แก้ไขแล้ว"]
    with pytest.raises(NotPermitted):
        snapshots.write_note(engine, gov, Area("province", "50"), WEEK1, "cebrs_disbursed_pct", "x")


def test_reads_are_scoped_to_the_viewer(two_weeks):
    engine, *_ = two_weeks
    gov = Viewer("gov30", "governor", prov_code="30")
    with pytest.raises(NotPermitted):
        snapshots.values(ScopedReader(engine, gov), NATION, WEEK2, "cebrs_disbursed_pct")
    mine = snapshots.values(ScopedReader(engine, gov), Area("province", "30"), WEEK2, "padme_disbursed_pct")
    assert set(mine.level) == {"province", "district"} and all(mine.area_code.str.startswith("30"))
    officer = Viewer("do3001", "district_officer", prov_code="30", dist_code="3001")
    assert set(snapshots.values(ScopedReader(engine, officer), Area("district", "3001"), WEEK2, "thaiqm_helped_pct").area_code) == {"3001"}


def test_the_cli_takes_a_snapshot_and_upgrade_adds_missing_tables(url, two_weeks, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "WARROOM_DB_URL": url}
    done = subprocess.run([sys.executable, "-m", "data_access", "snapshot", "--date", "2026-12-01"], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "week of 2026-11-30" in done.stdout, done.stderr
    old = f"sqlite:///{tmp_path / 'old.db'}"  # a database from the build before the weekly review
    engine = db.engine_for(old)
    legacy_schemas.metadata("2").create_all(engine)  # version 2's tables (tests/legacy_schemas)
    with engine.begin() as conn:
        conn.execute(s.dataset_meta.insert().values(key="schema_version", value="2"))
    assert not db.schema_is_current(engine)
    up = subprocess.run([sys.executable, "-m", "data_access", "upgrade"], cwd=ROOT, capture_output=True, text=True,
                        env={**env, "WARROOM_DB_URL": old})
    assert up.returncode == 0 and "schema 2 → 7: applied 0003, 0004" in up.stdout, up.stderr
    assert {"kpi_note", "kpi_snapshot", "late_project_snapshot"} <= set(inspect(engine).get_table_names())
    assert db.schema_is_current(engine)
