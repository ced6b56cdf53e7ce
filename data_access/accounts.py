"""Accounts: argon2id password hashes, roles with their area, lock-out after repeated failures.

A wrong password and an unknown name get the same answer, so the form does not reveal who has an
account. Passwords exist only in memory while being hashed or checked; the database holds hashes.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, case, insert, or_, select, update

from . import access, audit, schema as s, sessions
from .clock import utcnow
from .reader import ScopedReader
from .scope import OPERATOR, Viewer

MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class SignInRefused(Exception):
    """`reason` is "invalid" (unknown name or wrong password), "disabled" or "locked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add(engine: Engine, username: str, password: str | None, role: str, display_name: str = "",
        prov_code: str | None = None, dist_code: str | None = None, by: Viewer = OPERATOR) -> None:
    """Create an account; `password` None makes one that only the identity provider can sign in.
    Account changes are `manage_accounts` (docs/ACCESS.md); the CLI acts as the OPERATOR."""
    access.require(by, "manage_accounts")
    if password is not None:
        _check_password(password)
    if role == "district_officer" and dist_code and not prov_code:
        prov_code = dist_code[:2]
    Viewer(username, role, prov_code, dist_code)  # validates that the role has its area
    with engine.begin() as conn:
        conn.execute(insert(s.account).values(
            username=username, display_name=display_name or username,
            password_hash=None if password is None else _hasher.hash(password), role=role,
            prov_code=prov_code, dist_code=dist_code, disabled=False, failed_attempts=0,
            locked_until=None, created_at=utcnow(), last_sign_in=None))
        audit.record(conn, by.name, "account", username, f"added as {role} {dist_code or prov_code or ''}".strip())


def set_password(engine: Engine, username: str, password: str, by: Viewer = OPERATOR) -> None:
    access.require(by, "manage_accounts")
    _check_password(password)
    with engine.begin() as conn:
        done = conn.execute(update(s.account).where(s.account.c.username == username).values(
            password_hash=_hasher.hash(password), failed_attempts=0, locked_until=None)).rowcount
        if not done:
            raise KeyError(username)
        audit.record(conn, by.name, "account", username, "password set")
        sessions.end_for_account(conn, username, "password set", by.name)  # a stolen session ends with the old password


def set_disabled(engine: Engine, username: str, disabled: bool = True, by: Viewer = OPERATOR) -> None:
    access.require(by, "manage_accounts")
    with engine.begin() as conn:
        done = conn.execute(update(s.account).where(s.account.c.username == username)
                            .values(disabled=disabled)).rowcount
        if not done:
            raise KeyError(username)
        audit.record(conn, by.name, "account", username, "disabled" if disabled else "enabled")
        if disabled:
            sessions.end_for_account(conn, username, "account disabled", by.name)


def listing(reader: ScopedReader) -> pd.DataFrame:
    """Every account, never its hash (manage_accounts)."""
    a = s.account
    return reader.country(select(a.c.username, a.c.display_name, a.c.role, a.c.prov_code, a.c.dist_code,
                                 a.c.disabled, a.c.failed_attempts, a.c.locked_until, a.c.last_sign_in)
                          .order_by(a.c.username), "manage_accounts")


def viewer_of(row, national_totals: bool) -> Viewer:
    return Viewer(name=row.username, role=row.role, prov_code=row.prov_code, dist_code=row.dist_code,
                  national_totals=national_totals and row.role in ("governor", "district_officer"))


def authenticate(engine: Engine, username: str, password: str, national_totals: bool = True,
                 now: dt.datetime | None = None) -> Viewer:
    """The signed-in viewer, or SignInRefused; every attempt is audited.

    The refusal is raised after the transaction commits, so the failure count and the audit record
    of a refused attempt are kept (raising inside it would roll them back).
    """
    now = now or utcnow()
    with engine.begin() as conn:
        outcome = _attempt(conn, username, password, national_totals, now)
    if isinstance(outcome, SignInRefused):
        raise outcome
    return outcome


def _open(now: dt.datetime):
    """The account is not locked at `now` (SQL, so it is decided at the moment of the update)."""
    a = s.account
    return or_(a.c.locked_until.is_(None), a.c.locked_until <= now)


def _attempt(conn, username: str, password: str, national_totals: bool, now: dt.datetime):
    """One sign-in attempt inside `conn`'s transaction.

    Attempts can arrive in parallel, so what they change is decided in the database, never read,
    changed in Python and written back: a wrong password adds one to the count in a single UPDATE,
    which sets the lock in the same statement when the count reaches MAX_FAILED_ATTEMPTS, and a
    right one signs in only through an UPDATE that finds the account unlocked. Both are conditional
    on the account not being locked at that moment, so an attempt that read the account before a
    parallel one locked it neither lifts nor shortens the lock, and is refused as "locked".
    """
    a = s.account
    row = conn.execute(select(a).where(a.c.username == username)).first()
    if row is None or row.password_hash is None:
        _hasher.hash(password)  # same work as a real check, so timing does not tell names apart
        audit.record(conn, username, "sign_in_failed", "", "invalid")
        return SignInRefused("invalid")
    if row.disabled:
        audit.record(conn, username, "sign_in_failed", "", "disabled")
        return SignInRefused("disabled")
    if row.locked_until is not None and row.locked_until > now:
        audit.record(conn, username, "sign_in_failed", "", "locked")
        return SignInRefused("locked")
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        reaches_limit = a.c.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS
        # Evaluated on the row as the update finds it; setting the lock starts the count again.
        counted = conn.execute(
            update(a).where(a.c.username == username, _open(now)).values(
                failed_attempts=case((reaches_limit, 0), else_=a.c.failed_attempts + 1),
                locked_until=case((reaches_limit, now + dt.timedelta(minutes=LOCK_MINUTES)), else_=None))
            .returning(a.c.locked_until)).first()
        if counted is None:  # a parallel attempt locked it after this one read the account
            audit.record(conn, username, "sign_in_failed", "", "locked")
            return SignInRefused("locked")
        locked = counted.locked_until is not None
        audit.record(conn, username, "sign_in_failed", "", "locked after repeated failures" if locked else "invalid")
        return SignInRefused("locked" if locked else "invalid")
    values = {"failed_attempts": 0, "locked_until": None, "last_sign_in": now}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    signed_in = conn.execute(update(a).where(a.c.username == username, _open(now), a.c.disabled.is_(False))
                             .values(**values)).rowcount
    if not signed_in:  # locked (or disabled) by a parallel change after this attempt read the account
        now_row = conn.execute(select(a.c.disabled).where(a.c.username == username)).first()
        reason = "invalid" if now_row is None else "disabled" if now_row.disabled else "locked"
        audit.record(conn, username, "sign_in_failed", "", reason)
        return SignInRefused(reason)
    viewer = viewer_of(row, national_totals)
    audit.record(conn, username, "sign_in", str(viewer.home), row.role)
    return viewer


def viewer_for_identity(engine: Engine, username: str, national_totals: bool = True) -> Viewer | None:
    """The viewer of an account signed in by the identity provider (OIDC), if it exists and is enabled."""
    a = s.account
    with engine.begin() as conn:
        row = conn.execute(select(a).where(a.c.username == username)).first()
        if row is None or row.disabled:
            audit.record(conn, username, "sign_in_failed", "", "oidc: no enabled account")
            return None
        conn.execute(update(a).where(a.c.username == username).values(last_sign_in=utcnow()))
        viewer = viewer_of(row, national_totals)
        audit.record(conn, username, "sign_in", str(viewer.home), f"{row.role} (oidc)")
        return viewer
