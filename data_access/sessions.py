"""Signed-in sessions that outlive a Streamlit session: a reload, a closed tab, a server restart.

A sign-in (web/signin.py, an HTTP form post) starts one: the browser gets a random token in an
HttpOnly cookie and the database keeps only the token's SHA-256, with the account, when it was made and
last seen, when it ends at the latest, the user agent and the address. Every script run resumes it
(`resume`), so the account's role and area, and any revocation, apply at the next interaction.

A session ends when it has been idle longer than `idle_minutes`, at `session_days` after sign-in
whatever happens (both `[auth]` in warroom.toml, data_access.settings.session_limits), or when it is
revoked: sign-out (this device or everywhere), the account disabled or its password set, or an
administrator's "end session". An ended session is kept, marked with why, until `purge` removes it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from . import access, audit, schema as s
from .clock import utcnow
from .reader import ScopedReader
from .scope import Viewer
from .settings import session_limits

COOKIE = "warroom_session"
TOUCH_SECONDS = 60  # last_seen moves at most once a minute: a rerun is a read, not a write, most of the time
_KEEP_ENDED_DAYS = 30


@dataclass(frozen=True)
class Resumed:
    """What a token is now: `viewer` when the session is live, else why not (`reason`: "none" for no
    token or one never issued, "expired" for idle or past its end, "ended" for a revoked one)."""
    viewer: Viewer | None
    reason: str
    session_id: int | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(engine: Engine, username: str, user_agent: str = "", address: str = "",
          now: dt.datetime | None = None) -> str:
    """A new session for an account that has just signed in; the token, for the cookie only."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    limits = session_limits()
    with engine.begin() as conn:
        conn.execute(insert(s.web_session).values(
            token_hash=_hash(token), username=username, created_at=now, last_seen=now,
            expires_at=now + dt.timedelta(days=limits["session_days"]),
            user_agent=(user_agent or "")[:300], address=(address or "")[:64], ended_at=None, ended_reason=None))
    return token


def resume(engine: Engine, token: str | None, national_totals: bool = True,
           now: dt.datetime | None = None) -> Resumed:
    """The viewer of a live session (its account as it is now), or why there is none. Slides the idle
    expiry forward; a session found idle or past its end is ended here, once, and audited."""
    if not token:
        return Resumed(None, "none")
    now = now or utcnow()
    w, a = s.web_session, s.account
    with engine.begin() as conn:
        row = conn.execute(select(w.c.session_id, w.c.username, w.c.last_seen, w.c.expires_at, w.c.ended_at,
                                  a.c.username.label("account"), a.c.role, a.c.prov_code, a.c.dist_code,
                                  a.c.disabled)
                           .select_from(w.outerjoin(a, a.c.username == w.c.username))
                           .where(w.c.token_hash == _hash(token))).first()
        if row is None:
            return Resumed(None, "none")
        if row.ended_at is not None:
            return Resumed(None, "ended", row.session_id)
        if row.account is None or row.disabled:
            _end(conn, w.c.session_id == row.session_id, now, "account disabled", row.username)
            return Resumed(None, "ended", row.session_id)
        idle = dt.timedelta(minutes=session_limits()["idle_minutes"])
        if now - row.last_seen > idle or now >= row.expires_at:
            if _end(conn, w.c.session_id == row.session_id, now, "expired", None):
                audit.record(conn, row.username, "session_expired", "",
                             "idle" if now - row.last_seen > idle else "past its end")
            return Resumed(None, "expired", row.session_id)
        if (now - row.last_seen).total_seconds() >= TOUCH_SECONDS:
            conn.execute(update(w).where(w.c.session_id == row.session_id, w.c.ended_at.is_(None))
                         .values(last_seen=now))
    from .accounts import viewer_of  # accounts ends sessions when it disables an account: import here
    return Resumed(viewer_of(row, national_totals), "ok", row.session_id)


def _end(conn: Connection, which, now: dt.datetime, reason: str, actor: str | None, detail: str = "") -> int:
    """End the live sessions `which` selects; how many ended. Audited as a sign-out when `actor` is
    given (expiry is audited by its caller)."""
    w = s.web_session
    ended = conn.execute(update(w).where(which, w.c.ended_at.is_(None))
                         .values(ended_at=now, ended_reason=reason)).rowcount
    if ended and actor is not None:
        audit.record(conn, actor, "sign_out", "", detail or f"{reason} ({ended} session{'s' if ended > 1 else ''})")
    return ended


def end(engine: Engine, token: str | None, everywhere: bool = False) -> int:
    """Sign-out by the session's own holder: this session, or with `everywhere` all of its account's."""
    if not token:
        return 0
    w = s.web_session
    with engine.begin() as conn:
        username = conn.execute(select(w.c.username).where(w.c.token_hash == _hash(token))).scalar()
        if username is None:
            return 0
        which = w.c.username == username if everywhere else w.c.token_hash == _hash(token)
        return _end(conn, which, utcnow(), "signed out everywhere" if everywhere else "signed out", username)


def end_for_account(conn: Connection, username: str, reason: str, by: str) -> int:
    """Inside an account change's own transaction (disable, set password): its sessions end with it."""
    return _end(conn, s.web_session.c.username == username, utcnow(), reason, by,
                f"{username}: sessions ended ({reason})")


def end_one(engine: Engine, by: Viewer, session_id: int) -> int:
    """An administrator's "end session" (manage_accounts)."""
    access.require(by, "manage_accounts")
    w = s.web_session
    with engine.begin() as conn:
        username = conn.execute(select(w.c.username).where(w.c.session_id == session_id)).scalar()
        if username is None:
            return 0
        return _end(conn, w.c.session_id == session_id, utcnow(), f"ended by {by.name}", by.name,
                    f"{username}: session {session_id} ended")


def live(reader: ScopedReader, now: dt.datetime | None = None) -> pd.DataFrame:
    """The sessions still live, newest first, never a token (manage_accounts)."""
    now = now or utcnow()
    w = s.web_session
    idle_since = now - dt.timedelta(minutes=session_limits()["idle_minutes"])
    return reader.country(
        select(w.c.session_id, w.c.username, w.c.created_at, w.c.last_seen, w.c.expires_at, w.c.user_agent,
               w.c.address)
        .where(w.c.ended_at.is_(None), w.c.expires_at > now, w.c.last_seen > idle_since)
        .order_by(w.c.last_seen.desc()), "manage_accounts")


def purge(engine: Engine, now: dt.datetime | None = None) -> int:
    """Forget sessions that ended, or could no longer be resumed, more than 30 days ago."""
    now = now or utcnow()
    w = s.web_session
    before = now - dt.timedelta(days=_KEEP_ENDED_DAYS)
    with engine.begin() as conn:
        return conn.execute(delete(w).where(and_(w.c.expires_at < before)
                                            | and_(w.c.ended_at.is_not(None), w.c.ended_at < before))).rowcount
