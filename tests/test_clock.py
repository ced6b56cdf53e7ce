"""data_access.clock: one "now", set by tests, inherited by child processes, Bangkok's date."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data_access import clock
from metrics.fiscal import week_start

ROOT = Path(__file__).resolve().parent.parent


def test_the_fixture_puts_every_test_on_the_data_s_as_of_day(clock):
    assert clock.now() == dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)  # 14:00 in Bangkok
    from data_access import clock as module
    assert module.today() == dt.date(2026, 11, 20) and week_start(module.today()) == dt.date(2026, 11, 16)


def test_bangkok_s_day_starts_at_five_in_the_afternoon_utc(clock):
    from data_access import clock as module
    clock.set(dt.datetime(2026, 11, 22, 16, 59, tzinfo=dt.UTC))
    assert module.today() == dt.date(2026, 11, 22)  # 23:59 Sunday in Bangkok
    clock.advance(minutes=1)
    assert module.today() == dt.date(2026, 11, 23) and week_start(module.today()) == dt.date(2026, 11, 23)


def test_moments_are_stored_naive_utc_and_stamps_follow_the_clock(clock):
    from data_access import clock as module
    before = module.timestamp()
    clock.advance(minutes=31)
    assert module.timestamp() - before == 31 * 60
    assert module.utcnow() == dt.datetime(2026, 11, 20, 7, 31) and module.utcnow().tzinfo is None


def test_a_moment_without_a_zone_is_bangkok_time():
    assert clock.parse_moment("2027-01-01 00:30") == dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert clock.parse_moment("2027-01-01") == dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        clock.parse_moment("next tuesday")


def test_frozen_restores_the_clock_it_replaced():
    outer = clock.now()
    with clock.frozen("2031-02-28 23:30") as inner:
        assert clock.today() == dt.date(2031, 2, 28)
        inner.advance(hours=1)
        assert clock.today() == dt.date(2031, 3, 1)
    assert clock.now() == outer


def _child_today(env_now: str | None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if env_now is not None:
        env["WARROOM_NOW"] = env_now
    return subprocess.run([sys.executable, "-c", "from data_access import clock; import time; a = clock.now(); "
                           "time.sleep(0.2); b = clock.now(); print(clock.today(), (b - a).total_seconds() >= 0.2)"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_child_process_starts_at_warroom_now_and_its_clock_runs():
    done = _child_today("2030-07-01T23:59:59.9+07:00")
    assert done.returncode == 0, done.stderr
    day, runs = done.stdout.split()
    assert day in ("2030-07-01", "2030-07-02") and runs == "True"


def test_a_bad_warroom_now_is_named():
    done = _child_today("soon")
    assert done.returncode != 0 and "WARROOM_NOW='soon'" in done.stderr
