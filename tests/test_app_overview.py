"""The app as a user gets it (AppTest): figures equal the data layer's, language, period, failures."""
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, queries, settings
from data_access.scope import EVERYONE, NATION
from metrics import kpis
from metrics.fiscal import FiscalQuarter
from ui import fmt, geo
from ui.i18n import t
from data_access.seed import seed
from tests.conftest import AS_OF, map_specs

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_headline(url: str, period: FiscalQuarter, lang: str) -> dict[str, str]:
    engine = db.engine_for(url)
    padme = kpis.padme(queries.rollup(ScopedReader(engine, EVERYONE), "padme", NATION, period), None).iloc[0]
    cebrs = kpis.cebrs(queries.rollup(ScopedReader(engine, EVERYONE), "cebrs", NATION, period)).iloc[0]
    thaiqm = kpis.thaiqm(queries.rollup(ScopedReader(engine, EVERYONE), "thaiqm", NATION, period)).iloc[0]
    return {
        t("padme_budget", lang): fmt.mb(padme.budget_mb, lang, unit=False),
        t("padme_disbursed_pct", lang): fmt.pct(padme.disbursed_pct),
        t("cebrs_approved", lang): fmt.mb(cebrs.approved_mb, lang, unit=False),
        t("cebrs_disbursed_pct", lang): fmt.pct(cebrs.disbursed_pct),
        t("thaiqm_target", lang): fmt.count(thaiqm.n_target),
        t("thaiqm_helped_pct", lang): fmt.pct(thaiqm.helped_pct),
        t("cebrs_beneficiaries", lang): fmt.count(cebrs.beneficiary_households),
    }


def test_overview_shows_the_data_layers_figures_for_the_latest_quarter(app_db):
    at = run_app()
    assert not at.exception
    shown = metric_values(at)
    for label, value in expected_headline(app_db, FiscalQuarter(2570, 1), "th").items():
        assert shown[label] == value, label
    assert any(t("demo_banner", "th") in info.value for info in at.info)
    thaiqm = queries.rollup(ScopedReader(db.engine_for(app_db), EVERYONE), "thaiqm", NATION, FiscalQuarter(2570, 1)).iloc[0]
    dimensions = next(m.value for m in at.markdown if t("dim_health", "th") in m.value)
    for d in kpis.DIMENSIONS:
        assert f"{t(f'dim_{d}', 'th')} **{fmt.count(thaiqm[f'n_{d}'])}**" in dimensions


def test_period_comes_from_the_url(app_db):
    at = run_app({"fy": "2569", "q": "3"})
    assert not at.exception
    shown = metric_values(at)
    expected = expected_headline(app_db, FiscalQuarter(2569, 3), "th")
    assert shown[t("padme_budget", "th")] == expected[t("padme_budget", "th")]
    assert shown[t("thaiqm_helped_pct", "th")] == expected[t("thaiqm_helped_pct", "th")]
    assert shown != metric_values(run_app({"fy": "2570", "q": "1"}))


def test_english_flips_every_label(app_db):
    th, en = run_app(), run_app({"lang": "en"})
    assert not en.exception
    assert set(expected_headline(app_db, FiscalQuarter(2570, 1), "en")) <= set(metric_values(en))
    assert not set(metric_values(th)) & set(metric_values(en))
    assert en.title[0].value == t("app_title", "en")
    assert any(t("demo_banner", "en") in info.value for info in en.info)


def test_bogus_values_in_the_url_fall_back_with_a_notice(app_db):
    at = run_app({"fy": "9999", "q": "7", "kpi": "nonsense", "lang": "xx"})
    assert not at.exception
    assert len(at.metric) == 14  # the four headline figures beside the map, the ten of the source panels
    notices = " ".join(w.value for w in at.warning)
    assert t("url_invalid", "th") in notices
    assert "fy='9999'" in notices and "kpi='nonsense'" in notices and "lang='xx'" in notices
    assert at.query_params["fy"] == "2570" and at.query_params["kpi"] == "padme_disbursed_pct"


def test_disbursement_gap_is_judged_against_the_target_due_mid_quarter(app_db):
    """On 20 Nov (51 of 92 days into Q1) the overall target due is 26% x 51/92, not the full 26%."""
    at = run_app()
    disbursed = next(m for m in at.metric if m.label == t("padme_disbursed_pct", "th"))
    gap = next(m for m in at.metric if m.label == t("padme_gap_pp", "th"))
    due = 26.0 * 51 / 92
    assert float(gap.value.removesuffix(" pp")) == pytest.approx(float(disbursed.value.rstrip("%")) - due, abs=0.11)
    # Its change is like for like: against Q1 2569 to the same day, 20 Nov 2025 (20 พ.ย. 2568).
    assert str(disbursed.proto.delta_description) == "เทียบ ไตรมาส 1/2569 ถึง 20 พ.ย. 2568"


def test_the_map_carries_values_not_geometry(app_db):
    at = run_app()
    [spec] = map_specs(at)
    assert spec["url"] == geo.geometry_url("province") and "values" not in spec["data"]  # read by URL
    assert len(spec["values"]) == 77  # every province has its value row, so every one is drawn
    bangkok = spec["values"]["10"]  # Bangkok has no PADME: drawn as "no data"
    assert bangkok["value"] is None and bangkok["label"] == t("no_data", "th")
    chart = next(c for c in at.get("vega_lite_chart") if '"geoshape"' in c.proto.spec)
    assert len(chart.proto.spec.encode()) + len(chart.proto.data.data) < 300_000
    assert "coordinates" not in chart.proto.spec


def test_a_source_without_data_yet_shows_no_data_not_a_crash(monkeypatch, tmp_path):
    """Only PADME has data (e.g. the first import into a new store): the rest read "no data"."""
    url = f"sqlite:///{tmp_path / 'partial.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    from sqlalchemy import delete, update
    from data_access import schema as s
    with engine.begin() as conn:
        for table in (s.rollup_cebrs, s.cebrs_project, s.rollup_thaiqm, s.thaiqm_household, s.sdg_value):
            conn.execute(delete(table))
        conn.execute(update(s.data_version).where(s.data_version.c.source != "padme")
                     .values(version=0, data_through=None))
    monkeypatch.setenv("WARROOM_DB_URL", url)
    at = run_app()
    assert not at.exception
    shown = metric_values(at)
    missing = t("no_data", "th")  # said in words, not a dash
    assert shown[t("thaiqm_target", "th")] == missing and shown[t("cebrs_approved", "th")] == missing
    assert shown[t("padme_budget", "th")] != missing


def test_embedded_demo_from_an_older_build_is_rebuilt(monkeypatch, tmp_path):
    path = tmp_path / "var" / "warroom.db"
    path.parent.mkdir()
    sqlite3.connect(path).executescript(
        "CREATE TABLE data_version (source TEXT, version INT, updated_at TEXT);"
        "INSERT INTO data_version VALUES ('padme', 3, '2026-01-01');")  # an old build's layout
    monkeypatch.delenv("WARROOM_DB_URL", raising=False)
    monkeypatch.setattr(settings, "_secrets_files", lambda: [])
    monkeypatch.setattr(settings, "EMBEDDED_PATH", path)
    monkeypatch.setenv("WARROOM_DEMO_SCALE", "test")
    at = run_app()
    assert not at.exception and len(at.metric) == 14
    assert db.schema_is_current(db.engine_for(f"sqlite:///{path}"))


def test_configured_database_from_an_older_build_gets_a_banner(monkeypatch, tmp_path, sqlite_url):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    with db.engine_for(url).begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")  # an older build's revision
    monkeypatch.setenv("WARROOM_DB_URL", url)
    at = run_app()
    assert not at.exception and not at.metric
    assert at.warning and t("db_outdated", "th") in at.warning[0].value


def test_a_database_that_lacks_this_builds_tables_is_told_to_upgrade_not_to_init(monkeypatch, tmp_path,
                                                                                   sqlite_url):
    """A database from the build before the weekly review has no snapshot tables: that is an upgrade."""
    from tests import legacy_schemas
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    legacy_schemas.build(db.engine_for(url), "2", db.engine_for(sqlite_url))  # as version 2 left it
    monkeypatch.setenv("WARROOM_DB_URL", url)
    at = run_app()
    assert not at.metric and t("db_outdated", "th") in at.warning[0].value
    assert "python -m data_access upgrade" in at.warning[0].value


def test_a_failure_inside_the_page_is_a_banner(monkeypatch, app_db):
    from ui.loaders import core
    def broken(*args, **kwargs):
        from sqlalchemy.exc import OperationalError
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    monkeypatch.setattr(core, "kpi_frame", broken)
    at = run_app()
    assert not at.exception
    assert at.error and t("db_down", "th") in at.error[0].value


def test_database_down_shows_a_banner_not_a_trace(monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = run_app()
    assert not at.exception
    assert at.error and t("db_down", "th") in at.error[0].value
    assert "OperationalError" in at.error[0].value and "nobody" not in at.error[0].value
    assert not at.metric


def test_configured_empty_database_is_never_seeded(monkeypatch, tmp_path):
    path = tmp_path / "production.db"
    monkeypatch.setenv("WARROOM_DB_URL", f"sqlite:///{path}")
    at = run_app()
    assert not at.exception
    assert at.warning and t("db_empty", "th") in at.warning[0].value
    tables = sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    assert tables == 0


def test_embedded_database_is_created_and_seeded_on_first_run(monkeypatch, tmp_path):
    monkeypatch.delenv("WARROOM_DB_URL", raising=False)
    monkeypatch.setattr(settings, "_secrets_files", lambda: [])
    monkeypatch.setattr(settings, "EMBEDDED_PATH", tmp_path / "var" / "warroom.db")
    monkeypatch.setenv("WARROOM_DEMO_SCALE", "test")
    monkeypatch.delenv("WARROOM_AUTH", raising=False)  # "auto": the embedded demo opens without sign-in
    at = run_app()
    assert not at.exception
    assert (tmp_path / "var" / "warroom.db").exists()
    assert metric_values(at)[t("thaiqm_target", "th")] != fmt.DASH
