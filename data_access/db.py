"""Engines and schema creation: one code path for the embedded SQLite file and for PostgreSQL."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, delete, event, func, insert, inspect, select

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
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": 5})


def get_engine(settings: DatabaseSettings | None = None) -> Engine:
    return engine_for((settings or resolve()).url)


def create_schema(engine: Engine) -> None:
    schema.metadata.create_all(engine)


def upgrade(engine: Engine) -> list[str]:
    """Bring a database made by an older build up to this schema: create the tables it lacks and
    record the version. Every change so far has only added tables; one that alters a column needs a
    migration of its own (docs/DEPLOYMENT.md, Upgrades)."""
    before = set(inspect(engine).get_table_names())
    schema.metadata.create_all(engine)
    added = _add_columns(engine, before)
    with engine.begin() as conn:
        for source, through in conn.execute(select(schema.data_version.c.source, schema.data_version.c.data_through)):
            if isinstance(through, str):
                through = dt.date.fromisoformat(through)
            rollups.rebuild_to_date(conn, source, through)  # version 5: the comparison's base to date
        mark_schema(conn)
    return sorted(set(schema.metadata.tables) - before) + added


def _add_columns(engine: Engine, tables: set[str]) -> list[str]:
    """Columns this build added to tables an older build made (version 6: `revision` on the reported
    tables, `help_given` on households), each nullable or with a server default, so ADD COLUMN fills
    the rows it has. Returns them as "table.column"."""
    added = []
    inspector = inspect(engine)
    for name in sorted(tables & set(schema.metadata.tables)):
        have = {c["name"] for c in inspector.get_columns(name)}
        for column in schema.metadata.tables[name].columns:
            if column.name in have:
                continue
            if not (column.nullable or column.server_default is not None):
                raise RuntimeError(f"{name}.{column.name} cannot be added to existing rows: it needs a migration")
            ddl = f'ALTER TABLE "{name}" ADD COLUMN "{column.name}" {column.type.compile(engine.dialect)}'
            if column.server_default is not None:
                ddl += f" DEFAULT {column.server_default.arg} NOT NULL"
            with engine.begin() as conn:
                conn.exec_driver_sql(ddl)
            added.append(f"{name}.{column.name}")
    return added


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
    """The schema version the database was made or upgraded with; None for a database War Room never set up."""
    if not inspect(engine).has_table("dataset_meta"):
        return None
    t = schema.dataset_meta
    with engine.connect() as conn:
        return conn.execute(select(t.c.value).where(t.c.key == "schema_version")).scalar()


def schema_is_current(engine: Engine) -> bool:
    """True when the database was created by this version of the schema."""
    return stored_schema_version(engine) == schema.SCHEMA_VERSION


def mark_schema(conn) -> None:
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
