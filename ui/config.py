"""War Room settings that are not secrets: `.streamlit/warroom.toml`, with defaults for every key.

The exceptions panel flags the areas at least `worse_by` points behind their parent area on a KPI;
an operator tunes these without touching code.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from data_access.settings import PROJECT_ROOT

PATH = PROJECT_ROOT / ".streamlit" / "warroom.toml"
DEFAULTS = {
    "live": {"refresh_seconds": 30},
    "kiosk": {"rotate_seconds": 45, "playlist": ["overview", "exceptions", "reporting", "padme", "region:northeast"]},
    "auth": {"mode": "auto", "national_policy": "averages", "username_claim": "email"},
    "exceptions": {"limit": 5, "worse_by": {"padme_disbursed_pct": 10.0, "padme_gap_pp": 10.0,
                                            "cebrs_disbursed_pct": 15.0, "thaiqm_helped_pct": 10.0,
                                            "report_on_time_pct": 15.0}},
    "health": {"stale_after_hours": {"padme": 168, "cebrs": 72, "thaiqm": 168, "sdg": 8760}},
}


@lru_cache(maxsize=1)
def load() -> dict:
    settings = {k: dict(v) for k, v in DEFAULTS.items()}  # a fresh copy: callers may not mutate DEFAULTS
    if PATH.is_file():
        with PATH.open("rb") as fh:
            user = tomllib.load(fh)
        for section, values in user.items():
            settings.setdefault(section, {}).update(values)
    return settings


def exception_rule(kpi_key: str) -> tuple[float, int]:
    """(worse_by points, how many areas at most) for the KPI's exceptions."""
    section = load()["exceptions"]
    return float(section["worse_by"].get(kpi_key, 10.0)), int(section["limit"])


def stale_after_hours(source: str) -> float:
    """Hours a source may go without a write before the data health page calls it stale."""
    default = DEFAULTS["health"]["stale_after_hours"][source]
    return float(load()["health"].get("stale_after_hours", {}).get(source, default))
