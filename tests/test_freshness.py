"""The staleness rule of the data health page (pure): fresh, stale, never loaded."""
import datetime as dt

import pytest

from metrics.freshness import FRESH, NEVER, STALE, freshness

NOW = dt.datetime(2026, 11, 21, 2, 0)


def test_a_recent_write_is_fresh_and_its_age_is_in_hours():
    result = freshness(NOW - dt.timedelta(hours=10), 3, NOW, 72)
    assert result.state == FRESH and result.age_hours == pytest.approx(10)


def test_a_write_older_than_the_threshold_is_stale():
    result = freshness(NOW - dt.timedelta(hours=73), 3, NOW, 72)
    assert result.state == STALE and result.age_hours == pytest.approx(73)


def test_exactly_the_threshold_is_still_fresh():
    assert freshness(NOW - dt.timedelta(hours=72), 3, NOW, 72).state == FRESH


def test_a_source_never_loaded_is_never_whatever_its_timestamp():
    """init gives every source a version-0 row stamped with the time of init."""
    assert freshness(NOW, 0, NOW, 72).state == NEVER
    assert freshness(None, 0, NOW, 72).age_hours is None
    assert freshness(None, 5, NOW, 72).state == NEVER


def test_a_clock_ahead_of_the_server_reads_as_fresh():
    assert freshness(NOW + dt.timedelta(minutes=5), 1, NOW, 0.01).state == FRESH
