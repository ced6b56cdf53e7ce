"""Where a page's read runs: the PostgreSQL hot standby when it holds the data the page announces,
else the primary.

Only the pages' scoped reads (reader.ScopedReader.frame and .reference, made by a cached loader that
knows the data versions it is keyed by) are ever routed; everything else — writes, the data-version
check every run makes, sign-in, sessions, accounts, audit, notify, field reports, imports, the
country-level reads — uses the primary engine as before. Without a read URL, or on SQLite, there is no
Router and nothing changes.

A routed read is safe by construction, never by timing: the loader passes down the versions it is keyed
by (read from the primary this run) as a *floor*. On the standby, in ONE repeatable-read transaction,
the router reads `data_version` and the replay lag, and only when every source the statement reads is
at or above the floor (and the lag within `[database] standby_max_lag_seconds`) runs the statement in
that same transaction, on that same snapshot. Otherwise the statement runs on the primary: the person
who just imported or reported reads their own write. A table no data version covers (anything outside
schema.VERSIONED_BY and schema.REFERENCE_TABLES) is always read on the primary.

A standby that does not answer is left alone for `standby_retry_seconds` (reads go to the primary
meanwhile) and connects with a short timeout, so a dead standby costs one refused connection per
interval, not one per read.

Every decision is recorded (`Router.decisions`, the last few thousand; `Router.counts`, all of them) as
(where, why, tables), so tests and the operator can see where reads went and why.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, Table, create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import visitors

from . import schema as s
from . import settings

STANDBY, PRIMARY = "standby", "primary"
# Why a read went where it did.
CURRENT = "standby current"        # the standby holds at least the versions the page announces
BEHIND = "standby behind"          # a source the statement reads is older on the standby than the floor
LAGGING = "standby lagging"        # the standby replays more than standby_max_lag_seconds behind
DOWN = "standby down"              # it did not accept a connection (now, or within the retry interval)
FAILED = "standby failed"          # the statement failed there (e.g. a recovery conflict): read again on the primary
UNVERSIONED = "unversioned table"  # a table no data version covers (notes, accounts...)
NO_FLOOR = "no floor"              # the caller did not say which versions the read must be at

log = logging.getLogger(__name__)  # the kind of failure only, never a URL
VERSIONED = frozenset(s.VERSIONED_BY)
REFERENCE = frozenset(s.REFERENCE_TABLES)

# The replay lag in seconds: 0 when everything received has been replayed (an idle primary sends
# nothing, so the age of the last replayed transaction says nothing then), or when this is no standby.
_LAG_SQL = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0.0"
    " WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0.0) END")


def tables_of(stmt) -> set[str]:
    """The names of every table a statement reads, subqueries and aliases included."""
    return {el.name for el in visitors.iterate(stmt) if isinstance(el, Table)}


@dataclass(frozen=True)
class Decision:
    where: str   # STANDBY or PRIMARY
    why: str     # one of the reasons above
    tables: tuple[str, ...]
    detail: str = ""  # e.g. "padme 7 < 8", "lag 41.2 s"


def sources_needed(tables: set[str], floor: Mapping[str, int] | None) -> tuple[str, ...] | str:
    """The sources whose versions must be at the floor for a statement reading `tables`, or the
    reason (UNVERSIONED, NO_FLOOR) it must run on the primary. Reading `data_version` itself needs
    every source of the floor (a data-through date is as new as its version)."""
    unknown = tables - VERSIONED - REFERENCE
    if unknown:
        return UNVERSIONED
    needed = {source for table in tables & VERSIONED for source in s.VERSIONED_BY[table]}
    if "data_version" in tables:
        needed |= set(floor or ())
    if needed and (floor is None or not needed <= set(floor)):
        return NO_FLOOR
    return tuple(sorted(needed))


class Router:
    """Sends a read to the standby or the primary, and remembers why."""

    def __init__(self, standby: Engine, max_lag_seconds: float = 30, retry_seconds: float = 30,
                 keep: int = 2000):
        self.standby = standby
        self.max_lag_seconds, self.retry_seconds = float(max_lag_seconds), float(retry_seconds)
        self.decisions: deque[Decision] = deque(maxlen=keep)
        self.counts: Counter[tuple[str, str]] = Counter()
        self._down_until = 0.0  # time.monotonic() before which the standby is not tried
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never the URLs: they may hold a password
        return f"Router(max_lag={self.max_lag_seconds:g}s, retry={self.retry_seconds:g}s)"

    # -- bookkeeping ---------------------------------------------------------------------------------
    def _record(self, where: str, why: str, tables, detail: str = "") -> None:
        decision = Decision(where, why, tuple(sorted(tables)), detail)
        with self._lock:
            self.decisions.append(decision)
            self.counts[(where, why)] += 1

    def clear(self) -> None:
        with self._lock:
            self.decisions.clear()
            self.counts.clear()

    def mark_down(self, why: str = "") -> None:
        if not self.resting:
            log.warning("standby not answering (%s): reads go to the primary, tried again in %g s",
                        why or "no connection", self.retry_seconds)
        self._down_until = time.monotonic() + self.retry_seconds

    def mark_up(self) -> None:
        self._down_until = 0.0

    @property
    def resting(self) -> bool:
        """True while a standby that did not answer is being left alone."""
        return time.monotonic() < self._down_until

    # -- the read --------------------------------------------------------------------------------------
    def select(self, stmt, floor: Mapping[str, int] | None,
               primary: Callable[[object], pd.DataFrame]) -> pd.DataFrame:
        """`stmt`'s rows, from the standby when it is at `floor`, else from `primary(stmt)` (the
        reader's own run on the primary engine)."""
        tables = tables_of(stmt)
        needed = sources_needed(tables, floor)
        if isinstance(needed, str):
            return self._on_primary(primary, stmt, needed, tables)
        if self.resting:
            return self._on_primary(primary, stmt, DOWN, tables, "resting")
        try:
            conn = self.standby.connect()
        except DBAPIError as exc:
            kind = type(exc.orig).__name__ if exc.orig else type(exc).__name__
            self.mark_down(kind)
            return self._on_primary(primary, stmt, DOWN, tables, kind)
        try:
            with conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    have, lag = _state(conn)
                    behind = [f"{src} {have.get(src, 0)} < {floor[src]}" for src in needed
                              if have.get(src, -1) < floor[src]]
                    if behind:
                        why, detail = BEHIND, ", ".join(behind)
                    elif lag > self.max_lag_seconds:
                        why, detail = LAGGING, f"lag {lag:.1f} s"
                    else:
                        result = conn.execute(stmt)
                        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
                        self._record(STANDBY, CURRENT, tables, f"lag {lag:.1f} s")
                        return frame
        except DBAPIError as exc:
            why, detail = FAILED, type(exc.orig).__name__ if exc.orig else type(exc).__name__
            if exc.connection_invalidated:
                self.mark_down(detail)
        return self._on_primary(primary, stmt, why, tables, detail)

    def _on_primary(self, primary, stmt, why: str, tables, detail: str = "") -> pd.DataFrame:
        self._record(PRIMARY, why, tables, detail)
        return primary(stmt)

    # -- health ----------------------------------------------------------------------------------------
    def probe(self) -> dict:
        """The standby as /healthz reports it: state ok | lagging | down, its replay lag in seconds, the
        lag allowed, and how many page reads went to each server. A standby being left alone after a
        failure is reported down without another connection."""
        with self._lock:  # the reads this process routed since it started (or since clear())
            reads = {where: sum(n for (w, _), n in self.counts.items() if w == where) for where in (STANDBY, PRIMARY)}
        limit = {"max_lag_seconds": self.max_lag_seconds, "reads": reads}
        if self.resting:
            return {"state": "down", "lag_seconds": None, **limit, "error": "resting"}
        try:
            with self.standby.connect() as conn:
                lag = float(conn.execute(_LAG_SQL).scalar_one())
        except Exception as exc:  # whatever the standby does, it is "down", named, never a trace
            self.mark_down(type(exc).__name__)
            return {"state": "down", "lag_seconds": None, **limit, "error": type(exc).__name__}
        self.mark_up()
        return {"state": "lagging" if lag > self.max_lag_seconds else "ok", "lag_seconds": round(lag, 1), **limit}


def _state(conn) -> tuple[dict[str, int], float]:
    """The standby's data versions and replay lag, read inside the caller's transaction."""
    dv = s.data_version
    have = {row.source: int(row.version) for row in conn.execute(select(dv.c.source, dv.c.version))}
    return have, float(conn.execute(_LAG_SQL).scalar_one())


def standby_engine(url: str, connect_seconds: float) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": max(1, int(connect_seconds))})


_ROUTERS: dict[tuple[str, str], Router] = {}
_ROUTERS_LOCK = threading.Lock()


def _router(url: str, read_url: str) -> Router:
    with _ROUTERS_LOCK:
        if (url, read_url) not in _ROUTERS:
            limits = settings.standby_limits()  # read once per process, like the engines
            _ROUTERS[(url, read_url)] = Router(
                standby_engine(read_url, limits["standby_connect_seconds"]),
                limits["standby_max_lag_seconds"], limits["standby_retry_seconds"])
        return _ROUTERS[(url, read_url)]


def router_for(url: str) -> Router | None:
    """The Router of the database at `url`, or None (every read on `url`, as without a standby): no
    read URL is configured, `url` is SQLite, or `url` is not the configured database (a read URL is
    the standby of the configured primary, never of another database a command was pointed at)."""
    if not url or url.startswith("sqlite"):
        return None
    read = settings.read_url()
    if not read or read == url or url != settings.resolve().url:
        return None
    return _router(url, read)


def health(url: str | None = None) -> dict:
    """/healthz's "standby" entry: {"state": "off"} without a standby, else Router.probe()."""
    try:
        router = router_for(url if url is not None else settings.resolve().url)
    except Exception as exc:  # an unreadable configuration: say so, never fail the caller
        return {"state": "down", "lag_seconds": None, "error": type(exc).__name__}
    return {"state": "off"} if router is None else router.probe()


def reset() -> None:
    """Forget every router and close its standby connections (tests; a changed configuration)."""
    with _ROUTERS_LOCK:
        for router in _ROUTERS.values():
            router.standby.dispose()
        _ROUTERS.clear()
