"""Split districts.geojson into districts/<prov_code>.geojson, one file per province.

Why: a province-level map shows only that province's districts, and the map takes its geometry as a
URL (so the chart spec carries none); one small file per province lets the browser fetch just those
districts instead of all 928. Features are copied unchanged. Run: python static/geo/split_districts.py
"""
import json
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    source = json.loads((HERE / "districts.geojson").read_text(encoding="utf-8"))
    by_province = defaultdict(list)
    for feature in source["features"]:
        by_province[feature["properties"]["prov_code"]].append(feature)
    out = HERE / "districts"
    out.mkdir(exist_ok=True)
    for prov_code, features in sorted(by_province.items()):
        collection = {**{k: v for k, v in source.items() if k != "features"}, "features": features}
        text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
        (out / f"{prov_code}.geojson").write_text(text, encoding="utf-8")
    print(f"wrote {len(by_province)} files, {len(source['features'])} districts, to {out}")


if __name__ == "__main__":
    main()
