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

from . import imports, queries, schema as s
from .scope import COUNTRY_ROLES, NotPermitted, Viewer

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
    """Country-level roles only (a role with an area sees no national table)."""
    if viewer.role not in COUNTRY_ROLES or viewer.prov_code or viewer.dist_code:
        raise NotPermitted(f"{viewer.name} may not see the data health of the country", page=True)


def check_admin(viewer: Viewer) -> None:
    if viewer.role != "admin":
        raise NotPermitted(f"{viewer.name} may not import data", page=True)


def rows_held(engine: Engine, viewer: Viewer, source: str) -> dict[str, int]:
    """{what: row count} of one source's tables (a full count: callers cache it by data version)."""
    check(viewer)
    with engine.connect() as conn:
        return {what: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for what, table in HELD[source]}


def status(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """source, version, updated_at (UTC), data_through: one row per source."""
    check(viewer)
    return queries.data_status(engine)


def import_log(engine: Engine, viewer: Viewer, accepted: bool, limit: int = 20) -> pd.DataFrame:
    """The newest imports that were accepted (or rejected), newest first, with their reports."""
    check(viewer)
    t = s.import_log
    stmt = (select(*(t.c[name] for name in LOG_COLUMNS)).where(t.c.accepted.is_(accepted))
            .order_by(t.c.import_id.desc()).limit(limit))
    return queries.frame(engine, stmt)


def last_imports(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """Each source's newest accepted import (sources never imported have no row)."""
    check(viewer)
    t = s.import_log
    newest = (select(func.max(t.c.import_id).label("import_id")).where(t.c.accepted.is_(True))
              .group_by(t.c.source).subquery())
    stmt = (select(*(t.c[name] for name in LOG_COLUMNS))
            .join(newest, newest.c.import_id == t.c.import_id).order_by(t.c.source))
    return queries.frame(engine, stmt)


def upload(engine: Engine, viewer: Viewer, name: str, path: Path) -> dict:
    """Import one uploaded file as the admin `viewer` (imports.import_file: all or nothing, logged)."""
    check_admin(viewer)
    return imports.import_file(engine, name, path, user=viewer.name)
