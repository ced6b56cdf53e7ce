"""Choropleth maps that work offline, stay small on the wire and drill down on a tap.

A map is a Vega-Lite `geoshape` spec (see ui/charts.py for why Vega-Lite). Geometry is not embedded:
the spec reads the GeoJSON by URL from static/geo, which the browser caches, so a view's spec carries only
codes, values and names; a province view fetches only that province's districts. The KPI values join
the polygons by area code in the browser (a `lookup`), polygons outside the view are dropped, and the
projection is fitted by Vega to the areas drawn at the map's actual size, so every area is in view on a
tablet and the area fills the map on a wall. No tiles, no basemap, no WebGL.

Colour scales are colour-blind safe: cividis for performance, red–blue diverging around zero for gaps,
blues for sizes; areas without data are grey and say so in their tooltip.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from metrics.kpis import Kpi

from . import fmt, geo
from .i18n import t

NO_DATA_GREY = "#CBD5E1"
OUTLINE = "#FFFFFF"
HEIGHT = 620
# px: maps sit in st.grid cells at least this wide, beside their table on a desktop, stacked above it on
# a tablet (a 3:2 column there squeezed the map until districts fell out of view).
MIN_WIDTH = 460
SELECTION = "area"  # the map's point-selection parameter: a tap selects one area's code


def _scale(kpi: Kpi) -> dict:
    if kpi.unit == "pp":
        return {"scheme": "redblue", "domainMid": 0}
    if kpi.higher_is_better:
        return {"scheme": "cividis"}
    return {"scheme": "blues"}


def _unit_label(kpi: Kpi, lang: str) -> str:
    return {"pct": "%", "pp": "pp", "mb": t("unit_mb", lang), "count": t("unit_households", lang),
            "baht_hh": t("unit_baht_per_household", lang)}[kpi.unit]


def _number(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def figure(frame: pd.DataFrame, kpi: Kpi, map_of: str, lang: str, prov_code: str | None = None,
           height: int = HEIGHT, selectable: bool = True, font_px: int | None = None,
           outline: str = OUTLINE, compared: str | None = None,
           detail: tuple[str, list[str]] | None = None) -> dict:
    """`frame`: area_code, name_th, name_en and the KPI column, one row per polygon to draw. The spec
    draws those polygons of `geo.geometry_url(map_of, prov_code)`, coloured by the KPI, fitted to the
    map's width and `height`; `selectable` adds the tap selection `SELECTION` (off on the wall). With
    `compared` (what the change is against, in words) and a `change` column, the tooltip shows it.
    `detail`: (title, one formatted text per row), a line of the tooltip (the reporting KPI's missing
    and late reports)."""
    other = "name_en" if lang == "th" else "name_th"
    own = "name_th" if lang == "th" else "name_en"
    changes = frame["change"] if compared and "change" in frame else [None] * len(frame)
    details = detail[1] if detail else [None] * len(frame)
    values = [{"area_code": str(code), "value": _number(v), "name": str(n), "other": str(o),
               "label": t("no_data", lang) if _number(v) is None else fmt.by_unit(v, kpi.unit, lang),
               "change": fmt.delta(_number(c), kpi.unit) or t("no_data", lang),
               **({"detail": str(d)} if detail else {})}
              for code, v, n, o, c, d in zip(frame["area_code"], frame[kpi.column], frame[own], frame[other],
                                             changes, details)]
    unit = _unit_label(kpi, lang)
    legend = {"title": unit, "orient": "bottom", "direction": "horizontal", "gradientLength": 220}
    if font_px:  # the wall: a wide map, so the scale stands at its side and the country takes the height
        legend.update(orient="right", direction="vertical", labelFontSize=font_px, titleFontSize=font_px,
                      gradientThickness=font_px, gradientLength=int(height * 0.6))
    spec = {
        "width": "container", "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"url": geo.geometry_url(map_of, prov_code), "format": {"type": "json", "property": "features"}},
        "transform": [
            {"calculate": f"datum.properties.{geo.code_property(map_of)}", "as": "area_code"},
            {"lookup": "area_code", "from": {"data": {"values": values}, "key": "area_code",
                                             "fields": ["value", "label", "name", "other", "change",
                                                        *(["detail"] if detail else [])]}},
            {"filter": "isValid(datum.name)"},  # only the areas of this view (the lookup found them)
            {"calculate": "datum.name + ' · ' + datum.label", "as": "description"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": outline, "strokeWidth": 0.7, "invalid": None,
                 **({"cursor": "pointer"} if selectable else {})},
        "encoding": {
            "color": {"condition": {"test": "!isValid(datum.value)", "value": NO_DATA_GREY},
                      "field": "value", "type": "quantitative", "title": unit, "scale": _scale(kpi),
                      "legend": legend},
            # what a screen reader says of each area (the SVG path's aria-label): its name and figure
            "description": {"field": "description"},
            "tooltip": [{"field": "name", "title": "title"}, {"field": "other", "title": " "},
                        {"field": "label", "title": unit},
                        *([{"field": "change", "title": f"{t('col_change', lang)} {compared}"}] if compared else []),
                        *([{"field": "detail", "title": detail[0]}] if detail else [])],
        },
        "config": {"view": {"stroke": None}},
    }
    if selectable:
        spec["params"] = [{"name": SELECTION, "select": {"type": "point", "fields": ["area_code"], "on": "click",
                                                         "clear": False}}]
    return spec


def clicked_code(state) -> str | None:
    """The area code of the polygon a tap selected, from the chart's selection state."""
    points = ((state or {}).get("selection") or {}).get(SELECTION) or []
    if not points:
        return None
    code = points[0].get("area_code")
    return str(code) if code else None


def choropleth(spec: dict, key: str, on_click: Callable[[str], None]) -> None:
    """Draw the map; a tap on a polygon calls `on_click(area_code)` before the next run."""
    def _selected() -> None:
        if code := clicked_code(st.session_state.get(key)):
            on_click(code)

    st.vega_lite_chart(spec, key=key, on_select=_selected, selection_mode=SELECTION, width="stretch")


def static(spec: dict, key: str) -> None:
    """Draw a map with no selection (the wall)."""
    st.vega_lite_chart(spec, key=key, width="stretch")
