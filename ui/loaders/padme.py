"""PADME's cached reads: the project list of an area and quarter, the breakdowns, one project's record."""
from __future__ import annotations

import pandas as pd

from data_access import padme
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics.fiscal import FiscalQuarter

from ._cache import loader


@loader(reads=("padme",))
def projects(read: ScopedReader, area: Area, period: FiscalQuarter, search: str) -> pd.DataFrame:
    return padme.projects(read, area, period, search or None)


@loader(reads=("padme",))
def breakdown(read: ScopedReader, area: Area, period: FiscalQuarter, by: str) -> pd.DataFrame:
    return padme.breakdown(read, area, period, by)


@loader(reads=("padme",), max_entries=64)
def record(read: ScopedReader, area: Area, project_id: str) -> tuple[dict, pd.DataFrame]:
    return padme.record(read, area, project_id)
