"""Alembic's environment for War Room (data_access/db.py runs it; no alembic.ini needed).

The code hands over an open connection in `config.attributes["connection"]` (db.upgrade, db.create_schema)
and runs every revision inside that connection's transaction (on PostgreSQL the whole upgrade is one
transaction: it lands completely or not at all). The `alembic` command line works too, with the ini in this
folder: it then connects to the database War Room is configured for (data_access.settings.resolve).

`alembic_version` is created unqualified, so it lands in the first schema of the connection's
`search_path` (a URL with `?options=-csearch_path%3D<schema>` keeps everything in that schema), beside the
tables. `render_as_batch=True`: on SQLite a constraint change rebuilds the table (copy, drop, rename);
on PostgreSQL the same operations are plain ALTER TABLE statements.
"""
from __future__ import annotations

from alembic import context

from data_access import schema

config = context.config
# Autogenerating a revision compares with the schema of the version being written
# (data_access/migrations/README.md); everything else compares with this build's schema.
target_metadata = config.attributes.get("target_metadata", schema.metadata)


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    if context.is_offline_mode():
        raise SystemExit("War Room migrations run against a database: offline (--sql) mode is not supported")
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from data_access import db  # the alembic CLI: the configured database
    with db.get_engine().begin() as conn:
        _configure_and_run(conn)


run()
