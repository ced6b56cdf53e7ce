"""Every chart of the app as a Vega-Lite spec (a plain dict), drawn by `show`.

Why Vega-Lite and not plotly: a page with one plotly element pays plotly's 4.7 MB bundle (1.3 MB on the
wire) and about 1.5 s of script on a first visit; Streamlit's Vega-Lite bundle is a sixth of that, draws
SVG (no WebGL: cheap tablets fall back to software rendering) and runs its expressions through
vega-interpreter, so the Content-Security-Policy needs no 'unsafe-eval' (bench/analysis.md, issue 16).
Text from the data goes in as data values: Vega draws it as SVG text, never as markup.

Colours are Okabe–Ito (colour-blind safe); every series also differs by dash or pattern, and every bar
carries its number as text, so no reading depends on colour alone.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#6B7280"
DASHES = {"solid": [], "dash": [6, 4], "dot": [2, 3]}


@dataclass(frozen=True)
class Series:
    """One series of a chart: its name, a value per category (None = no data), the text shown beside
    each value, and how it looks."""
    name: str
    values: Sequence[float | None]
    texts: Sequence[str] | None = None
    colour: str = BLUE
    dash: str = "solid"
    shape: str = "circle"  # a Vega point shape: circle, square, diamond, …


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f  # NaN is no data


def _rows(categories: Sequence[str], series: Sequence[Series]) -> list[dict]:
    return [{"category": str(c), "series": s.name, "order": i, "rank": j, "value": _num(v),
             "text": (s.texts[i] if s.texts is not None else "")}
            for j, s in enumerate(series) for i, (c, v) in enumerate(zip(categories, s.values))]


def _title(title: str | None, subtitle: str | None) -> dict:
    if not title:
        return {}
    out = {"text": title, "anchor": "start", "fontSize": 16}
    if subtitle:
        out["subtitle"] = subtitle
    return {"title": out}


def _legend(series: Sequence[Series]) -> dict | None:
    return None if len(series) < 2 else {"orient": "bottom", "title": None, "labelLimit": 0, "direction": "horizontal"}


def _colour(series: Sequence[Series]) -> dict:
    return {"field": "series", "type": "nominal", "sort": [s.name for s in series],
            "scale": {"domain": [s.name for s in series], "range": [s.colour for s in series]},
            "legend": _legend(series)}


def bars(categories: Sequence[str], series: Sequence[Series], axis_title: str, *, horizontal: bool = True,
         title: str | None = None, subtitle: str | None = None, height: int | None = None) -> dict:
    """Bars, one per category and series (grouped side by side when there are several series), each
    with its text beside it; categories keep the order given (top to bottom, or left to right)."""
    order = [str(c) for c in categories]
    cat_axis = "y" if horizontal else "x"
    val_axis = "x" if horizontal else "y"
    offset = "yOffset" if horizontal else "xOffset"
    encoding = {
        cat_axis: {"field": "category", "type": "nominal", "sort": order, "title": None,
                   "axis": {"labelLimit": 260 if horizontal else 160, "labelAngle": 0}},
        val_axis: {"field": "value", "type": "quantitative", "title": axis_title,
                   "scale": {"zero": True, "nice": True}},
        # the tooltip's rows are keyed by title: blank titles, one and two spaces, show the value alone
        "tooltip": [{"field": "category", "title": " "}, {"field": "series", "title": "  "},
                    {"field": "text", "title": axis_title}],
    }
    if len(series) > 1:
        encoding[offset] = {"field": "series", "type": "nominal", "sort": [s.name for s in series]}
    # the text beside the bar's end: to its right, or above it
    text_mark = ({"type": "text", "align": "left", "baseline": "middle", "dx": 4} if horizontal
                 else {"type": "text", "align": "center", "baseline": "bottom", "dy": -4})
    spec = {
        **_title(title, subtitle),
        "width": "container",
        "height": height or (max(220, len(order) * 26 * len(series) + 80) if horizontal else 380),
        "data": {"values": _rows(categories, series)},
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "bar", "cornerRadiusEnd": 2},
             "encoding": {"color": _colour(series)}},
            # the text stands at the bar's end, or at zero where there is no bar (no data: "—")
            {"mark": text_mark, "encoding": {"text": {"field": "text"}, "color": {"value": "#374151"},
                                             val_axis: {"field": "at", "type": "quantitative"}}},
        ],
        "transform": [{"calculate": "isValid(datum.value) ? datum.value : 0", "as": "at"}],
        "config": {"view": {"stroke": None}},
    }
    if horizontal:  # room on the right for the longest text beside its bar
        spec["padding"] = {"right": 90}
    return spec


def lines(categories: Sequence[str], series: Sequence[Series], axis_title: str, *, title: str | None = None,
          subtitle: str | None = None, height: int = 340, domain: tuple[float, float] | None = None,
          rule: tuple[float, str] | None = None, show_text: bool = False) -> dict:
    """Lines over ordered categories (quarters, years), one per series, each with its own dash and
    point shape; `rule` draws a dashed horizontal line (a target) with its label."""
    order = [str(c) for c in categories]
    y = {"field": "value", "type": "quantitative", "title": axis_title}
    if domain:
        y["scale"] = {"domain": list(domain)}
    base = {
        "x": {"field": "category", "type": "ordinal", "sort": order, "title": None, "axis": {"labelAngle": 0}},
        "y": y,
    }
    layers: list[dict] = [
        {"mark": {"type": "line", "strokeWidth": 2.5},
         "encoding": {"color": _colour(series),
                      "strokeDash": {"field": "series", "type": "nominal", "sort": [s.name for s in series],
                                     "scale": {"domain": [s.name for s in series],
                                               "range": [DASHES.get(s.dash, []) for s in series]},
                                     "legend": _legend(series)}}},
        {"mark": {"type": "point", "filled": True, "size": 70},
         "encoding": {"color": _colour(series),
                      "shape": {"field": "series", "type": "nominal", "sort": [s.name for s in series],
                                "scale": {"domain": [s.name for s in series],
                                          "range": [s.shape for s in series]},
                                "legend": _legend(series)},
                      "tooltip": [{"field": "series", "title": " "}, {"field": "category", "title": "  "},
                                  {"field": "text", "title": axis_title}]}},
    ]
    if show_text:
        layers.append({"mark": {"type": "text", "dy": -12, "fontSize": 11},
                       "encoding": {"text": {"field": "text"}, "color": _colour(series)}})
    spec = {
        **_title(title, subtitle),
        "width": "container", "height": height,
        "data": {"values": _rows(categories, series)},  # Vega leaves out the points with no value
        "encoding": base,
        "layer": layers,
        "config": {"view": {"stroke": None}},
    }
    if rule is not None:
        value, label = rule
        spec = {**{k: v for k, v in spec.items() if k not in ("data", "encoding", "layer")},
                "layer": [
                    {"data": spec["data"], "encoding": base, "layer": layers},
                    {"data": {"values": [{"value": float(value), "label": label}]},
                     "layer": [
                         {"mark": {"type": "rule", "strokeDash": [6, 4], "color": GREY},
                          "encoding": {"y": {"field": "value", "type": "quantitative"}}},
                         {"mark": {"type": "text", "align": "left", "baseline": "bottom", "dy": -3, "x": 4,
                                   "color": GREY},
                          "encoding": {"y": {"field": "value", "type": "quantitative"}, "text": {"field": "label"}}},
                     ]},
                ]}
    return spec


def show(spec: dict, key: str) -> None:
    """Draw a chart the width of its container, with no selection."""
    st.vega_lite_chart(spec, key=key, width="stretch")
