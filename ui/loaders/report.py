"""The report page's cached reads: what a field report form opens (a project's quarter, a district's
households, the relief projects), a record's history and the districts' filings. Writes go straight to
data_access.fieldreports (ui/report_view.py); their version bump makes these miss on the next run."""
from __future__ import annotations

import pandas as pd

from data_access import changes, fieldreports
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics.fiscal import FiscalQuarter

from ._cache import loader


@loader(reads=("padme",))
def padme_projects(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return fieldreports.padme_projects(read, area, period)


@loader(reads=("padme",), max_entries=512)
def padme_quarter(read: ScopedReader, area: Area, project_id: str, quarter: int):
    return fieldreports.padme_quarter(read, area, project_id, quarter)


@loader(reads=("thaiqm",))
def thaiqm_cases(read: ScopedReader, dist_code: str, year: int, statuses: tuple[str, ...] | None = None,
                 subdist_code: str | None = None, dimension: str | None = None, limit: int = 500) -> pd.DataFrame:
    return fieldreports.thaiqm_cases(read, dist_code, year, statuses, subdist_code, dimension, limit)


@loader(reads=("cebrs",))
def cebrs_projects(read: ScopedReader, area: Area, year: int) -> pd.DataFrame:
    return fieldreports.cebrs_open(read, area, year)


@loader(reads=lambda area, source, record_key: (source,), max_entries=512)
def history(read: ScopedReader, area: Area, source: str, record_key: str) -> pd.DataFrame:
    return changes.history(read, area, source, record_key)


@loader(reads=())
def subdistricts(read: ScopedReader, dist_code: str) -> pd.DataFrame:
    return fieldreports.subdistricts(read, dist_code)
