"""The embedded SQLite store's own faults, noticed while the app runs (issue 20).

Tried on 2026-12-02: the SQLite file moved away, or its first 16 KB overwritten, while the app ran went
unnoticed, because the pooled connections keep the old inode open and their page cache keeps serving
figures. `check(engine)` is the cheap check every page run and the health route make: a stat and 100
bytes read every time (microseconds), and at most once a second one fresh connection that never creates
a file, a read and a write rolled back (about 1 ms on a quiet machine):

- gone: nothing at the path any more (moved or deleted);
- replaced: the path now names another file than the one this process opened (st_dev, st_ino);
- header: the first 16 bytes are not "SQLite format 3\\0" or the page size (bytes 16-17) is impossible;
- corrupt: SQLite itself refuses the file ("file is not a database", "malformed"), or the scheduled
  `PRAGMA quick_check` (every `[database] integrity_check_minutes`, in a background thread, result
  kept per process) found damage;
- locked: another process holds the file (a sqlite3 shell in `PRAGMA locking_mode=EXCLUSIVE`): a read
  waits LOCK_WAIT_SECONDS, not the pages' 10 s busy timeout;
- readonly: SQLite cannot write it (`chattr +i`, a read-only mount; the app runs as root, so os.access
  says yes: the probe is a write statement in a transaction rolled back, as SQLite sees it).

On the first four the engine's pooled connections are disposed and new ones refused (`watch`) until
the file is right again, so nothing serves figures from the old inode and nothing creates an empty
file at the path; the pages stop with a banner and /healthz says "down". A read-only file still holds
consistent figures, so pages go on serving them with a warning, and every write (imports, reports)
is refused before it begins. Nothing here applies to PostgreSQL (`check` returns None).
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

from .clock import now
from .settings import PROJECT_ROOT, store_check_limits

MAGIC = b"SQLite format 3\x00"
LOCK_WAIT_SECONDS = 0.5      # how long the check's read waits for a lock before it says "locked"
FIRST_INTEGRITY_MINUTES = 5  # not at start-up, when replicas start together and draw their first pages
PROBE_SECONDS = 1.0          # the open-read-write probe's answer is shared by the checks of this long
STOPPING = ("gone", "replaced", "header", "corrupt", "locked")  # no figures while one of these stands
BLOCKING = ("gone", "replaced", "header", "corrupt")           # and no new engine connections either


@dataclass(frozen=True)
class Fault:
    kind: str              # gone, replaced, header, corrupt, locked, readonly
    path: str              # the file, relative to the project when inside it
    since: dt.datetime     # aware UTC: when this process first saw it
    detail: str = ""       # what was found, in English (SQLite's message, the bytes read)

    @property
    def serving(self) -> bool:
        """Pages may go on showing figures (a read-only file): they only refuse writes."""
        return self.kind not in STOPPING

    def reason(self) -> str:
        """One line for an import's refusal, the CLI and the logs."""
        what = {"gone": "is gone from its path (moved or deleted)",
                "replaced": "was replaced by another file while the app ran",
                "header": "has a damaged header: it is not a SQLite database any more",
                "corrupt": "is damaged (the integrity check failed)",
                "locked": "is locked by another process",
                "readonly": "is read-only"}[self.kind]
        return (f"the database file {self.path} {what}" + (f" ({self.detail})" if self.detail else "")
                + "; nothing was written")

    def as_dict(self) -> dict:
        return {"status": self.kind, "file": self.path, "since": self.since.isoformat(timespec="seconds"),
                "detail": self.detail}


@dataclass
class _State:
    identity: tuple[int, int] | None = None
    fd: int | None = None                    # the file's descriptor, opened once (see _remember)
    probed_at: float | None = None           # time.monotonic() of the last _probe, and what it found
    probed: tuple[str | None, str] = (None, "")
    page_size: int | None = None
    since: dict[str, dt.datetime] = field(default_factory=dict)   # kind -> first seen
    last: Fault | None = None
    # the scheduled quick_check: when it last finished, on which file state, and what it found
    integrity_at: float | None = None        # time.monotonic()
    integrity_of: tuple | None = None        # (ino, size, mtime_ns) of the file it checked
    integrity_problem: str = ""              # "" = ok
    integrity_seconds: float | None = None
    integrity_thread: threading.Thread | None = None
    started: float = field(default_factory=time.monotonic)


_STATES: dict[str, _State] = {}
_LOCK = threading.Lock()


def file_path(engine: Engine) -> str | None:
    """The SQLite file behind `engine`, absolute; None for PostgreSQL or an in-memory database."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database)


def shown(path: str) -> str:
    """The path as a banner names it: relative to the project when inside it."""
    try:
        return os.path.relpath(path, PROJECT_ROOT) if os.path.commonpath([path, str(PROJECT_ROOT)]) == str(PROJECT_ROOT) else path
    except ValueError:
        return path


def _state(path: str) -> _State:
    with _LOCK:
        return _STATES.setdefault(path, _State())


def _remember(path: str) -> None:
    state = _state(path)
    if state.identity is None:
        try:
            st = os.stat(path)
        except OSError:
            return
        if st.st_size >= 100:
            # One descriptor per file, kept open for the process's life and read with pread: closing any
            # descriptor of a file drops every POSIX lock this process holds on it, SQLite's included
            # (its readers' shared locks; another process would then checkpoint under them).
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                return
            st = os.fstat(fd)
            state.identity, state.fd = (st.st_dev, st.st_ino), fd


def watch(engine: Engine) -> None:
    """Called once per engine (db.engine_for): remember the file's identity at the first connection,
    and refuse new connections while the file is gone, replaced or damaged (a new connection would
    open, or create, whatever is at the path now)."""
    path = file_path(engine)
    if path is None:
        return

    @event.listens_for(engine, "do_connect")
    def _guard(dialect, conn_rec, cargs, cparams):
        last = _state(path).last
        if last is not None and last.kind in BLOCKING:
            raise sqlite3.OperationalError(last.reason().replace("; nothing was written", "; not opened"))
        return None

    @event.listens_for(engine, "connect")
    def _first(dbapi_conn, record):
        _remember(path)


def _header(fd: int) -> tuple[str | None, int | None]:
    head = os.pread(fd, 100, 0)  # never open() and close() the file here: see _remember
    if len(head) == 0:
        return None, None  # an empty file: SQLite's own "not yet written"; the open below says more
    if head[:16] != MAGIC:
        return f"first 16 bytes are {head[:16]!r}, not {MAGIC!r}", None
    if len(head) < 18:
        return "the header is cut short", None
    size = int.from_bytes(head[16:18], "big")
    size = 65536 if size == 1 else size
    if size < 512 or size > 65536 or size & (size - 1):
        return f"page size field {head[16:18].hex()} is not a power of two from 512 to 65536", None
    return None, size


def _probe(path: str) -> tuple[str | None, str]:
    """Open the file as SQLite sees it (never creating it), read, then try a write and roll it back.
    Returns (kind, detail) of a problem, or (None, "")."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=LOCK_WAIT_SECONDS,
                               isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        return ("gone" if not os.path.exists(path) else "corrupt"), f"opening: {exc}"
    try:
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('dataset_meta', 'data_version')")]
        except sqlite3.Error as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                return "locked", f"{text} after {LOCK_WAIT_SECONDS:g} s"
            return "corrupt", f"reading: {text} [{getattr(exc, 'sqlite_errorname', '')}]"
        if not tables:
            return None, ""  # a file War Room never set up: the pages say so themselves
        conn.execute("PRAGMA busy_timeout = 0")  # a writer at work (an import) is no fault: don't wait
        try:
            conn.execute("BEGIN")
            conn.execute(f'DELETE FROM "{tables[0]}" WHERE 0')  # write intent, no change
        except sqlite3.Error as exc:
            text = str(exc)
            if "readonly" in text or "read-only" in text:
                return "readonly", text
            if "locked" in text or "busy" in text:
                return None, ""  # someone holds the write lock for a moment: not a fault
            return "corrupt", f"writing: {text}"
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        return None, ""
    finally:
        conn.close()


def _signature(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def quick_check(path: str) -> tuple[str, float]:
    """SQLite's `PRAGMA quick_check` of the file (its b-trees and pages; not index contents): ("" when
    ok, else the first problems it names) and the seconds it took."""
    started = time.monotonic()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=5, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA query_only = 1")
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
        problem = "" if rows == ["ok"] else "; ".join(str(r) for r in rows)[:300]
    except sqlite3.Error as exc:
        text = str(exc)
        problem = "" if ("locked" in text or "busy" in text) else f"quick_check: {text}"
    return problem, time.monotonic() - started


def _run_integrity(path: str, state: _State) -> None:
    signature = _signature(path)
    problem, seconds = quick_check(path)
    state.integrity_problem, state.integrity_seconds = problem, seconds
    state.integrity_of, state.integrity_at = signature, time.monotonic()


def _schedule_integrity(path: str, state: _State) -> None:
    """Start the quick_check in the background when it is due: every `integrity_check_minutes` (0: never;
    the first one FIRST_INTEGRITY_MINUTES after start), and at once when the file changed since a check
    that found damage (it may have been restored). Piggy-backed on the checks: no timer thread."""
    minutes = float(store_check_limits()["integrity_check_minutes"])
    if minutes <= 0:
        return
    with _LOCK:
        if state.integrity_thread is not None and state.integrity_thread.is_alive():
            return
        if state.integrity_at is None:  # the first: FIRST_INTEGRITY_MINUTES after the process first used the file
            due = time.monotonic() - state.started >= min(minutes, FIRST_INTEGRITY_MINUTES) * 60
        else:
            due = time.monotonic() - state.integrity_at >= minutes * 60
        if state.integrity_problem and state.integrity_of != _signature(path):
            due = True
        if not due:
            return
        state.integrity_thread = threading.Thread(target=_run_integrity, args=(path, state),
                                                  name=f"warroom-quick-check {os.path.basename(path)}", daemon=True)
        state.integrity_thread.start()


def wait_for_integrity(engine: Engine, timeout: float) -> bool:
    """Wait (bounded) for a running quick_check of `engine`'s file; True when none is running."""
    path = file_path(engine)
    thread = _state(path).integrity_thread if path else None
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def integrity(engine: Engine) -> dict:
    """What this process's last quick_check found: {"problem": ..., "seconds": ..., "age_seconds": ...}."""
    path = file_path(engine)
    if path is None:
        return {}
    state = _state(path)
    age = None if state.integrity_at is None else round(time.monotonic() - state.integrity_at, 1)
    return {"problem": state.integrity_problem, "seconds": state.integrity_seconds, "age_seconds": age}


def _find(path: str, state: _State, fresh: bool) -> tuple[str | None, str]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ("gone", "no file at the path") if state.identity is not None else (None, "")
    except OSError as exc:
        return "gone", f"{type(exc).__name__}: {exc.strerror}"
    if state.identity is None:
        _remember(path)
    elif (st.st_dev, st.st_ino) != state.identity:
        return "replaced", f"inode {st.st_ino}, was {state.identity[1]}"
    if state.identity is None:
        return None, ""  # not a file War Room has used yet (an empty first-run file)
    try:
        problem, page_size = _header(state.fd)
    except OSError as exc:
        return "gone", f"{type(exc).__name__}: {exc.strerror}"
    if problem:
        return "header", problem
    if page_size and state.page_size and page_size != state.page_size:
        return "header", f"page size {page_size}, was {state.page_size}"
    state.page_size = state.page_size or page_size
    probe = fresh or state.probed_at is None or time.monotonic() - state.probed_at >= PROBE_SECONDS
    if probe:
        state.probed, state.probed_at = _probe(path), time.monotonic()
    kind, detail = state.probed
    if kind is not None:
        return kind, detail
    if probe:  # as seldom as the probe: it reads .streamlit/warroom.toml
        _schedule_integrity(path, state)
    if state.integrity_problem:
        if state.integrity_of == _signature(path):
            return "corrupt", state.integrity_problem
        # changed since (restored?): checked again at once (scheduled above); until then still damaged
        return "corrupt", state.integrity_problem + " (being checked again)"
    return None, ""


def check(engine: Engine, fresh: bool = False) -> Fault | None:
    """The store's fault now, or None (also for PostgreSQL). On the first sight of a fault that stops
    the pages the engine's pooled connections are disposed (they still point at the old file). The
    stat and header are read at every call; the open-read-write probe at most once a PROBE_SECONDS
    (the sessions of a busy replica share it) unless `fresh` (a write about to start)."""
    path = file_path(engine)
    if path is None:
        return None
    state = _state(path)
    kind, detail = _find(path, state, fresh)
    if kind is None:
        if state.last is not None and state.last.kind in BLOCKING:
            engine.dispose()  # connections opened while it was wrong (none should be) are not reused
        state.since.clear()
        state.last = None
        return None
    since = state.since.setdefault(kind, now())
    for other in [k for k in state.since if k != kind]:
        del state.since[other]
    fault = Fault(kind, shown(path), since, detail)
    first = state.last is None or state.last.kind != kind
    state.last = fault
    if first and kind in STOPPING:
        engine.dispose()
    return fault


def report(engine: Engine) -> dict:
    """The health route's "store" entry: {} for PostgreSQL, else status "ok" or the fault's kind, the
    file, since when, and the last quick_check."""
    path = file_path(engine)
    if path is None:
        return {}
    fault = check(engine)
    found = fault.as_dict() if fault else {"status": "ok", "file": shown(path)}
    found["quick_check"] = integrity(engine)
    return found


def write_refusal(engine: Engine) -> str | None:
    """Why a write (an import, a report) must not start on this store, or None: any fault refuses it,
    before anything is written."""
    fault = check(engine, fresh=True)
    return fault.reason() if fault else None


def write_failure(engine: Engine, exc: BaseException) -> str | None:
    """Why a write failed, when the store is the cause (the file turned read-only, locked or gone
    while an import ran): the reason to report, or None when it is another database error."""
    if file_path(engine) is None:
        return None
    fault = check(engine, fresh=True)
    if fault is not None:
        return fault.reason()
    text = str(getattr(exc, "orig", None) or exc)
    for needle, what in (("readonly", "is read-only"), ("locked", "was locked by another process"),
                         ("disk I/O error", "could not be written (disk I/O error)")):
        if needle in text:
            return f"the database file {shown(file_path(engine))} {what} ({text.splitlines()[0][:200]}); nothing was written"
    return None
