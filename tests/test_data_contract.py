"""docs/DATA_CONTRACT.md names every table and every column of the schema, and every allowed value."""
import re
from pathlib import Path

import pytest

from data_access import schema

DOC = (Path(__file__).resolve().parent.parent / "docs" / "DATA_CONTRACT.md").read_text(encoding="utf-8")


def section(table: str) -> str:
    """The text from the table's heading to the next heading of the same or higher level."""
    match = re.search(rf"^(#+) .*`{table}`.*$", DOC, flags=re.M)
    assert match, f"no heading for table {table}"
    level = len(match.group(1))
    rest = DOC[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


@pytest.mark.parametrize("table", sorted(schema.metadata.tables))
def test_every_column_is_documented_under_its_table(table):
    text = section(table)
    missing = [c.name for c in schema.metadata.tables[table].columns if f"`{c.name}`" not in text]
    assert not missing, f"{table}: undocumented columns {missing}"


@pytest.mark.parametrize("values", [schema.PADME_STATUSES, schema.CEBRS_CATEGORIES, schema.CEBRS_STATUSES,
                                    schema.THAIQM_STATUSES, schema.SDG_DIRECTIONS, schema.SOURCES])
def test_allowed_values_are_documented(values):
    assert all(f"`{v}`" in DOC for v in values), values
