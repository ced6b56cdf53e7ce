"""ThaiQM's cached reads: an area's counts and ratios, its child areas, the year's trend, subdistricts."""
from __future__ import annotations

import pandas as pd

from data_access import thaiqm
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics import thaiqm as m
from metrics.fiscal import FiscalQuarter

from ._cache import loader
from .core import area_index, child_names


@loader(reads=("thaiqm",), max_entries=512)
def totals(read: ScopedReader, area: Area, period: FiscalQuarter) -> dict:
    """The area's counts and ratios for the quarter ({} without data)."""
    return m.totals_row(thaiqm.totals(read, area, period))


@loader(reads=("thaiqm",))
def _child_counts(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return thaiqm.totals(read, area, period, by=area.child_level)


def children(ctx, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """Every child area, named (area_code, name_th, name_en), with its counts and ratios (NaN without data)."""
    named = child_names(area_index(ctx.url), area).merge(_child_counts(ctx, area, period), on="area_code", how="left")
    return m.with_kpis(named)


@loader(reads=("thaiqm",))
def trend(read: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    return m.trend(thaiqm.year_trend(read, area, period), period.quarter)


@loader(reads=("thaiqm",))
def subdistricts(read: ScopedReader, dist_code: str, period: FiscalQuarter) -> pd.DataFrame:
    return m.with_kpis(thaiqm.subdistricts(read, dist_code, period))
