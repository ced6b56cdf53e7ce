"""Where the map geometry lives, and how to frame an area on the map.

Why: maps take their GeoJSON as a relative URL that Streamlit serves from static/geo, so the chart
spec carries no geometry; a province's district map fetches only that province's file (made by
static/geo/split_districts.py). Zooming to an area needs its bounding box, read once from the same
files (lru_cache, so it also works without a Streamlit runtime), and a plotly `layout.map` center and
zoom that fit the box: maplibre draws 512-px Web Mercator tiles, so the world is 512·2^zoom px wide.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent.parent / "static" / "geo"
_URL = "app/static/geo"
PADDING = 0.08  # share of the map's width and height left free on each side of the box
MIN_ZOOM, MAX_ZOOM = 3.0, 12.0


def _geometry_file(map_of: str, prov_code: str | None) -> str:
    if map_of == "province":
        return "provinces.geojson"
    if map_of == "district" and prov_code:
        return f"districts/{prov_code}.geojson"
    raise ValueError(f"no geometry for map_of={map_of!r}, prov_code={prov_code!r}")


def geometry_url(map_of: str, prov_code: str | None = None) -> str:
    """URL of the polygons: map_of "province" → all provinces; "district" → prov_code's districts."""
    return f"{_URL}/{_geometry_file(map_of, prov_code)}"


def geometry_path(map_of: str, prov_code: str | None = None) -> Path:
    """The same polygons as a file, for maps drawn on the server (the weekly brief's image)."""
    return GEO_DIR / _geometry_file(map_of, prov_code)


def feature_key(map_of: str) -> str:
    """plotly `featureidkey` matching `locations` to the polygons of `geometry_url(map_of, …)`."""
    return {"province": "properties.prov_code", "district": "properties.dist_code"}[map_of]


def _points(coords):
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for part in coords:
            yield from _points(part)


@lru_cache(maxsize=1)
def _bboxes() -> dict[str, tuple[float, float, float, float]]:
    """(min_lon, min_lat, max_lon, max_lat) of every province (2-digit) and district (4-digit) code."""
    out = {}
    for name, key in (("provinces.geojson", "prov_code"), ("districts.geojson", "dist_code")):
        for f in json.loads((GEO_DIR / name).read_text(encoding="utf-8"))["features"]:
            lons, lats = zip(*((p[0], p[1]) for p in _points(f["geometry"]["coordinates"])))
            out[f["properties"][key]] = (min(lons), min(lats), max(lons), max(lats))
    return out


def bounds(codes: list[str]) -> tuple[float, float, float, float]:
    """Bounding box of the union of the given province or district codes (KeyError if unknown)."""
    if not codes:
        raise ValueError("bounds() needs at least one area code")
    boxes = [_bboxes()[c] for c in codes]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _merc_y(lat: float) -> float:
    return math.asinh(math.tan(math.radians(lat)))  # radians of Mercator y; the world spans 2π


def view(bbox: tuple[float, float, float, float], width_px: int = 600, height_px: int = 620) -> dict:
    """plotly layout.map center and zoom that fit `bbox` in width×height px with PADDING each side."""
    min_lon, min_lat, max_lon, max_lat = bbox
    y0, y1 = _merc_y(min_lat), _merc_y(max_lat)
    span_x = max(max_lon - min_lon, 1e-9) / 360  # share of the world's width
    span_y = max(y1 - y0, 1e-9) / (2 * math.pi)  # share of the world's (square) height
    free = 1 - 2 * PADDING
    zoom = min(math.log2(width_px * free / (512 * span_x)), math.log2(height_px * free / (512 * span_y)))
    center_lat = math.degrees(math.atan(math.sinh((y0 + y1) / 2)))
    return {"center": {"lat": center_lat, "lon": (min_lon + max_lon) / 2},
            "zoom": min(max(zoom, MIN_ZOOM), MAX_ZOOM)}
