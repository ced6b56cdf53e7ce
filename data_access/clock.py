"""The one source of "now" for the app, the CLI and the simulator, and the one place tests set it.

Moments are stored as naive UTC (`utcnow`); people read Bangkok time (`today`, the week, the fiscal
quarter). Nothing else in the project reads the system clock, so a test decides what day it is:

- in-process: `with clock.frozen(moment):` (a fixed moment, moved on with `.advance(...)`), or the
  `clock` fixture of tests/conftest.py, which every test gets;
- in a child process (a `streamlit run` a browser test starts, the CLI): the environment variable
  `WARROOM_NOW=<ISO moment>` starts that process's clock at the moment and lets it run on in real
  time (so a wall's clock still ticks and a session still idles out).

A moment without a zone is read as Bangkok time ("2026-11-20 09:00" is nine in the morning in Thailand).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from collections.abc import Iterator

from metrics.fiscal import BANGKOK, bangkok_today

ENV = "WARROOM_NOW"


def parse_moment(text: str) -> dt.datetime:
    """An ISO date or date-time as an aware moment; no zone means Bangkok, a bare date its midnight."""
    moment = dt.datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class RunningClock:
    """Starts at `start` and runs at the real rate (monotonic), whatever the machine's date."""

    def __init__(self, start: dt.datetime):
        self._start, self._origin = start.astimezone(dt.UTC), time.monotonic()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._origin)


class FrozenClock:
    """Always the same moment until a test moves it on."""

    def __init__(self, moment: dt.datetime):
        self._moment = moment.astimezone(dt.UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self._moment

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        with self._lock:
            self._moment += delta if delta is not None else dt.timedelta(**kwargs)
            return self._moment

    def set(self, moment: dt.datetime) -> None:
        self._moment = (moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)).astimezone(dt.UTC)


def _from_environment():
    value = os.environ.get(ENV, "").strip()
    if not value:
        return SystemClock()
    try:
        return RunningClock(parse_moment(value))
    except ValueError as exc:
        raise SystemExit(f"{ENV}={value!r} is not an ISO date or date-time ({exc})") from None


_clock = _from_environment()


def now() -> dt.datetime:
    """This moment, aware, in UTC."""
    return _clock.now()


def utcnow() -> dt.datetime:
    """This moment as the database stores it: naive UTC."""
    return _clock.now().replace(tzinfo=None)


def bangkok_now() -> dt.datetime:
    return _clock.now().astimezone(BANGKOK)


def today() -> dt.date:
    """Today in Thailand (a day starts at midnight Bangkok time, 17:00 UTC the day before)."""
    return bangkok_today(_clock.now())


def timestamp() -> float:
    """Seconds since the epoch on this clock (idle timeouts, session stamps)."""
    return _clock.now().timestamp()


def use(clock) -> object:
    """Make `clock` the clock of this process; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextlib.contextmanager
def frozen(moment: dt.datetime | str) -> Iterator[FrozenClock]:
    """`with clock.frozen("2026-11-20 09:00") as c:` … `c.advance(minutes=31)`."""
    fixed = FrozenClock(parse_moment(moment) if isinstance(moment, str) else
                        (moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)))
    previous = use(fixed)
    try:
        yield fixed
    finally:
        use(previous)
