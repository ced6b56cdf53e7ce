"""CEBRS's cached reads: totals, problem categories, child areas, money against need, the project list."""
from __future__ import annotations

import pandas as pd

from data_access import cebrs
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics import cebrs as m
from metrics.fiscal import FiscalQuarter

from ._cache import loader


@loader(reads=("cebrs",))
def totals(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return cebrs.totals(read, area, period)


@loader(reads=("cebrs",))
def categories(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return m.by_category(cebrs.by_category(read, area, period))


@loader(reads=("cebrs",))
def by_area(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return m.with_rates(cebrs.by_area(read, area, period))


@loader(reads=("cebrs", "padme", "thaiqm"))
def need(read: ScopedReader, area: Area, period: FiscalQuarter, by: str | None = None) -> pd.DataFrame:
    """Relief and PADME money against ThaiQM's households: it reads three sources."""
    return cebrs.need(read, area, period, by)


@loader(reads=("cebrs",), max_entries=128)
def projects(read: ScopedReader, area: Area, year: int) -> pd.DataFrame:
    return cebrs.projects(read, area, year)
