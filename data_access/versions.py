"""Data versions: one counter per source, bumped inside every write transaction.

Readers put the version into their cache keys, so a cache can never serve figures older than the data,
and a live page only has to ask for these four numbers to know whether anything changed.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, func, insert, select, update

from . import schema
from .db import utcnow


def bump(conn: Connection, source: str, data_through: dt.date) -> None:
    if source not in schema.SOURCES:
        raise ValueError(f"unknown source {source!r}")
    t = schema.data_version
    res = conn.execute(update(t).where(t.c.source == source)
                       .values(version=t.c.version + 1, updated_at=utcnow(),
                               data_through=func.max(t.c.data_through, data_through)
                               if conn.dialect.name == "sqlite" else func.greatest(t.c.data_through, data_through)))
    if res.rowcount == 0:
        conn.execute(insert(t).values(source=source, version=1, updated_at=utcnow(), data_through=data_through))


def current(engine: Engine) -> dict[str, int]:
    t = schema.data_version
    with engine.connect() as conn:
        return {row.source: row.version for row in conn.execute(select(t.c.source, t.c.version))}
