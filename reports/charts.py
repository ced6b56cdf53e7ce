"""The brief's pictures as PNG bytes: a KPI's map and its movers.

Why matplotlib on an explicit Agg canvas: the documents need still images made on the server with no
browser (plotly's export needs one) and no network (no basemap). Figures are built with `Figure` and
`FigureCanvasAgg`, never pyplot, and fonts are set per text rather than in rcParams, so nothing global
is shared between Streamlit's script threads. matplotlib 3.11 lays text out with libraqm, so Thai area
names in the images are shaped (tone marks and vowels in place) like the documents' own text.
"""
from __future__ import annotations

import io
import json
import math
import struct

from matplotlib import colormaps, font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from . import fonts
from .brief import KpiMovers, MapLayer

for _file in (fonts.REGULAR, fonts.BOLD):
    font_manager.fontManager.addfont(str(_file))

FAMILIES = [fonts.FAMILY, "DejaVu Sans"]   # DejaVu only for a character Sarabun lacks
NO_DATA_GREY = "#CBD5E1"                    # as on the app's maps (ui.maps)
UP_GREEN, DOWN_RED = "#1A7F37", "#C62828"
LABEL_CHARS = 40                             # longer area names are cut, or the chart shrinks on the slide
DPI = 150


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG's header, so a writer can fit the picture to a box."""
    return struct.unpack(">II", png[16:24])


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.15, facecolor="white")
    return buffer.getvalue()


def _rings(geometry: dict | None) -> list[list]:
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _path(rings: list[list]) -> Path:
    """One compound path per area, so holes (wound the other way, RFC 7946) stay empty."""
    vertices, codes = [], []
    for ring in rings:
        vertices.extend(ring)
        codes += [Path.MOVETO] + [Path.LINETO] * (len(ring) - 2) + [Path.CLOSEPOLY]
    return Path(vertices, codes)


def map_png(layer: MapLayer) -> bytes:
    """A choropleth of `layer.values` over the GeoJSON's polygons; the good end of the scale is the
    same colour whichever way the KPI points (cividis, reversed when lower is better)."""
    features = json.loads(layer.geojson.read_text(encoding="utf-8"))["features"]
    values = {code: v for code, v in layer.values.items() if v is not None and math.isfinite(v)}
    cmap = colormaps["cividis"] if layer.higher_is_better else colormaps["cividis"].reversed()
    low, high = (min(values.values()), max(values.values())) if values else (0.0, 1.0)
    norm = Normalize(low, high if high > low else low + 1)
    patches, colours, lats = [], [], []
    for feature in features:
        rings = [ring for ring in _rings(feature.get("geometry")) if len(ring) >= 3]
        if not rings:
            continue
        value = values.get(str(feature["properties"].get(layer.key)))
        patches.append(PathPatch(_path(rings)))
        colours.append(NO_DATA_GREY if value is None else cmap(norm(value)))
        lats += [lat for ring in rings for _, lat in ring]
    fig = Figure(figsize=(9, 6.4))
    ax = fig.add_subplot()
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.5))
    ax.autoscale_view()
    if lats:
        ax.set_aspect(1 / math.cos(math.radians((min(lats) + max(lats)) / 2)))
    ax.set_axis_off()
    ax.set_title(layer.title, family=FAMILIES, fontsize=13, fontweight="bold", parse_math=False)
    if values:
        bar = fig.colorbar(ScalarMappable(norm, cmap), ax=ax, shrink=0.75, pad=0.02)
        bar.ax.tick_params(labelfontfamily=FAMILIES, labelsize=9)
    return _png(fig)


def _short(name: str) -> str:
    # Cutting a string never orphans a Thai mark: marks follow their base, so only the tail loses one.
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def movers_png(movers: KpiMovers) -> bytes:
    """Horizontal bars of each mover's change, the biggest gain on top and the biggest loss at the
    bottom. Colour follows the list, not the sign: a fall in a lower-is-better KPI is a gain (green)."""
    rows = [(m, UP_GREEN) for m in movers.up] + [(m, DOWN_RED) for m in reversed(movers.down)]
    fig = Figure(figsize=(7.5, 1.2 + 0.42 * max(len(rows), 1)))
    ax = fig.add_subplot()
    changes = [m.change for m, _ in rows]
    positions = range(len(rows))
    ax.barh(positions, changes, color=[c for _, c in rows], height=0.6)
    ax.set_yticks(positions, [_short(m.name) for m, _ in rows], family=FAMILIES, fontsize=12, parse_math=False)
    ax.invert_yaxis()
    ax.axvline(0, color="#475569", linewidth=0.8)
    low, high = min([0.0, *changes]), max([0.0, *changes])
    pad = 0.2 * ((high - low) or 1.0)        # room for the figures at the bars' ends
    ax.set_xlim(low - pad, high + pad)
    for y, change in zip(positions, changes):
        ax.annotate(f"{change:+.1f}", (change, y), xytext=(4 if change >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if change >= 0 else "right", va="center", family=FAMILIES, fontsize=11)
    ax.tick_params(axis="x", labelfontfamily=FAMILIES, labelsize=10)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.grid(axis="x", color="#E2E8F0", linewidth=0.6)
    ax.set_axisbelow(True)
    return _png(fig)
