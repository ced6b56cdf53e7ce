"""Who is looking and at what: every read query takes a Viewer and an Area and checks one against the other.

An Area is a place in the drill path (nation, region, province, district). A Viewer's rights are the
part of the country they may see; a request for an area outside it raises NotPermitted before any SQL
runs, so a page cannot leak an out-of-scope figure by accident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("nation", "region", "province", "district")
CHILD_LEVEL = {"nation": "province", "region": "province", "province": "district", "district": "district"}
REGIONS = ("north", "northeast", "central", "south")  # the four-region scheme MOI/NESDC statistics use


class NotPermitted(PermissionError):
    """The viewer may not see this area; carries no figure of it."""


@dataclass(frozen=True)
class Area:
    level: str = "nation"
    code: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        pattern = {"nation": None, "region": None, "province": r"\d{2}", "district": r"\d{4}"}[self.level]
        if self.level == "nation" and self.code is not None:
            raise ValueError("the nation has no code")
        if self.level == "region" and self.code not in REGIONS:
            raise ValueError(f"unknown region {self.code!r}")
        if pattern and not (isinstance(self.code, str) and re.fullmatch(pattern, self.code)):
            raise ValueError(f"a {self.level} code has the form {pattern}, got {self.code!r}")

    @property
    def child_level(self) -> str:
        return CHILD_LEVEL[self.level]


NATION = Area()


@dataclass(frozen=True)
class Viewer:
    """The rights of whoever is looking: the whole country, or one province or district."""

    name: str = "demo"
    prov_code: str | None = None
    dist_code: str | None = None

    def may_see(self, area: Area) -> bool:
        if self.dist_code:
            return area.level == "district" and area.code == self.dist_code
        if self.prov_code:
            return (area.level == "province" and area.code == self.prov_code) or (
                area.level == "district" and area.code[:2] == self.prov_code)
        return True

    def check(self, area: Area) -> None:
        if not self.may_see(area):
            raise NotPermitted(f"{self.name} may not see {area.level} {area.code}")


EVERYONE = Viewer(name="executive")
