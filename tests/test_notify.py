"""The data side of alerts and subscriptions (data_access/notify.py), on SQLite and PostgreSQL: who may
keep which subscription, every refusal named, alert episodes opened and closed once, the outbox queued
once, claimed by one runner, retried with backoff and failed with its reason, and the counts the data
health page shows."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import delete, select

from data_access import access, clock, db, notify, schema as s
from data_access.reader import ScopedReader
from data_access.scope import Area, NotPermitted, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF, seeded_pg_schema

GOVERNOR = Viewer("gov30", "governor", prov_code="30")
OTHER_GOVERNOR = Viewer("gov50", "governor", prov_code="50")
OFFICER = Viewer("do3001", "district_officer", prov_code="30", dist_code="3001")
EXECUTIVE = Viewer("exec1", "executive")
ADMIN = Viewer("admin1", "admin")
NOW = dt.datetime(2026, 11, 20, 7, 0)
BRIEF = {"kind": "brief", "channel": "email", "address": "gov30@moi.example", "lang": "th", "formats": "pdf",
         "weekday": 0, "hour": 6}
RED = {"kind": "alert", "channel": "line", "address": "U" + "ab" * 16, "lang": "th", "rule": "red"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('notify') / 'warroom.db'}"
        seed(db.engine_for(url), "test", AS_OF)
        yield url
        return
    with seeded_pg_schema("warroom_notify") as url:
        yield url


@pytest.fixture
def engine(fresh):
    engine = db.engine_for(fresh)
    with engine.begin() as conn:  # each test starts with no subscription and an empty outbox
        for table in (s.outbox_attachment, s.outbox, s.alert_state, s.subscription):
            conn.execute(delete(table))
    return engine


def test_a_person_keeps_their_own_subscriptions_and_an_admin_anyones(engine):
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, BRIEF)
    assert list(notify.subscriptions_of(engine, GOVERNOR, GOVERNOR).sub_id) == [sub_id]
    with pytest.raises(NotPermitted):
        notify.subscriptions_of(engine, OTHER_GOVERNOR, GOVERNOR)
    with pytest.raises(NotPermitted):
        notify.set_muted(engine, OTHER_GOVERNOR, sub_id, True)
    with pytest.raises(NotPermitted):
        notify.add(engine, EXECUTIVE, GOVERNOR, BRIEF)  # an executive manages no one's subscriptions
    other = notify.add(engine, ADMIN, OTHER_GOVERNOR, RED)  # an admin manages anyone's
    assert notify.subscriptions_of(engine, ADMIN, OTHER_GOVERNOR).iloc[0].created_by == "admin1"
    notify.set_muted(engine, GOVERNOR, sub_id, True)
    assert bool(notify.subscriptions_of(engine, GOVERNOR, GOVERNOR).iloc[0].muted)
    notify.remove(engine, ADMIN, other)
    assert notify.subscriptions_of(engine, ADMIN, OTHER_GOVERNOR).empty
    with engine.connect() as conn:
        logged = conn.execute(select(s.audit_log.c.detail).where(s.audit_log.c.action == "subscription")).scalars().all()
    assert any(f"#{sub_id}" in d for d in logged) and all("@" not in d for d in logged)  # no address in the log


def test_every_problem_of_a_subscription_is_named():
    with pytest.raises(notify.Invalid) as refused:
        notify.validate(GOVERNOR, {"kind": "brief", "channel": "email", "address": "not an address", "lang": "de",
                                   "formats": "doc", "weekday": 7, "hour": 24})
    assert {f for f, _ in refused.value.problems} == {"address", "lang", "formats", "weekday", "hour"}
    with pytest.raises(notify.Invalid) as refused:
        notify.validate(GOVERNOR, {"kind": "alert", "channel": "line", "address": "U123", "lang": "th",
                                   "rule": "threshold", "kpi": "padme_disbursed_pct", "threshold": "half",
                                   "direction": "sideways"})
    assert {f for f, _ in refused.value.problems} == {"address", "threshold", "direction"}


def test_the_rules_offered_follow_the_permission_model():
    assert "stale" not in notify.rules_for(GOVERNOR) and "stale" in notify.rules_for(EXECUTIVE)
    assert "red" not in notify.rules_for(OFFICER)  # a district has no areas under it to turn red
    with pytest.raises(notify.Invalid):
        notify.validate(GOVERNOR, {**RED, "rule": "stale"})


def test_a_delivery_is_for_the_account_as_it_is_now(engine, accounts_url):
    engine = db.engine_for(accounts_url)
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, BRIEF)
    row = notify.all_subscriptions(engine).set_index("sub_id").loc[sub_id]
    row = row.to_frame().T.assign(sub_id=sub_id).iloc[0]
    assert notify.recipient(engine, row, demo=False, national_totals=False).viewer == GOVERNOR
    off = row.copy()
    off["owner"] = "off1"  # a disabled account gets nothing
    assert notify.recipient(engine, off, demo=False, national_totals=False).viewer is None
    ghost = row.copy()
    ghost["owner"] = "demo-governor"  # no account: only a demo viewer on demo data
    assert notify.recipient(engine, ghost, demo=False, national_totals=False).viewer is None
    assert notify.recipient(engine, ghost, demo=True, national_totals=False).viewer.prov_code == "30"
    notify.remove(engine, GOVERNOR, sub_id)


def test_an_episode_opens_once_and_closes_once(engine):
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, RED)
    area = Area("district", "3001")
    first = notify.open_episode(engine, sub_id, "red:x:district:3001", area, "padme_disbursed_pct", {"v": 1}, NOW)
    assert first is not None
    assert notify.open_episode(engine, sub_id, "red:x:district:3001", area, "padme_disbursed_pct", {}, NOW) is None
    assert notify.close_episode(engine, first, NOW) and not notify.close_episode(engine, first, NOW)
    again = notify.open_episode(engine, sub_id, "red:x:district:3001", area, "padme_disbursed_pct", {}, NOW)
    assert again not in (None, first)


def test_an_acknowledgement_is_a_note_of_the_area_it_is_in(engine):
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, RED)
    alert_id = notify.open_episode(engine, sub_id, "red:padme_disbursed_pct:district:3001", Area("district", "3001"),
                                   "padme_disbursed_pct", {}, NOW)
    with pytest.raises(NotPermitted):
        notify.acknowledge(engine, OTHER_GOVERNOR, alert_id, "not mine")
    with access.recording() as decisions:
        notify.acknowledge(engine, GOVERNOR, alert_id, "ประสานอำเภอแล้ว")
    assert any(d.action == "write_note" and d.area == "district 3001" and d.allowed for d in decisions)
    since, until = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=365)
    acks = notify.acknowledgements(ScopedReader(engine, GOVERNOR), Area("province", "30"), since, until)
    assert list(acks.ack_note) == ["ประสานอำเภอแล้ว"] and list(acks.acknowledged_by) == ["gov30"]
    assert notify.acknowledgements(ScopedReader(engine, EXECUTIVE), Area("province", "50"), since, until).empty
    assert len(notify.acknowledgements(ScopedReader(engine, EXECUTIVE), Area("region", "northeast"), since, until)) == 1
    assert notify.acknowledgements(ScopedReader(engine, EXECUTIVE), Area("region", "south"), since, until).empty
    with pytest.raises(NotPermitted):  # another governor reads nothing of province 30
        notify.acknowledgements(ScopedReader(engine, OTHER_GOVERNOR), Area("province", "30"), since, until)


def _queue(engine, key="k1", **extra):
    return notify.enqueue(engine, dedupe_key=key, sub_id=None, owner="gov30", channel="email",
                          address="gov30@moi.example", kind="alert", subject="แจ้งเตือน", body="ข้อความ", now=NOW,
                          attachments=(notify.Attachment("สรุป.pdf", "application/pdf", b"%PDF-1"),), **extra)


def test_a_message_is_queued_once_and_claimed_by_one_runner(engine):
    message_id = _queue(engine)
    assert _queue(engine) is None  # the same key again: nothing more
    winners = []
    barrier = threading.Barrier(4)

    def runner(name):
        barrier.wait()
        if notify.claim(engine, message_id, name, NOW) is not None:
            winners.append(name)
    threads = [threading.Thread(target=runner, args=(f"r{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(winners) == 1
    assert notify.message_attachments(engine, message_id)[0].content == b"%PDF-1"
    assert notify.due(engine, NOW) == []  # claimed: not due for anyone else while the lease runs
    assert notify.due(engine, NOW + notify.LEASE + dt.timedelta(seconds=1)) == [(message_id, "email")]  # a crashed claim runs out
    assert notify.mark_sent(engine, message_id, winners[0], NOW)


def test_a_failed_try_waits_longer_each_time_then_fails_for_good(engine):
    message_id = _queue(engine)
    now = NOW
    for attempt in range(1, notify.MAX_ATTEMPTS + 1):
        row = notify.claim(engine, message_id, "r", now)
        assert row is not None and row.attempts == attempt
        status = notify.mark_failed(engine, message_id, "r", row.attempts, "SMTP 127.0.0.1:1: connection refused", now)
        assert status == ("failed" if attempt == notify.MAX_ATTEMPTS else "pending")
        assert notify.claim(engine, message_id, "r", now) is None  # not before its backoff
        now += notify.backoff(attempt)
    counts = notify.delivery_counts(ScopedReader(engine, EXECUTIVE), NOW)
    assert counts["failed"] == 1 and counts["last_error"].endswith("connection refused")
    notify.retry(engine, ADMIN, message_id)
    assert notify.due(engine, clock.utcnow() + dt.timedelta(seconds=1)) == [(message_id, "email")]


def test_a_refusal_of_the_message_itself_fails_at_once(engine):
    message_id = _queue(engine)
    row = notify.claim(engine, message_id, "r", NOW)
    assert notify.mark_failed(engine, message_id, "r", row.attempts, "550 no such user", NOW, permanent=True) == "failed"


def test_only_admins_read_the_outbox_and_the_health_roles_its_counts(engine):
    _queue(engine)
    assert len(notify.deliveries(ScopedReader(engine, ADMIN))) == 1
    for viewer in (GOVERNOR, EXECUTIVE):
        with pytest.raises(NotPermitted):
            notify.deliveries(ScopedReader(engine, viewer))
    with pytest.raises(NotPermitted):
        notify.delivery_counts(ScopedReader(engine, GOVERNOR), NOW)
    assert notify.delivery_counts(ScopedReader(engine, EXECUTIVE), NOW - dt.timedelta(days=7))["pending"] == 1
