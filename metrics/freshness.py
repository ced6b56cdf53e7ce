"""Is a source fresh? Its last write against the hours an operator allows between writes.

The age is measured from the source's last write (`data_version.updated_at`), not from the day its
data runs through: that date legitimately lags (SDG values are yearly, a back-dated file may be
imported today), while a feed that stopped shows only in the time since it last wrote.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FRESH, STALE, NEVER = "fresh", "stale", "never"


@dataclass(frozen=True)
class Freshness:
    state: str  # FRESH, STALE or NEVER (the source has never been loaded)
    age_hours: float | None


def freshness(updated_at: dt.datetime | None, version: int, now: dt.datetime,
              stale_after_hours: float) -> Freshness:
    """Version 0 means no write has ever happened (init gives every source a version-0 row)."""
    if not version or updated_at is None:
        return Freshness(NEVER, None)
    age = (now - updated_at).total_seconds() / 3600
    return Freshness(STALE if age > stale_after_hours else FRESH, age)
