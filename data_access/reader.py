"""The one way a page-facing query reaches the database: a ScopedReader, built from an engine and a Viewer.

Every query a page shows goes through `ScopedReader.frame(stmt, area, scope, by)`, which applies two
independent barriers:

1. **the check**, before any SQL runs: `access.require(viewer, "view" | "view_national_total", area)`;
2. **the filter**, inside the SQL: the statement is narrowed to the area asked for *and*, separately,
   to the rows the viewer may see (a governor's province, a district officer's district), whatever
   area was asked for. Only the one read a policy may allow a governor, one row of national totals,
   is left unfiltered.

Either barrier alone keeps another province's figures out (tests/test_scope_enforcement.py removes
each in turn). Reference data (areas, the fiscal calendar, SDG definitions, the data versions) holds
no figure of an area and is read through `reference(stmt)`, which refuses a statement that touches
any other table. The page-facing modules (queries, padme, cebrs, thaiqm, sdg, snapshots) receive a
reader, never an engine, so they have no other way to run SQL.

With a hot standby configured (data_access/routing.py), a reader made with a `router` and a `floor`
(the data versions its cached loader is keyed by) runs `frame` and `reference` through the router,
which reads on the standby only when it holds at least those versions; `country` always reads the
primary. Without them every read runs on the engine, as before.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, false

from . import access
from . import schema as s
from .db import select_frame
from .routing import Router, tables_of
from .scope import COUNTRY_ROLES, NATION, Area, Viewer

# Tables that hold no figure of any area: names, codes, the calendar, definitions, versions.
REFERENCE_TABLES = frozenset(s.REFERENCE_TABLES)


@dataclass(frozen=True)
class ByDistrict:
    """Rows that each belong to one district, `dist_col`; the statement joins `district` (and
    `province` when a region may be asked for)."""

    dist_col: object

    def of_area(self, area: Area):
        return {"nation": None, "region": s.province.c.region4 == area.code,
                "province": s.district.c.prov_code == area.code,
                "district": self.dist_col == area.code}[area.level]

    def of_viewer(self, viewer: Viewer):
        if viewer.dist_code:
            return self.dist_col == viewer.dist_code
        if viewer.prov_code:
            return s.district.c.prov_code == viewer.prov_code
        return None


@dataclass(frozen=True)
class ByAreaCode:
    """Rows keyed by the code of an area of any level ("TH", a region, "30", "3001"): the caller's
    statement picks the area's rows; the viewer's filter keeps a province's codes or one district's."""

    code_col: object

    def of_area(self, area: Area):
        return None

    def of_viewer(self, viewer: Viewer):
        if viewer.dist_code:
            return self.code_col == viewer.dist_code
        if viewer.prov_code:  # the province itself ("30") and its districts ("30xx")
            return self.code_col.like(f"{viewer.prov_code}%")
        return None


class ScopedReader:
    """Reads for one viewer. Holds the engine privately: the only executor page-facing code gets."""

    def __init__(self, engine: Engine, viewer: Viewer, router: Router | None = None,
                 floor: Mapping[str, int] | None = None):
        self._engine = engine
        self.viewer = viewer
        self._router = router  # a hot standby's router (data_access.routing), None: the engine alone
        self._floor = dict(floor) if floor is not None else None  # the versions a routed read must be at

    def __repr__(self) -> str:
        return f"ScopedReader({self.viewer.name}, {self.viewer.role})"

    # The two barriers, separate so a test can take either away and see the other still hold.
    def _check(self, area: Area, by: str) -> None:
        access.require(self.viewer, access.read_action(area, by), area)

    def _restrict(self, stmt, scope, area: Area, by: str):
        if area == NATION and by == "total" and self.viewer.national_totals:
            return stmt  # the one national read a policy may allow: one row of totals
        condition = scope.of_viewer(self.viewer)
        if condition is None and self.viewer.role not in COUNTRY_ROLES:
            condition = false()  # a role this build does not know reads nothing
        return stmt if condition is None else stmt.where(condition)

    def frame(self, stmt, area: Area, scope: ByDistrict | ByAreaCode, by: str = "rows") -> pd.DataFrame:
        """Run `stmt` for `area`: `by="total"` for a statement that returns one aggregate row for the
        whole area (the nation's totals are the one read a governor's policy may allow); anything
        else — rows, or groups by child area — asks to view the area itself."""
        self._check(area, by)
        own = scope.of_area(area)
        stmt = self._restrict(stmt if own is None else stmt.where(own), scope, area, by)
        return self._run(stmt)

    def reference(self, stmt) -> pd.DataFrame:
        """A read of reference tables only (names, calendar, definitions, versions): no scope needed."""
        other = tables_of(stmt) - REFERENCE_TABLES
        if other:
            raise ValueError(f"reference() reads reference tables only, not {', '.join(sorted(other))}")
        return self._run(stmt)

    def country(self, stmt, action: str) -> pd.DataFrame:
        """A read of whole-country tables (row counts, the import log, the audit log, accounts) for
        an action that needs the country's rights (view_health, administer, manage_accounts)."""
        access.require(self.viewer, action)
        return select_frame(self._engine, stmt)  # always the primary: never routed to a standby

    def _run(self, stmt) -> pd.DataFrame:
        if self._router is not None:
            return self._router.select(stmt, self._floor, lambda primary: select_frame(self._engine, primary))
        return select_frame(self._engine, stmt)


def reader(engine: Engine, viewer: Viewer) -> ScopedReader:
    return ScopedReader(engine, viewer)

