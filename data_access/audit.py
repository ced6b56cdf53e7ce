"""The audit trail: sign-ins (and failures), refusals, imports, exports and account changes.

Written in the same transaction as the act it records where there is one; never holds a password.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from . import access, schema as s
from .clock import utcnow
from .reader import ScopedReader
from .scope import Area, Viewer


def record(conn: Connection, actor: str, action: str, scope: str = "", detail: str = "") -> None:
    conn.execute(insert(s.audit_log).values(at=utcnow(), actor=actor, action=action, scope=scope,
                                            detail=detail[:2000]))


def log(engine: Engine, actor: str, action: str, scope: str = "", detail: str = "") -> None:
    with engine.begin() as conn:
        record(conn, actor, action, scope, detail)


def export(engine: Engine, viewer: Viewer, area: Area, what: str, rows: int) -> None:
    """Record a download of what is shown of `area`; refused where the viewer may not export it."""
    access.require(viewer, "export", area)
    log(engine, viewer.name, "export", str(area), f"{what}: {rows} rows")


def recent(reader: ScopedReader, limit: int = 500) -> pd.DataFrame:
    """The newest entries, for admins only (administer)."""
    t = s.audit_log
    return reader.country(select(t.c.at, t.c.actor, t.c.action, t.c.scope, t.c.detail)
                          .order_by(t.c.audit_id.desc()).limit(limit), "administer")
