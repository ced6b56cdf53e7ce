"""Engines and schema creation: one code path for the embedded SQLite file and for PostgreSQL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import (Column, Engine, MetaData, String, Table, create_engine, delete, event, func, insert, inspect,
                        select)
from sqlalchemy.exc import DBAPIError

from . import rollups, schema
from .settings import DatabaseSettings, resolve


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets a writer (import, simulate) and the app's readers work at once.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        from .storecheck import watch  # the file's identity; no new connection while it is gone or damaged
        watch(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": 5})


def get_engine(settings: DatabaseSettings | None = None) -> Engine:
    return engine_for((settings or resolve()).url)


# --- the schema's version: Alembic revisions (data_access/migrations/) -------------------------------------
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The revision that brought each schema version (dataset_meta's `schema_version`, the label older builds
# wrote and still read): a database made before Alembic is adopted at the revision of its label.
REVISION_OF = {"1": "0001", "2": "0002", "3": "0003", "4": "0004", "5": "0005", "6": "0006", "7": "0007"}
_alembic_version = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False))


class SchemaRefused(RuntimeError):
    """`upgrade` (or `init`) will not touch this database; the message says why and what to do."""


@dataclass(frozen=True)
class Upgraded:
    """What `upgrade` did: the schema version (label) and revision before and after, the revisions applied."""
    from_version: str | None
    to_version: str
    from_revision: str | None
    applied: tuple[str, ...]
    adopted: bool  # made before Alembic: stamped at its version's revision first
    backup: str | None = None  # SQLite: the copy of the file taken before any change

    def line(self) -> str:
        if not self.applied and not self.adopted:
            return f"schema {self.to_version} (revision {self.from_revision}): already current, nothing to do"
        start = f"schema {self.from_version or 'none'} → {self.to_version}"
        done = f"applied {', '.join(self.applied)}" if self.applied else "no revision to apply"
        extra = " (made before Alembic: stamped at its version's revision first)" if self.adopted else ""
        saved = f"; the file before the upgrade: {self.backup}" if self.backup else ""
        return f"{start}: {done}{extra}{saved}"


def _alembic_config(conn=None):
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


@lru_cache(maxsize=1)
def _revisions() -> tuple[str, tuple[str, ...]]:
    """This build's head revision and every revision it knows, oldest first (read once per process)."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(_alembic_config())
    return script.get_current_head(), tuple(r.revision for r in reversed(list(script.walk_revisions())))


def head_revision() -> str:
    return _revisions()[0]


def _stored_revisions(conn) -> list[str] | None:
    """The alembic_version rows; None when the table does not exist (a database made before Alembic, or none)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return list(conn.execute(select(_alembic_version.c.version_num)).scalars())


def _state_of(revisions: list[str] | None, label: str | None, has_tables: bool) -> str:
    head, known = _revisions()
    if revisions:
        if revisions == [head]:
            return "current"
        return "outdated" if all(r in known for r in revisions) else "newer"
    if label is None:
        return "outdated" if has_tables else "empty"  # tables but no version: upgrade says why it refuses
    if label in REVISION_OF:
        return "outdated"  # made before Alembic (even at this version: it is stamped, and its CHECKs made right)
    return "newer" if label.isdigit() and int(label) > int(schema.SCHEMA_VERSION) else "outdated"


def schema_state(engine: Engine) -> str:
    """"current", "outdated" (`python -m data_access upgrade` brings it to this build), "newer" (a newer
    build upgraded it: deploy that build; this one does not touch it) or "empty". Runs on every page run:
    one small query when the database has Alembic's table; more only for one made before Alembic."""
    try:
        with engine.connect() as conn:
            revisions = list(conn.execute(select(_alembic_version.c.version_num)).scalars())
    except DBAPIError:  # no such table (or the database is down: then the next look raises again)
        revisions = None
    if revisions:
        return _state_of(revisions, None, True)
    tables = set(inspect(engine).get_table_names())
    return _state_of(revisions, stored_schema_version(engine), bool(tables & set(schema.metadata.tables)))


def create_schema(engine: Engine) -> None:
    """Make this build's tables. A database with none of them gets them all at once (`create_all`, faster
    than replaying every revision) and is stamped at the head revision; one at this build's schema is
    left as it is; an older or newer one is refused: that is `upgrade`'s work (or a newer build's)."""
    if not set(inspect(engine).get_table_names()) & set(schema.metadata.tables):
        from alembic import command
        with engine.begin() as conn:
            schema.metadata.create_all(conn)
            command.stamp(_alembic_config(conn), "head", purge=True)
        return
    state = schema_state(engine)
    if state != "current":
        raise SchemaRefused(_refusal(state, engine))
    schema.metadata.create_all(engine)


def _refusal(state: str, engine: Engine) -> str:
    if state == "newer":
        return (f"the database's schema is newer than this build's (revision {head_revision()}, schema "
                f"{schema.SCHEMA_VERSION}): a newer War Room build upgraded it. Deploy that build or a newer one; "
                "nothing was changed")
    return ("the database was made by an older War Room build: run `python -m data_access upgrade` "
            "(after a backup); nothing was changed")


def _backup_sqlite(engine: Engine, label: str | None) -> str | None:
    """A copy of the SQLite file before its schema changes (SQLite cannot roll back every DDL step)."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:" or not Path(path).exists():
        return None
    import sqlite3
    target = Path(f"{path}.before-upgrade-schema-{label or 'none'}")
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return str(target)


def upgrade(engine: Engine) -> Upgraded:
    """Bring the database to this build's head revision (python -m data_access upgrade). Refuses, touching
    nothing (SchemaRefused): a database at a revision this build does not know (a newer build made it), and
    one with War Room's tables but no recorded version. A database made before Alembic (no alembic_version,
    dataset_meta's schema_version N) is stamped at N's revision, its CHECKs made N's, then upgraded. On
    PostgreSQL the whole upgrade is one transaction under an advisory lock (two replicas starting at once
    upgrade once); on SQLite the file is copied first. Never downgrades: there is no path down."""
    from alembic import command
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    head, known = _revisions()
    with engine.connect() as conn:
        revisions = _stored_revisions(conn)
        label = stored_schema_version(engine)
        has_tables = bool(set(inspect(conn).get_table_names()) & set(schema.metadata.tables))
    state = _state_of(revisions, label if not revisions else None, has_tables)
    if state == "newer":
        found = f"revision {', '.join(revisions)}" if revisions else f"schema {label}, no revision"
        raise SchemaRefused(f"{found}: " + _refusal("newer", engine))
    if not revisions and label is not None and label not in REVISION_OF:
        raise SchemaRefused(f"the database records schema version {label!r}, which no War Room build wrote "
                            f"(this build knows {', '.join(REVISION_OF)}); nothing was changed. Restore a backup")
    if state == "outdated" and not revisions and label is None:
        raise SchemaRefused("the database has War Room tables but no recorded schema version (no alembic_version, "
                            "no dataset_meta schema_version): it was not made by `init` or `seed`, or it is "
                            "damaged; nothing was changed. Restore a backup, or move its data into a new database")
    if state == "current":
        return Upgraded(label, schema.SCHEMA_VERSION, head, (), False)
    backup = _backup_sqlite(engine, label) if state == "outdated" else None
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one upgrader at a time; the others wait, then find it done
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(2020120720)")
            revisions = _stored_revisions(conn)
            if revisions == [head]:
                return Upgraded(label, schema.SCHEMA_VERSION, head, (), False)
        adopted = not revisions and label is not None
        if adopted:
            start = REVISION_OF[label]
            command.stamp(_alembic_config(conn), start)
            from alembic.script import ScriptDirectory
            module = ScriptDirectory.from_config(_alembic_config()).get_revision(start).module
            if hasattr(module, "repair"):  # e.g. the audit log's CHECK, which old upgrades never changed
                module.repair(Operations(MigrationContext.configure(conn, opts={"render_as_batch": True})))
        else:
            start = revisions[0] if revisions else None
        command.upgrade(_alembic_config(conn), "head")
        applied = tuple(known[known.index(start) + 1:] if start else known)
        if start is None or start < REVISION_OF["5"]:  # version 5: the comparison's base to date, for old data
            for source, through in conn.execute(select(schema.data_version.c.source,
                                                       schema.data_version.c.data_through)):
                if isinstance(through, str):
                    through = dt.date.fromisoformat(through)
                rollups.rebuild_to_date(conn, source, through)
        mark_schema(conn)
    return Upgraded(label, schema.SCHEMA_VERSION, start, applied, adopted, backup)


def drop_schema(engine: Engine) -> None:
    schema.metadata.drop_all(engine)


def is_initialised(engine: Engine) -> bool:
    """True when every table exists and the reference areas and data versions are loaded."""
    if not set(schema.metadata.tables) <= set(inspect(engine).get_table_names()):
        return False
    with engine.connect() as conn:
        n_sources = conn.execute(select(func.count()).select_from(schema.data_version)).scalar_one()
        n_prov = conn.execute(select(func.count()).select_from(schema.province)).scalar_one()
    return n_sources == len(schema.SOURCES) and n_prov > 0


def stored_schema_version(engine: Engine) -> str | None:
    """The schema version label (dataset_meta) the database was made or upgraded with; None for a database
    War Room never set up. The label is for people and older readers; the revision (schema_state) decides."""
    if not inspect(engine).has_table("dataset_meta"):
        return None
    t = schema.dataset_meta
    with engine.connect() as conn:
        return conn.execute(select(t.c.value).where(t.c.key == "schema_version")).scalar()


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at this build's head revision."""
    return schema_state(engine) == "current"


def mark_schema(conn) -> None:
    """Write the schema version label (SCHEMA_VERSION) beside the revision, for people and older readers."""
    t = schema.dataset_meta
    conn.execute(delete(t).where(t.c.key == "schema_version"))
    conn.execute(insert(t).values(key="schema_version", value=schema.SCHEMA_VERSION))


def has_source_data(engine: Engine) -> bool:
    """True once any source has been written (seeded or imported): version > 0."""
    if not is_initialised(engine):
        return False
    with engine.connect() as conn:
        return bool(conn.execute(select(func.max(schema.data_version.c.version))).scalar())


def select_frame(engine: Engine, stmt) -> pd.DataFrame:
    """Run a select and return its rows as a frame. Internal: page-facing reads go through
    reader.ScopedReader, which checks and filters first; only internals that need no scope (the
    health counts, the audit log, the import log, jobs that read as the system) call this directly."""
    with engine.connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
