"""The reporting calendar's cached reads: which districts filed a quarter's reports, and when, judged
against the due dates of `[reporting]` (metrics.compliance) on today's Bangkok date.

The facts (data_access.compliance) are cached by the three reported sources' versions; the judgement
is recomputed on every run, because a report that is not in turns from "open" to "missing" at
midnight without any write.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access import clock, compliance
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics import compliance as m
from metrics.fiscal import FiscalQuarter

from ._cache import loader

REPORTED = ("padme", "cebrs", "thaiqm")


@loader(reads=REPORTED, max_entries=256)
def facts(read: ScopedReader, area: Area, quarter: FiscalQuarter) -> pd.DataFrame:
    """Each district of the area × source it owes for the quarter: data_access.compliance.COLUMNS."""
    return compliance.districts(read, area, quarter)


def due_dates(quarter: FiscalQuarter) -> dict[str, dt.date]:
    return compliance.due_dates(quarter)


def judged_quarter(period: FiscalQuarter, today: dt.date | None = None) -> FiscalQuarter:
    """The quarter whose reports the war room judges while `period` is in view (the latest one due)."""
    return compliance.judged_quarter(period, today or clock.today())


def judged(ctx, area: Area, quarter: FiscalQuarter, today: dt.date | None = None) -> pd.DataFrame:
    """facts with due_on, filed_on, status and days_late (metrics.compliance.classify)."""
    return m.classify(facts(ctx, area, quarter), due_dates(quarter), today or clock.today())
