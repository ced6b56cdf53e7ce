"""The per-province district files and the geometry helpers in ui/geo.py.

Why: province maps fetch static/geo/districts/<prov_code>.geojson instead of all districts, so those
files must hold exactly the source features, stay small, and every area must lie where it belongs (the
map fits its projection to the polygons it draws, so a stray vertex would shrink the whole map).
"""
from __future__ import annotations

import csv
import json

import pytest

from ui import geo

THAILAND = (97.3, 5.6, 105.7, 20.5)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _points(coords):
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for part in coords:
            yield from _points(part)


@pytest.fixture(scope="module")
def boxes():
    """(min_lon, min_lat, max_lon, max_lat) of every province (2-digit) and district (4-digit) code."""
    out = {}
    for name, key in (("provinces.geojson", "prov_code"), ("districts.geojson", "dist_code")):
        for f in _load(geo.GEO_DIR / name)["features"]:
            lons, lats = zip(*((p[0], p[1]) for p in _points(f["geometry"]["coordinates"])))
            out[f["properties"][key]] = (min(lons), min(lats), max(lons), max(lats))
    return out


def _inside(inner, outer):
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.fixture(scope="module")
def split_files():
    files = sorted((geo.GEO_DIR / "districts").glob("*.geojson"))
    return {p.stem: p for p in files}


def test_split_files_hold_exactly_the_source_districts(split_files):
    source = _load(geo.GEO_DIR / "districts.geojson")["features"]
    provinces = {f["properties"]["prov_code"] for f in _load(geo.GEO_DIR / "provinces.geojson")["features"]}
    assert set(split_files) == provinces and len(split_files) == 77
    seen = {}
    for prov_code, path in split_files.items():
        collection = _load(path)
        assert collection["type"] == "FeatureCollection"
        for feature in collection["features"]:
            assert feature["properties"]["prov_code"] == prov_code
            assert feature["properties"]["dist_code"] not in seen
            seen[feature["properties"]["dist_code"]] = feature
    assert len(source) == len(seen) == 928
    for feature in source:
        assert seen[feature["properties"]["dist_code"]] == feature  # same properties and geometry


def test_split_files_are_small(split_files):
    for path in split_files.values():
        assert path.stat().st_size < 120 * 1024, path.name


def test_geometry_url_and_code_property():
    import hashlib
    url = geo.geometry_url("province")
    assert url.startswith("app/static/geo/provinces.geojson?v=")
    assert url.endswith(hashlib.sha256((geo.GEO_DIR / "provinces.geojson").read_bytes()).hexdigest()[:12])
    assert geo.geometry_url("district", "30").startswith("app/static/geo/districts/30.geojson?v=")
    assert geo.geometry_url("district", "30") != geo.geometry_url("district", "31")  # each file its own hash
    assert geo.code_property("province") == "prov_code"
    assert geo.code_property("district") == "dist_code"
    with pytest.raises(ValueError):
        geo.geometry_url("district")


def test_province_bounds_inside_thailand_and_contain_label_point(boxes):
    for code in (c for c in boxes if len(c) == 2):
        assert _inside(boxes[code], THAILAND), code
    box = boxes["30"]
    with open(geo.GEO_DIR / "provinces.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["prov_code"] == "30")
    lon, lat = float(row["label_lon"]), float(row["label_lat"])
    assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_district_bounds_inside_province_bounds(boxes):
    for feature in _load(geo.GEO_DIR / "districts.geojson")["features"]:
        props = feature["properties"]
        assert _inside(boxes[props["dist_code"]], boxes[props["prov_code"]]), props["dist_code"]
