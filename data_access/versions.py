"""Data versions: one counter per source, bumped inside every write transaction.

Readers put the version into their cache keys, so a cache can never serve figures older than the data,
and a live page only has to ask for these four numbers to know whether anything changed.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, insert, select, update

from . import schema
from .clock import utcnow


def ensure(conn: Connection) -> None:
    """Give every source a version row (version 0, no data yet) where it has none."""
    t = schema.data_version
    present = set(conn.execute(select(t.c.source)).scalars())
    missing = [{"source": s, "version": 0, "updated_at": utcnow(), "data_through": None}
               for s in schema.SOURCES if s not in present]
    if missing:
        conn.execute(insert(t), missing)


def bump(conn: Connection, source: str, data_through: dt.date) -> None:
    """Count one more write of `source`; its data now runs through `data_through`, which the writer
    computes from what the tables hold (imports.data_through), so a corrected date corrects it."""
    if source not in schema.SOURCES:
        raise ValueError(f"unknown source {source!r}")
    ensure(conn)
    t = schema.data_version
    conn.execute(update(t).where(t.c.source == source)
                 .values(version=t.c.version + 1, updated_at=utcnow(), data_through=data_through))


def current(engine: Engine) -> dict[str, int]:
    t = schema.data_version
    with engine.connect() as conn:
        return {row.source: row.version for row in conn.execute(select(t.c.source, t.c.version))}
