"""Choropleth maps that work offline and stay small on the wire.

Geometry is not embedded in the chart: plotly's `choroplethmap` takes the GeoJSON as a URL, which
Streamlit serves from static/geo and the browser caches, so a view's spec carries only codes and
values; a province view fetches only that province's districts. The "white-bg" style needs no tiles.
Colour scales are colour-blind safe: cividis for performance, blue–red diverging around zero for
gaps, blues for sizes; areas without data are grey and say so in the tooltip.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.kpis import Kpi

from . import fmt, geo
from .i18n import t

NO_DATA_GREY = "#CBD5E1"
HEIGHT = 620
# px: maps sit in st.grid cells at least this wide, beside their table on a desktop, stacked above it on
# a tablet (a 3:2 column there squeezed the map until districts fell out of view).
MIN_WIDTH = 460
# px: the zoom is fixed on the server, so it frames the area for the narrowest plot a map gets: a portrait
# tablet with its sidebar open (about 470 px of cell, less the colour bar). A desktop's wider map shows
# more margin around the same area; none of its areas is ever out of view, or out of reach of a tap.
FIT_WIDTH = 380


def _colours(kpi: Kpi) -> dict:
    if kpi.unit == "pp":
        return {"colorscale": "RdBu", "zmid": 0}
    if kpi.higher_is_better:
        return {"colorscale": "Cividis"}
    return {"colorscale": "Blues"}


def _unit_label(kpi: Kpi, lang: str) -> str:
    return {"pct": "%", "pp": "pp", "mb": t("unit_mb", lang), "count": t("unit_households", lang),
            "baht_hh": t("unit_baht_per_household", lang)}[kpi.unit]


def figure(frame: pd.DataFrame, kpi: Kpi, map_of: str, lang: str, prov_code: str | None = None,
           fit_width: int = FIT_WIDTH, height: int = HEIGHT) -> go.Figure:
    """`frame`: area_code, name_th, name_en and the KPI column, one row per polygon to draw; the area is
    framed for a plot `fit_width` × `height` px (a page's narrowest map unless the caller knows better)."""
    url, key = geo.geometry_url(map_of, prov_code), geo.feature_key(map_of)
    has = frame[kpi.column].notna()
    labels = [fmt.by_unit(v, kpi.unit, lang) for v in frame[kpi.column]]
    # The hover reads a few HTML tags (<b>, <a href>): the names, data, go in as plain text.
    custom = list(zip(frame["area_code"], map(fmt.plot_text, frame["name_th"]), map(fmt.plot_text, frame["name_en"]),
                      labels))
    hover = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>"
    common = {"geojson": url, "featureidkey": key, "hovertemplate": hover,
              "marker_line_width": 0.6, "marker_line_color": "#FFFFFF"}
    fig = go.Figure()
    if (~has).any():
        fig.add_trace(go.Choroplethmap(
            locations=frame.loc[~has, "area_code"], z=[0] * int((~has).sum()),
            colorscale=[[0, NO_DATA_GREY], [1, NO_DATA_GREY]], showscale=False,
            customdata=[c for c, h in zip(custom, has) if not h], name=t("no_data", lang), **common))
    fig.add_trace(go.Choroplethmap(
        locations=frame.loc[has, "area_code"], z=frame.loc[has, kpi.column],
        customdata=[c for c, h in zip(custom, has) if h],
        colorbar={"title": {"text": _unit_label(kpi, lang)}, "thickness": 14}, **_colours(kpi), **common))
    view = geo.view(geo.bounds(list(frame["area_code"])), width_px=fit_width, height_px=height)
    fig.update_layout(map={"style": "white-bg", **view}, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      height=height, dragmode=False)
    return fig


def clicked_code(state) -> str | None:
    """The area code of the polygon a click selected, from the chart's selection state."""
    points = (state or {}).get("selection", {}).get("points", [])
    if not points:
        return None
    point = points[0]
    return point.get("location") or (point.get("customdata") or [None])[0]


def choropleth(fig: go.Figure, key: str, on_click: Callable[[str], None]) -> None:
    """Draw the map; a click on a polygon calls `on_click(area_code)` before the next run."""
    def _selected() -> None:
        if code := clicked_code(st.session_state.get(key)):
            on_click(code)

    st.plotly_chart(fig, key=key, on_select=_selected, selection_mode="points",
                    config={"displayModeBar": False, "scrollZoom": False})
