"""Who is looking and at what: an Area is a place in the drill path (nation, region, province,
district); a Viewer is a signed-in person: role, home area, and whether policy lets them read the
national totals (`national_totals`). What a viewer may do where is decided by data_access.access.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("nation", "region", "province", "district")
CHILD_LEVEL = {"nation": "province", "region": "province", "province": "district", "district": "district"}
REGIONS = ("north", "northeast", "central", "south")  # the four-region scheme MOI/NESDC statistics use
COUNTRY_ROLES = ("executive", "staff", "admin")
ROLES_WITH_AREA = ("governor", "district_officer")


class NotPermitted(PermissionError):
    """The viewer may not see this area (or, with `page=True`, this page at all); carries no figure."""

    def __init__(self, message: str, *, page: bool = False):
        super().__init__(message)
        self.page = page


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

    def __str__(self) -> str:
        return self.level if self.code is None else f"{self.level} {self.code}"


NATION = Area()


@dataclass(frozen=True)
class Viewer:
    """The rights of whoever is looking."""

    name: str = "demo"
    role: str = "executive"
    prov_code: str | None = None
    dist_code: str | None = None
    national_totals: bool = False  # a scoped viewer may read the nation's totals (policy)

    def __post_init__(self) -> None:
        if self.role not in COUNTRY_ROLES + ROLES_WITH_AREA:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role in COUNTRY_ROLES and (self.prov_code or self.dist_code):
            raise ValueError(f"a {self.role} sees the whole country and has no area of their own")
        if self.role == "governor" and not self.prov_code:
            raise ValueError("a governor needs a province")
        if self.role == "district_officer" and not self.dist_code:
            raise ValueError("a district officer needs a district")

    @property
    def home(self) -> Area:
        if self.dist_code:
            return Area("district", self.dist_code)
        if self.prov_code:
            return Area("province", self.prov_code)
        return NATION


EVERYONE = Viewer(name="executive")  # the country as a whole: jobs that read for everyone (snapshots, the feed)
OPERATOR = Viewer(name="cli", role="admin")  # whoever runs `python -m data_access` on the server
