"""Who may do what, where: named actions, decided in one place by `allowed(viewer, action, area)`.

Every read and every write of the data layer asks this module before any SQL runs (`require`), and
the UI asks it before it offers a control (`allowed`), so a page and the data layer can never
disagree. The rules are written out, role by role and area kind by area kind, in docs/ACCESS.md;
tests/test_access.py reads that table and checks every cell against `allowed`, and through the data
layer on SQLite and PostgreSQL.

Each decision is recorded while a `recording()` block is open (Datasette's way: the checks a request
made can be asserted by a test), and a refusal raises NotPermitted, which carries no figure.
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from .scope import COUNTRY_ROLES, NATION, Area, NotPermitted, Viewer

ACTIONS = {
    "view": "read an area's figures and rows, and its child areas'",
    "view_national_total": "read the nation's one-row totals, to compare with",
    "export": "download what is shown of an area (CSV, Excel, the weekly brief)",
    "write_note": "write the weekly meeting's note on an area's KPI",
    "import": "bring a One Data file in (the Import page, the CLI's import as a user)",
    "report": "file an area's field report (PADME quarterly report, ThaiQM case progress, CEBRS status)",
    "view_health": "read the data health of the country (rows held, the import log)",
    "administer": "open the admin page and read the audit log",
    "manage_accounts": "list accounts and change them",
}
# Actions about the country as a whole: asked with the nation as their area.
COUNTRY_ACTIONS = ("import", "view_health", "administer", "manage_accounts")
_COUNTRY_WORDS = {"import": "import data", "view_health": "see the data health of the country",
                  "administer": "read the audit log", "manage_accounts": "manage accounts"}
ROLES = (*COUNTRY_ROLES, "governor", "district_officer")

# What each role may do anywhere in the country (country roles) or inside its own area (the rest).
_COUNTRY_RIGHTS = {
    "executive": {"view", "view_national_total", "export", "write_note", "view_health"},
    # Staff run the weekly meeting and take its minutes: they read, export and write the notes, and
    # watch the data's health; they bring no data in and change nothing else.
    "staff": {"view", "view_national_total", "export", "write_note", "view_health"},
    # Admins keep the system: data in, accounts, the audit log. A field report stays its area's own
    # (who reported is part of the record); an admin corrects data through an audited import instead.
    "admin": {"view", "view_national_total", "export", "write_note", "import", "view_health", "administer",
              "manage_accounts"},
}
_AREA_RIGHTS = {"view", "export", "write_note", "report"}  # governor and district officer, in their area


@dataclass(frozen=True)
class Decision:
    viewer: str
    role: str
    action: str
    area: str
    allowed: bool


_recorded: contextvars.ContextVar[list[Decision] | None] = contextvars.ContextVar("warroom_decisions", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[Decision]]:
    """Every decision taken inside the block, in order (tests assert which checks ran)."""
    decisions: list[Decision] = []
    token = _recorded.set(decisions)
    try:
        yield decisions
    finally:
        _recorded.reset(token)


def _inside(viewer: Viewer, area: Area) -> bool:
    """The area is the viewer's own area or inside it."""
    if viewer.dist_code:
        return area.level == "district" and area.code == viewer.dist_code
    if viewer.prov_code:
        return (area.level == "province" and area.code == viewer.prov_code) or (
            area.level == "district" and area.code[:2] == viewer.prov_code)
    return False


def _decide(viewer: Viewer, action: str, area: Area) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; the actions are {', '.join(ACTIONS)}")
    if viewer.role in COUNTRY_ROLES and not (viewer.prov_code or viewer.dist_code):
        if action in COUNTRY_ACTIONS or action == "view_national_total":
            return area == NATION and action in _COUNTRY_RIGHTS[viewer.role]
        return action in _COUNTRY_RIGHTS[viewer.role]
    if viewer.role not in ("governor", "district_officer"):
        return False  # a country role tied to an area, or a role this build does not know: nothing
    if action == "view_national_total":
        return area == NATION and viewer.national_totals
    return action in _AREA_RIGHTS and _inside(viewer, area)


def allowed(viewer: Viewer, action: str, area: Area = NATION) -> bool:
    """May `viewer` do `action` on `area`? The one answer the whole app uses."""
    verdict = _decide(viewer, action, area)
    if (decisions := _recorded.get()) is not None:
        decisions.append(Decision(viewer.name, viewer.role, action, str(area), verdict))
    return verdict


def require(viewer: Viewer, action: str, area: Area = NATION) -> None:
    """NotPermitted unless allowed; a country action's refusal is a page refusal (no area to go back to)."""
    if not allowed(viewer, action, area):
        what = _COUNTRY_WORDS[action] if action in COUNTRY_ACTIONS else f"{action.replace('_', ' ')} {area}"
        raise NotPermitted(f"{viewer.name} may not {what}", page=action in COUNTRY_ACTIONS)


def read_action(area: Area, by: str = "rows") -> str:
    """The action a read asks for: one row of totals for the nation is `view_national_total` (a
    governor's policy may allow it); anything else, the nation's rows or its provinces included, is `view`."""
    return "view_national_total" if area == NATION and by == "total" else "view"


def may_read(viewer: Viewer, area: Area, by: str = "rows") -> bool:
    return allowed(viewer, read_action(area, by), area)
