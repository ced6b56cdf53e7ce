"""One writer of a source at a time: imports (and, next, field reports) of the same source queue up.

Two imports that touch the same district rebuild the same rollup rows: run together they collided on
PostgreSQL (`UniqueViolation ... rollup_cebrs_pkey`), and on SQLite a second writer died with
`database is locked` once a long import had held the database for more than its busy timeout. Now a
writer takes its source's lock first and waits up to `[imports] wait_seconds` for it; past that it is
refused with `Busy`, whose message says so and since when (SQLite), never a database error.

- PostgreSQL: a transaction-scoped advisory lock (released at commit or rollback), waited for under a
  `lock_timeout`.
- SQLite: an exclusive `flock` on a file beside the database, taken before the transaction begins and
  released after it ends, so the waiter never meets the database's own write lock.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

from sqlalchemy import Connection, Engine

from .clock import utcnow


class Busy(Exception):
    def __init__(self, source: str, wait: float, holder: str = ""):
        super().__init__(f"another import of {source} is running{' ' + holder if holder else ''}; waited "
                         f"{wait:g} s for it: try again in a few minutes")


def _advisory_key(source: str) -> int:
    return int.from_bytes(f"warroom:{source}".encode()[:8].ljust(8, b"\0"), "big", signed=True)


def _advisory(conn: Connection, source: str, wait: float) -> None:
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(1, int(wait * 1000))}ms'")
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_advisory_key(source)})")
    except Exception as exc:  # SQLAlchemy's OperationalError around psycopg's LockNotAvailable
        if type(getattr(exc, "orig", exc)).__name__ == "LockNotAvailable":
            raise Busy(source, wait) from None
        raise
    conn.exec_driver_sql("SET LOCAL lock_timeout = 0")


@contextlib.contextmanager
def _file_lock(path: str, source: str, wait: float) -> Iterator[None]:
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise Busy(source, wait, handle.read().strip()) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"since {utcnow():%H:%M} UTC (process {os.getpid()})")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def source_transaction(engine: Engine, source: str, wait: float) -> Iterator[Connection]:
    """A write transaction that holds `source`'s lock from before it begins until after it ends."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _advisory(conn, source, wait)
            yield conn
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with engine.begin() as conn:
            yield conn
        return
    with _file_lock(f"{database}.{source}.lock", source, wait), engine.begin() as conn:
        yield conn
