"""The audit trail: sign-ins (and failures), refusals, imports, exports and account changes.

Written in the same transaction as the act it records where there is one; never holds a password.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from . import schema as s
from .clock import utcnow
from .scope import NotPermitted, Viewer


def record(conn: Connection, actor: str, action: str, scope: str = "", detail: str = "") -> None:
    conn.execute(insert(s.audit_log).values(at=utcnow(), actor=actor, action=action, scope=scope,
                                            detail=detail[:2000]))


def log(engine: Engine, actor: str, action: str, scope: str = "", detail: str = "") -> None:
    with engine.begin() as conn:
        record(conn, actor, action, scope, detail)


def recent(engine: Engine, viewer: Viewer, limit: int = 500) -> pd.DataFrame:
    """The newest entries, for admins only."""
    if viewer.role != "admin":
        raise NotPermitted(f"{viewer.name} may not read the audit log", page=True)
    t = s.audit_log
    with engine.connect() as conn:
        result = conn.execute(select(t.c.at, t.c.actor, t.c.action, t.c.scope, t.c.detail)
                              .order_by(t.c.audit_id.desc()).limit(limit))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
