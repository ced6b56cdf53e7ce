"""The data health page (AppTest): figures equal data_access.health, stale sources are warned about,
imports and their reports are listed, and only country-level roles get in."""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access.reader import ScopedReader
from data_access import db, health, imports
from data_access.scope import Viewer
from data_access.seed import seed
from metrics.fiscal import thai_date, thai_time
from tests.conftest import AS_OF
from tests.test_health import ADMIN, cebrs_csv
from ui import config, fmt
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/health.py"
EXECUTIVE = Viewer("demo-executive", "executive")
THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def thresholds(tmp_path, monkeypatch):
    """Point ui.config at a warroom.toml of the test's own (the app runs in this process)."""
    def use(text: str) -> None:
        path = tmp_path / "warroom.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(config, "PATH", path)
        config.load.cache_clear()
    yield use
    monkeypatch.undo()
    config.load.cache_clear()


def open_page(query: dict | None = None, role: str | None = None, prov: str | None = None,
              dist: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    if role:
        at.selectbox(key="demo_role").set_value(role).run()
    if prov:
        at.selectbox(key="demo_prov").set_value(prov).run()
    if dist:
        at.selectbox(key="demo_dist").set_value(dist).run()
    assert not at.exception, [x.message for x in at.exception]
    return at


def table_with(at, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def refused(at) -> bool:
    return any(t("not_permitted_page", "th") in e.value for e in at.error)


def test_the_figures_are_data_access_figures(sqlite_url):
    at = open_page()
    engine = db.engine_for(sqlite_url)
    shown = {m.label: m.value for m in at.metric}
    for source in health.HELD:
        for what, n in health.rows_held(ScopedReader(engine, EXECUTIVE), source).items():
            assert shown[t(f"health_rows_{what}", "th")] == fmt.count(n)
    status = health.status(ScopedReader(engine, EXECUTIVE)).set_index("source")
    table = table_with(at, t("health_col_version", "th")).set_index(t("health_col_source", "th"))
    assert table.loc["CEBRS", t("health_col_version", "th")] == status.at["cebrs", "version"]
    assert table.loc["PADME", t("health_col_updated", "th")] == thai_time(
        pd.Timestamp(status.at["padme", "updated_at"]).to_pydatetime(), "th")
    assert table.loc["SDG", t("health_col_through", "th")] == thai_date(AS_OF, "th") == "20 พ.ย. 2569"
    assert set(table[t("health_col_state", "th")]) == {t("health_state_fresh", "th")}  # seeded minutes ago
    assert not at.warning and [s.value for s in at.success] == [t("health_all_fresh", "th")]


def test_a_stale_source_is_warned_about(thresholds, clock):
    thresholds("[health]\nstale_after_hours = { cebrs = 2 }\n")  # the others keep their defaults
    clock.advance(hours=3)  # three hours after the seed: CEBRS is past its two, the others are not
    at = open_page({"lang": "en"})
    assert len(at.warning) == 1 and at.warning[0].value.startswith("CEBRS: no new data for")
    assert "(threshold 2 hours)" in at.warning[0].value
    table = table_with(at, t("health_col_state", "en")).set_index(t("health_col_source", "en"))
    assert table.loc["CEBRS", t("health_col_state", "en")] == t("health_state_stale", "en")
    assert table.loc["PADME", t("health_col_state", "en")] == t("health_state_fresh", "en")
    assert table.loc["SDG", t("health_col_threshold", "en")] == "365 days"


def test_english_labels_carry_no_thai():
    at = open_page({"lang": "en"})
    labels = [m.label for m in at.metric] + [s.value for s in at.subheader] + [at.title[0].value] + [
        c for df in at.dataframe for c in df.value.columns]
    assert labels and not [x for x in labels if THAI.search(x)]


@pytest.mark.parametrize("role, prov, dist", [("governor", "30", None), ("district_officer", "30", "3001")])
def test_roles_with_an_area_are_refused(role, prov, dist):
    at = open_page(role=role, prov=prov, dist=dist)
    assert refused(at) and not at.metric and not at.dataframe and not at.code


@pytest.fixture(scope="module")
def imported_url(tmp_path_factory):
    """A database of its own with one accepted and one rejected upload."""
    folder = tmp_path_factory.mktemp("health_page")
    url = f"sqlite:///{folder / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    health.upload(engine, ADMIN, "cebrs", cebrs_csv(folder / "relief-nov.csv", {"project_id": "C2570-3001-PAGE1"}))
    with pytest.raises(imports.ImportRejected):
        health.upload(engine, ADMIN, "cebrs", cebrs_csv(folder / "relief-bad.csv", {"project_id": "C2570-3001-PAGE2"},
                                                         {"project_id": "C2570-3001-PAGE3", "approved_baht": "-5"}))
    return url


def test_imports_and_reports_are_listed(imported_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", imported_url)
    at = open_page()
    engine = db.engine_for(imported_url)
    rejected = health.import_log(ScopedReader(engine, EXECUTIVE), accepted=False).iloc[0]
    accepted = health.import_log(ScopedReader(engine, EXECUTIVE), accepted=True).iloc[0]
    assert [c.value for c in at.code] == [rejected.report]  # the report as plain text, not markdown
    assert "row 3, column 'approved_baht', value '-5': must not be negative" in at.code[0].value
    logs = [df.value for df in at.dataframe if t("health_col_when", "th") in df.value.columns]
    assert list(logs[0][t("health_col_file", "th")]) == ["relief-bad.csv"]
    assert list(logs[1][t("health_col_file", "th")]) == ["relief-nov.csv"]
    assert logs[1][t("health_col_when", "th")].iloc[0] == thai_time(pd.Timestamp(accepted.finished_at), "th")
    sources = table_with(at, t("health_col_last_import", "th")).set_index(t("health_col_source", "th"))
    cebrs = sources.loc["CEBRS"]
    assert (cebrs[t("health_col_by", "th")], cebrs[t("health_col_file", "th")], cebrs[t("health_col_rows", "th")]) == (
        "admin1", "relief-nov.csv", "1")
    assert sources.loc["PADME", t("health_col_rows", "th")] == t("no_data", "th")  # never imported (only seeded)


# --------------------------------------------------------------------------- deliveries (issue 19)
@pytest.fixture(scope="module")
def outbox_url(tmp_path_factory):
    """A database of its own whose outbox holds messages in every status: 2 sent and 1 kept here this
    week (and 1 sent long ago), 2 waiting (the oldest 45 minutes), 1 failed with its reason."""
    import datetime as dt

    from data_access import clock, notify
    url = f"sqlite:///{tmp_path_factory.mktemp('health_outbox') / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    now = clock.utcnow()

    def queue(key, status="pending", ago=0):
        return notify.enqueue(engine, dedupe_key=key, sub_id=None, owner="gov30", channel="email",
                              address="gov30@moi.go.th", kind="alert", subject=f"subject {key}", body="body",
                              status=status, now=now - dt.timedelta(minutes=ago))
    for key, ago in (("sent-1", 60), ("sent-2", 5), ("sent-old", 60 * 24 * 10)):
        mid = queue(key, ago=ago)
        notify.claim(engine, mid, "test-runner", now - dt.timedelta(minutes=ago))
        notify.mark_sent(engine, mid, "test-runner", now - dt.timedelta(minutes=ago))
    queue("held-1", status="held", ago=10)
    queue("waiting-old", ago=45)
    queue("waiting-new", ago=1)
    failed = queue("failed-1", ago=90)
    notify.claim(engine, failed, "test-runner", now - dt.timedelta(minutes=90))
    notify.mark_failed(engine, failed, "test-runner", 1, "550 5.1.1 <gov30@moi.go.th>: mailbox unavailable",
                       now - dt.timedelta(minutes=90), permanent=True)
    return url


def test_deliveries_are_counted_by_status(outbox_url, monkeypatch):
    from data_access import clock, notify
    import datetime as dt
    monkeypatch.setenv("WARROOM_DB_URL", outbox_url)
    at = open_page()
    shown = {m.label: m.value for m in at.metric}
    counts = notify.delivery_counts(ScopedReader(db.engine_for(outbox_url), EXECUTIVE),
                                    clock.utcnow() - dt.timedelta(days=7))
    assert (counts["sent"], counts["held"], counts["pending"], counts["failed"]) == (2, 1, 2, 1)
    assert shown[t("deliveries_sent_7d_demo", "th")] == fmt.count(3)  # demo data: kept here counts as sent
    assert shown[t("deliveries_waiting", "th")] == fmt.count(2)
    assert shown[t("deliveries_failed", "th")] == fmt.count(1)
    assert shown[t("deliveries_oldest", "th")] == t("deliveries_minutes", "th").format(n=45)
    warnings = [w.value for w in at.warning]
    assert t("deliveries_failed_warning", "th").format(n="1") in warnings
    assert t("deliveries_late_warning", "th").format(age=t("deliveries_minutes", "th").format(n=45)) in warnings
    last = next(c.value for c in at.caption if c.value.startswith(t("deliveries_last_error", "th")))
    assert fmt.literal("550 5.1.1 <gov30@moi.go.th>: mailbox unavailable") in last  # as typed, not markup


def test_no_delivery_warning_when_all_is_well(imported_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", imported_url)  # a database of its own: an empty outbox
    at = open_page({"lang": "en"})
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("deliveries_waiting", "en")] == "0" and shown[t("deliveries_oldest", "en")] == "Nothing waiting"
    assert not [w for w in at.warning if "deliver" in w.value.lower() or "message" in w.value.lower()]
