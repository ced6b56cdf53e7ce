"""The data health page's cached reads, keyed by the data versions.

Row counts read whole tables (3 million households at national scale), so each source's counts are
cached under that source's version: an import of one source recounts only it. The last accepted
import moves with the versions too (it is logged in the import's own transaction). A rejected import
changes no version, so the import log itself is read on every run (a small indexed read).
"""
from __future__ import annotations

import pandas as pd

from data_access import health
from data_access.reader import ScopedReader

from ._cache import ALL, engine, loader


@loader(reads=lambda source: (source,), max_entries=64)
def rows_held(read: ScopedReader, source: str) -> dict[str, int]:
    return health.rows_held(read, source)


@loader(reads=ALL, max_entries=16)
def status(read: ScopedReader) -> pd.DataFrame:
    return health.status(read)


@loader(reads=ALL, max_entries=16)
def last_imports(read: ScopedReader) -> pd.DataFrame:
    return health.last_imports(read)


def import_log(ctx, accepted: bool, limit: int = 20) -> pd.DataFrame:
    return health.import_log(ScopedReader(engine(ctx.url), ctx.viewer), accepted, limit)
