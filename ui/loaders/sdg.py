"""The SDGs' cached reads: the goals and indicators (reference) and indicator values per area and year."""
from __future__ import annotations

import pandas as pd

from data_access import sdg
from data_access.reader import ScopedReader
from data_access.scope import Area

from ._cache import catalogue, loader


@catalogue(reads=("sdg",), max_entries=8)
def reference(e) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """(goals, indicators, years with values): reference data, keyed by the SDG version."""
    return sdg.goals(e), sdg.indicators(e), sdg.years(e)


@loader(reads=("sdg",))
def values(read: ScopedReader, area: Area, years: tuple[int, ...], by: str) -> pd.DataFrame:
    return sdg.values(read, area, years, by)
