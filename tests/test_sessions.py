"""The session store (data_access.sessions) on SQLite and PostgreSQL: a token resumes its account until
it idles out, reaches its end or is revoked, and the database never holds the token itself."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data_access import accounts, audit, db, schema as s, sessions
from data_access.reader import ScopedReader
from data_access.scope import NotPermitted, Viewer
from data_access.settings import session_limits

ADMIN = Viewer("admin1", "admin")


@pytest.fixture
def engine(accounts_url):
    return db.engine_for(accounts_url)


def _sessions_of(engine, username):
    w = s.web_session
    with engine.connect() as conn:
        return conn.execute(select(w).where(w.c.username == username).order_by(w.c.session_id)).all()


def _audit(engine, actor):
    a = s.audit_log
    with engine.connect() as conn:
        return conn.execute(select(a.c.action, a.c.detail).where(a.c.actor == actor)
                            .order_by(a.c.audit_id)).all()


def test_a_token_resumes_its_account_with_its_role_and_area(engine):
    token = sessions.start(engine, "gov30", "Safari on iPad", "10.1.2.3")
    found = sessions.resume(engine, token)
    assert found.reason == "ok" and found.viewer.name == "gov30"
    assert found.viewer.role == "governor" and found.viewer.prov_code == "30"
    assert sessions.resume(engine, token + "x").reason == "none" and sessions.resume(engine, None).reason == "none"


def test_only_the_hash_of_the_token_is_stored(engine):
    token = sessions.start(engine, "staff1", "ua", "127.0.0.1")
    rows = _sessions_of(engine, "staff1")
    assert all(token not in str(tuple(r)) for r in rows)
    assert any(len(r.token_hash) == 64 for r in rows)
    listing = sessions.live(ScopedReader(engine, ADMIN))
    assert token not in listing.to_string() and "token_hash" not in listing.columns


def test_use_slides_the_idle_expiry_and_idleness_ends_it(engine, clock):
    idle = session_limits()["idle_minutes"]
    token = sessions.start(engine, "exec1")
    for _ in range(3):  # used every (idle - 1) minutes: alive after 3 × that, far beyond one idle span
        clock.advance(minutes=idle - 1)
        assert sessions.resume(engine, token).viewer is not None
    clock.advance(minutes=idle + 1)
    assert sessions.resume(engine, token).reason == "expired"
    assert sessions.resume(engine, token).reason == "ended"  # ended once, and stays ended
    assert [d for a, d in _audit(engine, "exec1") if a == "session_expired"][-1] == "idle"


def test_a_session_ends_at_its_absolute_end_however_active(engine, clock):
    token = sessions.start(engine, "exec1")
    days = session_limits()["session_days"]
    step = dt.timedelta(minutes=session_limits()["idle_minutes"] - 5)
    end = clock.now() + dt.timedelta(days=days)
    while clock.now() + step < end:
        clock.advance(seconds=step.total_seconds())
        assert sessions.resume(engine, token).viewer is not None
    clock.advance(seconds=step.total_seconds())
    assert sessions.resume(engine, token).reason == "expired"


def test_sign_out_here_or_everywhere(engine):
    accounts.add(engine, "tmp-devices", "temporary-pass-1", "district_officer", dist_code="3001")
    phone, tablet = sessions.start(engine, "tmp-devices"), sessions.start(engine, "tmp-devices")
    assert sessions.end(engine, phone) == 1
    assert sessions.resume(engine, phone).reason == "ended" and sessions.resume(engine, tablet).viewer
    other = sessions.start(engine, "tmp-devices")
    assert sessions.end(engine, tablet, everywhere=True) == 2
    assert sessions.resume(engine, other).reason == "ended"
    assert ("sign_out", "signed out everywhere (2 sessions)") in _audit(engine, "tmp-devices")


@pytest.mark.parametrize("change", ["disable", "set_password"])
def test_disabling_an_account_or_setting_its_password_ends_its_sessions(engine, change):
    accounts.add(engine, f"tmp-{change}", "temporary-pass-1", "staff")
    token = sessions.start(engine, f"tmp-{change}")
    assert sessions.resume(engine, token).viewer is not None
    if change == "disable":
        accounts.set_disabled(engine, f"tmp-{change}")
    else:
        accounts.set_password(engine, f"tmp-{change}", "another-pass-22")
    assert sessions.resume(engine, token).reason == "ended"
    assert all(r.ended_at is not None for r in _sessions_of(engine, f"tmp-{change}"))


def test_an_admin_ends_one_session_and_no_one_else_may(engine):
    token = sessions.start(engine, "gov30", "tablet", "10.0.0.9")
    found = sessions.resume(engine, token)
    with pytest.raises(NotPermitted):
        sessions.end_one(engine, Viewer("gov30", "governor", "30"), found.session_id)
    with pytest.raises(NotPermitted):
        sessions.live(ScopedReader(engine, Viewer("staff1", "staff")))
    assert found.session_id in set(sessions.live(ScopedReader(engine, ADMIN)).session_id)
    assert sessions.end_one(engine, ADMIN, found.session_id) == 1
    assert sessions.resume(engine, token).reason == "ended"
    assert found.session_id not in set(sessions.live(ScopedReader(engine, ADMIN)).session_id)
    assert any(d == f"gov30: session {found.session_id} ended" for a, d in _audit(engine, "admin1"))


def test_a_deleted_account_cannot_be_resumed(engine):
    accounts.add(engine, "tmp-gone", "temporary-pass-1", "staff")
    token = sessions.start(engine, "tmp-gone")
    with engine.begin() as conn:
        conn.execute(s.account.delete().where(s.account.c.username == "tmp-gone"))
    assert sessions.resume(engine, token).viewer is None


def test_purge_forgets_long_dead_sessions_only(engine, clock):
    old, live = sessions.start(engine, "staff1"), None
    sessions.end(engine, old)
    clock.advance(days=31)
    live = sessions.start(engine, "staff1")
    assert sessions.purge(engine) >= 1
    assert sessions.resume(engine, old).reason == "none" and sessions.resume(engine, live).viewer is not None


def test_an_audit_of_sessions_never_holds_a_token(engine):
    token = sessions.start(engine, "exec1")
    sessions.end(engine, token)
    assert token not in audit.recent(ScopedReader(engine, ADMIN)).to_string()
