"""The per-province district files and the map framing helpers in ui/geo.py.

Why: province maps fetch static/geo/districts/<prov_code>.geojson instead of all districts, so those
files must hold exactly the source features, stay small, and the bounds/zoom maths must frame areas.
"""
from __future__ import annotations

import csv
import json

import pytest

from ui import geo

THAILAND = (97.3, 5.6, 105.7, 20.5)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


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


def test_geometry_url_and_feature_key():
    assert geo.geometry_url("province") == "app/static/geo/provinces.geojson"
    assert geo.geometry_url("district", "30") == "app/static/geo/districts/30.geojson"
    assert geo.feature_key("province") == "properties.prov_code"
    assert geo.feature_key("district") == "properties.dist_code"
    with pytest.raises(ValueError):
        geo.geometry_url("district")


def test_province_bounds_inside_thailand_and_contain_label_point():
    box = geo.bounds(["30"])
    assert _inside(box, THAILAND)
    with open(geo.GEO_DIR / "provinces.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["prov_code"] == "30")
    lon, lat = float(row["label_lon"]), float(row["label_lat"])
    assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_district_bounds_inside_province_bounds():
    for feature in _load(geo.GEO_DIR / "districts.geojson")["features"]:
        props = feature["properties"]
        assert _inside(geo.bounds([props["dist_code"]]), geo.bounds([props["prov_code"]])), props["dist_code"]


def test_bounds_of_several_codes_is_their_union():
    a, b, both = geo.bounds(["10"]), geo.bounds(["50"]), geo.bounds(["10", "50"])
    assert both == (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def test_view_zoom():
    country = geo.bounds([str(c) for c in geo._bboxes() if len(c) == 2])
    whole = geo.view(country, 600, 620)
    assert 4 <= whole["zoom"] <= 5.2
    assert country[1] < whole["center"]["lat"] < country[3] and country[0] < whole["center"]["lon"] < country[2]
    assert geo.view(geo.bounds(["1001"]))["zoom"] > geo.view(geo.bounds(["10"]))["zoom"]
    min_lon, min_lat, max_lon, max_lat = geo.bounds(["30"])
    wider = (min_lon - 1, min_lat, max_lon + 1, max_lat)
    assert geo.view(wider)["zoom"] < geo.view(geo.bounds(["30"]))["zoom"]
    assert 3 <= geo.view((0, -80, 180, 80))["zoom"] and geo.view((100.5, 13.7, 100.5, 13.7))["zoom"] <= 12
