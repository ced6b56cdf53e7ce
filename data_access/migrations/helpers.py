"""What the revisions share: replacing an unnamed `column IN (...)` CHECK whose list of values grew.

Autogenerate does not compare CHECK constraints, and War Room's are unnamed (schema._one_of), so a list that
grows (the audit log's actions in versions 6 and 7) needs a hand-written step, or the old CHECK goes on
refusing the new values:
  - PostgreSQL: the CHECK is found by reflection (PostgreSQL named it `<table>_<column>_check` when the
    table was created) and dropped, and the new one added under that same name, as `create_all` would;
  - SQLite cannot alter a constraint: the table is rebuilt (batch mode: create, copy every row, drop,
    rename) from `new_table`, the table's definition at the new version, indexes included.
The step is idempotent, so db.upgrade also runs it when it adopts a database made before Alembic, whose
hand-made upgrades (before issue 20) added columns but never touched a CHECK.
"""
from __future__ import annotations

import re

import sqlalchemy as sa


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def replace_one_of(op, new_table: sa.Table, column: str, values: tuple[str, ...]) -> None:
    bind = op.get_bind()
    name = new_table.name
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table(name, copy_from=new_table, recreate="always"):
            pass
        return
    mentions = re.compile(rf"\b{re.escape(column)}\b")
    for check in sa.inspect(bind).get_check_constraints(name):
        if check["name"] and mentions.search(check["sqltext"]):
            op.drop_constraint(check["name"], name, type_="check")
    op.create_check_constraint(f"{name}_{column}_check", name, one_of(column, values))
