"""The schema definitions of earlier builds (v1 … v6), frozen, and `build`: a database as that build left it.

`build(target, version, source)` creates version N's tables in `target` (an engine with nothing of War Room
in it), copies into them the rows of `source` (a seeded database of this build: the columns the two have in
common, the rows the old CHECKs accept) and writes dataset_meta's schema_version = N, as that build's
`seed`/`upgrade` did; it has no alembic_version table: builds before issue 20 had none.
"""
from __future__ import annotations

import hashlib
import importlib

from sqlalchemy import Engine, Table, insert, select

VERSIONS = ("1", "2", "3", "4", "5", "6")


def metadata(version: str):
    return importlib.import_module(f"{__name__}.v{version}").metadata


def _old_check(table: Table, rows: list[dict], module) -> list[dict]:
    if table.name == "audit_log":
        return [r for r in rows if r["action"] in module.AUDIT_ACTIONS]
    return rows


def build(target: Engine, version: str, source: Engine, cap: int = 2000) -> dict[str, int]:
    """Returns the rows copied, per table. A table no other table refers to gets at most `cap` rows (the
    test-scale seed has 126,000 SDG values: copying them all would take the test's time, proving nothing more)."""
    module = importlib.import_module(f"{__name__}.v{version}")
    module.metadata.create_all(target)
    referred = {fk.column.table.name for t in module.metadata.tables.values() for fk in t.foreign_keys}
    copied = {}
    with source.connect() as read, target.begin() as write:
        for table in module.metadata.sorted_tables:  # parents first (foreign keys)
            from data_access import schema
            current = schema.metadata.tables[table.name]
            common = [c.name for c in table.columns if c.name in current.c]
            query = select(*(current.c[c] for c in common)).order_by(*current.primary_key.columns)
            if table.name not in referred:
                query = query.limit(cap)
            rows = [dict(r._mapping) for r in read.execute(query)]
            if table.name == "dataset_meta":
                rows = [r for r in rows if r["key"] != "schema_version"] + [{"key": "schema_version", "value": version}]
            rows = _old_check(table, rows, module)
            for start in range(0, len(rows), 5000):
                write.execute(insert(table), rows[start:start + 5000])
            copied[table.name] = len(rows)
            _advance_sequence(write, table)
    return copied


def _advance_sequence(conn, table) -> None:
    """Rows copied with their ids leave a PostgreSQL serial sequence at 1; a database that made those rows
    itself has it past them. Set it so (the next insert after the upgrade must not reuse an id)."""
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        if column.autoincrement is True or (column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                                            and column.type.python_type is int):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT max(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false)")


def checksums(engine: Engine, version: str) -> dict[str, tuple[int, str]]:
    """Per table of version N: its row count and a SHA-256 of its rows (N's columns, in primary-key order)."""
    out = {}
    with engine.connect() as conn:
        for table in metadata(version).sorted_tables:
            if table.name == "dataset_meta":
                continue  # upgrade rewrites its schema_version (and only that): compared apart
            order = list(table.primary_key.columns) or list(table.columns)
            digest, n = hashlib.sha256(), 0
            for row in conn.execute(select(*(table.c[c.name] for c in table.columns)).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                n += 1
            out[table.name] = (n, digest.hexdigest())
    return out
