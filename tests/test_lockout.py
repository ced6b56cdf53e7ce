"""The sign-in lock-out holds under parallel attempts (SQLite and PostgreSQL).

Each attempt is its own transaction on its own pooled connection, sent from a pool of threads that
start together at a barrier, so the attempts overlap the way a scripted guesser's would. The
failed-attempt count is changed in the database by one statement, and a right password signs in only
if the account is not locked at the moment of its own update, so however the attempts arrive, five
wrong ones lock the account and a right one after them is refused.
"""
import datetime as dt
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from data_access import accounts, db, schema as s
from data_access.clock import utcnow

pytestmark = pytest.mark.dates

PASSWORD = "hammer-me-password"
WRONG = "not-the-password"
WORKERS = 8


@pytest.fixture
def engine(accounts_url):
    return db.engine_for(accounts_url)


@pytest.fixture
def name(engine, request):
    """An account of this test's own, so the shared test accounts are never locked."""
    username = f"lk-{request.node.name[:30]}-{uuid.uuid4().hex[:8]}"
    accounts.add(engine, username, PASSWORD, "staff")
    return username


def attempt(engine, username, password, now=None) -> str:
    """"ok" or the refusal's reason."""
    try:
        accounts.authenticate(engine, username, password, now=now)
        return "ok"
    except accounts.SignInRefused as refusal:
        return refusal.reason


def in_parallel(engine, username, passwords, now=None, workers=WORKERS) -> list[str]:
    """One attempt per password from `workers` threads; the first wave meets at a barrier and starts
    together, the rest follow as threads free up."""
    parties = min(workers, len(passwords))
    start = threading.Barrier(parties)

    def one(numbered):
        i, password = numbered
        if i < parties:
            start.wait(timeout=30)
        return attempt(engine, username, password, now)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, enumerate(passwords)))


def account_row(engine, username):
    with engine.connect() as conn:
        return conn.execute(select(s.account.c.failed_attempts, s.account.c.locked_until)
                            .where(s.account.c.username == username)).one()


def sign_in_audit(engine, username) -> list[tuple[str, str]]:
    a = s.audit_log
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(a.c.action, a.c.detail).where(a.c.actor == username,
                                                 a.c.action.in_(["sign_in", "sign_in_failed"]))
            .order_by(a.c.audit_id)).all()]


def test_fifteen_wrong_passwords_in_parallel_lock_the_account_and_a_right_one_is_then_refused(engine, name):
    outcomes = in_parallel(engine, name, [WRONG] * 15)
    assert set(outcomes) <= {"invalid", "locked"} and outcomes.count("invalid") == accounts.MAX_FAILED_ATTEMPTS - 1
    failed, locked_until = account_row(engine, name)
    assert locked_until == utcnow() + dt.timedelta(minutes=accounts.LOCK_MINUTES)
    assert failed == 0  # the count starts again once the lock is set
    assert attempt(engine, name, PASSWORD) == "locked"  # the 16th, with the right password
    audited = sign_in_audit(engine, name)
    assert len(audited) == 16 and all(action == "sign_in_failed" for action, _ in audited)
    assert [detail for _, detail in audited].count("locked after repeated failures") == 1
    assert audited[-1] == ("sign_in_failed", "locked")


def test_exactly_five_wrong_passwords_in_parallel_lock_it(engine, name):
    outcomes = in_parallel(engine, name, [WRONG] * accounts.MAX_FAILED_ATTEMPTS)
    assert sorted(outcomes) == ["invalid"] * (accounts.MAX_FAILED_ATTEMPTS - 1) + ["locked"]
    assert account_row(engine, name).locked_until is not None
    assert attempt(engine, name, PASSWORD) == "locked"


def test_four_wrong_passwords_in_parallel_do_not_lock_it_and_each_is_counted(engine, name):
    """The lost update of a read-modify-write: four attempts that all read 0 and wrote 1."""
    outcomes = in_parallel(engine, name, [WRONG] * (accounts.MAX_FAILED_ATTEMPTS - 1))
    assert outcomes == ["invalid"] * (accounts.MAX_FAILED_ATTEMPTS - 1)
    assert tuple(account_row(engine, name)) == (accounts.MAX_FAILED_ATTEMPTS - 1, None)
    assert attempt(engine, name, WRONG) == "locked"  # the fifth, however late, is the one that locks
    assert attempt(engine, name, PASSWORD) == "locked"


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_count_after_parallel_wrong_passwords_is_their_number(engine, name, n):
    in_parallel(engine, name, [WRONG] * n)
    assert account_row(engine, name).failed_attempts == n


def test_the_lock_expires_after_lock_minutes_and_the_count_is_back_to_zero(engine, name, clock):
    in_parallel(engine, name, [WRONG] * 15)
    clock.advance(minutes=accounts.LOCK_MINUTES - 1)
    assert attempt(engine, name, PASSWORD) == "locked"
    clock.advance(minutes=2)  # 16 minutes after the lock was set
    assert attempt(engine, name, PASSWORD) == "ok"
    assert tuple(account_row(engine, name)) == (0, None)
    # a later burst locks it again
    outcomes = in_parallel(engine, name, [WRONG] * 15)
    assert outcomes.count("invalid") == accounts.MAX_FAILED_ATTEMPTS - 1
    assert attempt(engine, name, PASSWORD) == "locked"


def test_the_lock_expires_by_the_moment_given_to_authenticate(engine, name):
    now = utcnow()
    in_parallel(engine, name, [WRONG] * accounts.MAX_FAILED_ATTEMPTS, now=now)
    assert attempt(engine, name, PASSWORD, now=now + dt.timedelta(minutes=accounts.LOCK_MINUTES - 1)) == "locked"
    assert attempt(engine, name, PASSWORD, now=now + dt.timedelta(minutes=accounts.LOCK_MINUTES + 1)) == "ok"
    assert tuple(account_row(engine, name)) == (0, None)


class _Hooked:
    """The module's password hasher, but running `act` inside the first check of `password`."""

    def __init__(self, real, password, act):
        self._real, self._password, self._act, self.fired = real, password, act, threading.Event()

    def verify(self, hash_, given):
        if given == self._password and not self.fired.is_set():
            self.fired.set()
            self._act()
        return self._real.verify(hash_, given)

    def __getattr__(self, attr):
        return getattr(self._real, attr)


@pytest.fixture
def while_checking(monkeypatch):
    """`while_checking(password, act)`: run `act()` while the first check of `password` is under way,
    after that attempt read the account and before it writes: the window a parallel attempt races in."""
    def arm(password, act):
        hooked = _Hooked(accounts._hasher, password, act)
        monkeypatch.setattr(accounts, "_hasher", hooked)
        return hooked.fired
    return arm


def test_a_right_password_racing_a_burst_is_refused_once_the_burst_locked_the_account(engine, name, while_checking):
    """The right password was read while the account was open, but the burst locked it before the
    right attempt's own update: that update finds the lock and the attempt is refused."""
    fired = while_checking(PASSWORD, lambda: in_parallel(engine, name, [WRONG] * accounts.MAX_FAILED_ATTEMPTS))
    assert attempt(engine, name, PASSWORD) == "locked" and fired.is_set()
    locked_until = account_row(engine, name).locked_until
    assert locked_until is not None and locked_until > utcnow()  # not lifted by the right password
    assert sign_in_audit(engine, name)[-1] == ("sign_in_failed", "locked")
    assert attempt(engine, name, PASSWORD) == "locked"


def test_a_wrong_password_racing_a_burst_never_shortens_or_lifts_the_lock(engine, name, while_checking):
    """A wrong attempt that read the account before the burst, with an earlier moment, writes nothing
    over the lock the burst set."""
    now = utcnow()
    later = now + dt.timedelta(minutes=1)
    fired = while_checking(WRONG, lambda: in_parallel(engine, name, ["also-wrong-pass"] * accounts.MAX_FAILED_ATTEMPTS,
                                                      now=later))
    assert attempt(engine, name, WRONG, now=now) == "locked" and fired.is_set()
    assert account_row(engine, name).locked_until == later + dt.timedelta(minutes=accounts.LOCK_MINUTES)
    assert attempt(engine, name, PASSWORD, now=later + dt.timedelta(minutes=accounts.LOCK_MINUTES - 1)) == "locked"


def test_right_and_wrong_passwords_mixed_in_parallel_leave_a_consistent_account(engine, name):
    """Whatever the order, no right password signs in after five wrong ones without a success
    between them, and the stored count is the wrong attempts since the last success or lock."""
    passwords = [WRONG] * 12 + [PASSWORD] * 4
    outcomes = in_parallel(engine, name, passwords)
    audited = sign_in_audit(engine, name)
    assert len(audited) == len(passwords)
    run, locked = 0, False
    for action, detail in audited:  # replay the log in commit order (audit ids follow it)
        if action == "sign_in":
            assert not locked and run < accounts.MAX_FAILED_ATTEMPTS
            run = 0
        elif detail == "invalid":
            assert not locked
            run += 1
        elif detail == "locked after repeated failures":
            assert not locked and run == accounts.MAX_FAILED_ATTEMPTS - 1
            run, locked = 0, True
        else:
            assert detail == "locked" and locked
    failed, locked_until = account_row(engine, name)
    assert failed == run and (locked_until is not None) == locked
    assert outcomes.count("ok") == sum(1 for action, _ in audited if action == "sign_in")
