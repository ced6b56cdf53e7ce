"""Data health and uploads: how much each source holds, what the imports did, and the upload door.

The figures are national (row counts of whole tables) and the import log names files and people, so
only the country-level roles read them; a governor or district officer gets NotPermitted before any
SQL runs. Uploading changes the data of the whole country, so it is for admins alone: `upload` is the
app's one way into `imports.import_file`, which keeps its own signature for the CLI.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from . import access, imports, schema as s
from .reader import ScopedReader
from .scope import Viewer

# What a source's rows are: (what, table) per source; PADME holds projects and their quarterly reports.
HELD = {
    "padme": (("padme_projects", s.padme_project), ("padme_reports", s.padme_report)),
    "cebrs": (("cebrs_projects", s.cebrs_project),),
    "thaiqm": (("thaiqm_households", s.thaiqm_household),),
    "sdg": (("sdg_values", s.sdg_value),),
}
LOG_COLUMNS = ("import_id", "source", "file_name", "imported_by", "started_at", "finished_at", "n_rows",
               "accepted", "report")


def check(viewer: Viewer) -> None:
    """The data health of the country (docs/ACCESS.md: view_health)."""
    access.require(viewer, "view_health")


def check_admin(viewer: Viewer) -> None:
    """Bringing data in (docs/ACCESS.md: import)."""
    access.require(viewer, "import")


def rows_held(reader: ScopedReader, source: str) -> dict[str, int]:
    """{what: row count} of one source's tables (a full count: callers cache it by data version)."""
    return {what: int(reader.country(select(func.count().label("n")).select_from(table), "view_health")["n"].iloc[0])
            for what, table in HELD[source]}


def status(reader: ScopedReader) -> pd.DataFrame:
    """source, version, updated_at (UTC), data_through: one row per source."""
    t = s.data_version
    return reader.country(select(t.c.source, t.c.version, t.c.updated_at, t.c.data_through).order_by(t.c.source),
                          "view_health")


def import_log(reader: ScopedReader, accepted: bool, limit: int = 20) -> pd.DataFrame:
    """The newest imports that were accepted (or rejected), newest first, with their reports."""
    t = s.import_log
    stmt = (select(*(t.c[name] for name in LOG_COLUMNS)).where(t.c.accepted.is_(accepted))
            .order_by(t.c.import_id.desc()).limit(limit))
    return reader.country(stmt, "view_health")


def last_imports(reader: ScopedReader) -> pd.DataFrame:
    """Each source's newest accepted import (sources never imported have no row)."""
    t = s.import_log
    newest = (select(func.max(t.c.import_id).label("import_id")).where(t.c.accepted.is_(True))
              .group_by(t.c.source).subquery())
    stmt = (select(*(t.c[name] for name in LOG_COLUMNS))
            .join(newest, newest.c.import_id == t.c.import_id).order_by(t.c.source))
    return reader.country(stmt, "view_health")


def upload(engine: Engine, viewer: Viewer, name: str, path: Path) -> dict:
    """Import one uploaded file as the admin `viewer` (imports.import_file: all or nothing, logged)."""
    check_admin(viewer)
    return imports.import_file(engine, name, path, user=viewer.name)
