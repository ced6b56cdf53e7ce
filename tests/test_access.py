"""docs/ACCESS.md against the code, cell by cell: first against `access.allowed`, then through the data
layer itself on SQLite and PostgreSQL (each action's own entry point raises NotPermitted exactly
where the table says no, and asks for exactly that action)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import delete

from data_access import access, accounts, audit, health, padme, queries, schema as s, snapshots
from data_access.reader import ScopedReader
from data_access.scope import NATION, Area, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter
from tests.conftest import cebrs_bytes

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("nation", "region", "own province", "district of own province", "own district", "another province",
         "a district elsewhere")
Q = FiscalQuarter(2570, 1)
NOTE_WEEK = dt.date(2020, 1, 6)  # a week no other test writes, cleaned up afterwards


def table() -> dict[tuple[str, str], dict[str, str]]:
    """{(role, action): {area kind: cell}} from docs/ACCESS.md's rules table."""
    text = (ROOT / "docs" / "ACCESS.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header = next(line for line in lines if line.startswith("| role | action |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns == ["role", "action", *KINDS], columns
    rows = {}
    for line in lines[lines.index(header) + 1:]:  # (the |---| line is not in `lines`)
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != len(columns) or cells[0] not in access.ROLES:
            break
        assert (cells[0], cells[1]) not in rows, f"{cells[0]} · {cells[1]} twice"
        assert set(cells[2:]) <= {"yes", "no", "policy", "—"}, line
        rows[(cells[0], cells[1])] = dict(zip(KINDS, cells[2:]))
    return rows


def viewer(role: str, national_totals: bool = True) -> Viewer:
    home = {"governor": {"prov_code": "30"}, "district_officer": {"prov_code": "30", "dist_code": "3001"}}
    return Viewer(f"matrix-{role}", role, national_totals=national_totals, **home.get(role, {}))


def area_of(kind: str, role: str) -> Area | None:
    """The representative area of a kind for a viewer of `role` (Korat 30 is in the north-east)."""
    officer = role == "district_officer"
    return {"nation": NATION, "region": Area("region", "northeast"),
            "own province": Area("province", "30") if role in ("governor", "district_officer") else None,
            "district of own province": Area("district", "3002" if officer else "3001")
            if role in ("governor", "district_officer") else None,
            "own district": Area("district", "3001") if officer else None,
            "another province": Area("province", "50"), "a district elsewhere": Area("district", "5001")}[kind]


def expected(cell: str, v: Viewer) -> bool:
    return cell == "yes" or (cell == "policy" and v.national_totals)


def cells():
    for (role, action), row in table().items():
        for kind, cell in row.items():
            yield role, action, kind, cell


def test_the_table_names_every_role_and_action_once():
    assert set(table()) == {(r, a) for r in access.ROLES for a in access.ACTIONS}


@pytest.mark.parametrize("national_totals", [True, False], ids=["policy averages", "policy none"])
def test_every_cell_is_what_allowed_decides(national_totals):
    wrong = []
    for role, action, kind, cell in cells():
        v = viewer(role, national_totals)
        area = area_of(kind, role)
        if area is None:
            continue  # a country role has no own province or district to ask about
        if access.allowed(v, action, area) != expected(cell, v):
            wrong.append(f"{role} · {action} · {kind}: table says {cell}")
    assert not wrong, "\n".join(wrong)


def test_other_regions_and_an_unknown_action_are_refused():
    assert not access.allowed(viewer("governor"), "view", Area("region", "south"))
    with pytest.raises(ValueError, match="unknown action"):
        access.allowed(viewer("admin"), "delete_everything")
    with pytest.raises(ValueError):  # a country role with an area of its own cannot exist
        Viewer("odd", "executive", prov_code="30")
    with pytest.raises(ValueError):
        Viewer("odd", "superuser")


def test_decisions_are_recorded_in_order():
    with access.recording() as seen:
        access.allowed(viewer("governor"), "view", Area("province", "30"))
        access.allowed(viewer("governor"), "write_note", NATION)
    assert [(d.action, d.area, d.allowed) for d in seen] == [("view", "province 30", True),
                                                            ("write_note", "nation", False)]


# --- through the data layer ------------------------------------------------------------------------
def _rejected_file(tmp: Path) -> Path:
    """A CEBRS file the import refuses for its content (so an allowed import changes nothing)."""
    path = tmp / "bad.csv"
    path.write_bytes(cebrs_bytes({"project_id": "C2570-3001-MATRIX", "approved_baht": "not a number"}))
    return path


def _act(engine, v: Viewer, action: str, area: Area, tmp: Path) -> None:
    """Do `action` on `area` through the data layer's own entry point for it."""
    read = ScopedReader(engine, v)
    if action == "view":
        padme.projects(read, area, Q)
    elif action == "view_national_total":
        queries.rollup(read, "padme", area, Q, "total")
    elif action == "export":
        audit.export(engine, v, area, "matrix test", 0)
    elif action == "write_note":
        snapshots.write_note(engine, v, area, NOTE_WEEK, "padme_gap_pp", "matrix test")
    elif action == "import":
        try:
            health.upload(engine, v, "cebrs", _rejected_file(tmp))
        except Exception as exc:  # allowed, then refused for its content: nothing imported
            if isinstance(exc, NotPermitted):
                raise
    elif action == "view_health":
        health.status(read)
    elif action == "administer":
        audit.recent(read, 1)
    elif action == "manage_accounts":
        accounts.listing(read)
    else:
        raise AssertionError(f"no data-layer entry point for {action}")


# `report` has its decision (above) but no data-layer entry point yet: the field-reporting forms
# (the next issue) bring it, with its own test of this table.
DATA_LAYER_ACTIONS = tuple(a for a in access.ACTIONS if a != "report")


def test_the_data_layer_refuses_exactly_where_the_table_says_no(engine, tmp_path):
    wrong = []
    try:
        for role, action, kind, cell in cells():
            area = area_of(kind, role)
            if action not in DATA_LAYER_ACTIONS or area is None or cell == "—" and kind != "nation":
                continue
            v = viewer(role)
            with access.recording() as asked:
                try:
                    _act(engine, v, action, area, tmp_path)
                    done = True
                except NotPermitted:
                    done = False
            if done != expected(cell, v):
                wrong.append(f"{role} · {action} · {kind}: table says {cell}, the data layer {'did' if done else 'refused'}")
            if not asked or (asked[0].action, asked[0].area) != (action, str(area)):
                wrong.append(f"{role} · {action} · {kind}: the first check was {asked[:1]}")
    finally:
        with engine.begin() as conn:
            conn.execute(delete(s.kpi_note).where(s.kpi_note.c.week_start == NOTE_WEEK))
            conn.execute(delete(s.audit_log).where(s.audit_log.c.actor.like("matrix-%")))
    assert not wrong, "\n".join(wrong)


def test_a_governor_may_not_overwrite_the_nations_weekly_note(engine):
    """The hole the review found: a governor under the default policy wrote the nation's note."""
    governor = viewer("governor", national_totals=True)
    with pytest.raises(NotPermitted):
        snapshots.write_note(engine, governor, NATION, NOTE_WEEK, "padme_gap_pp", "mine now")
    with pytest.raises(NotPermitted):
        snapshots.write_note(engine, governor, Area("province", "50"), NOTE_WEEK, "padme_gap_pp", "and theirs")
    assert snapshots.notes(ScopedReader(engine, viewer("staff")), NATION, [NOTE_WEEK]).empty


def test_readme_points_to_the_access_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/ACCESS.md" in readme
    assert re.search(r"staff[^\n]*notes", readme, re.IGNORECASE), "README says what staff may write"
