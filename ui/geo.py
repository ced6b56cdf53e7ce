"""Where the map geometry lives.

Why: maps read their GeoJSON by a relative URL that Streamlit serves from static/geo, so the chart spec
carries no geometry and the browser caches it; a province's district map fetches only that province's
file (made by static/geo/split_districts.py). The URL carries a hash of the file's content (`?v=`), so
browsers may keep it for a year without asking again (web/headers.py) and a new file is a new URL.
Framing an area is Vega's: the map's projection is fitted to the polygons it draws (ui/maps.py).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent.parent / "static" / "geo"
_URL = "app/static/geo"


def _geometry_file(map_of: str, prov_code: str | None) -> str:
    if map_of == "province":
        return "provinces.geojson"
    if map_of == "district" and prov_code:
        return f"districts/{prov_code}.geojson"
    raise ValueError(f"no geometry for map_of={map_of!r}, prov_code={prov_code!r}")


@lru_cache(maxsize=128)
def _version(name: str) -> str:
    return hashlib.sha256((GEO_DIR / name).read_bytes()).hexdigest()[:12]


def geometry_url(map_of: str, prov_code: str | None = None) -> str:
    """URL of the polygons: map_of "province" → all provinces; "district" → prov_code's districts; with
    the file's content hash as `v`, so that a browser's copy is never stale."""
    name = _geometry_file(map_of, prov_code)
    return f"{_URL}/{name}?v={_version(name)}"


def geometry_path(map_of: str, prov_code: str | None = None) -> Path:
    """The same polygons as a file, for maps drawn on the server (the weekly brief's image)."""
    return GEO_DIR / _geometry_file(map_of, prov_code)


def code_property(map_of: str) -> str:
    """The feature property of `geometry_url(map_of, …)` that holds the area code."""
    return {"province": "prov_code", "district": "dist_code"}[map_of]
