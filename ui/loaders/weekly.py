"""The weekly review's reads: the weeks with a snapshot, a week's KPI values and late projects, the notes.

Not cached: each is a small indexed read (one week, one KPI, an area and its children), and a cache
would need a version that snapshots do not have (a week can be taken again from the CLI, and notes
are written during the meeting, which everyone in it should see at once).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access import snapshots
from data_access.reader import ScopedReader
from data_access.scope import Area

from ._cache import engine


def _reader(ctx) -> ScopedReader:
    return ScopedReader(engine(ctx.url), ctx.viewer)


def weeks(ctx) -> list[dt.date]:
    return snapshots.weeks(engine(ctx.url))


def then(ctx, area: Area, week: dt.date, kpi: str) -> pd.DataFrame:
    return snapshots.values(_reader(ctx), area, week, kpi)


def late(ctx, area: Area, week: dt.date) -> pd.DataFrame:
    return snapshots.late(_reader(ctx), area, week)


def notes(ctx, area: Area, weeks: list[dt.date]) -> pd.DataFrame:
    return snapshots.notes(_reader(ctx), area, weeks)
