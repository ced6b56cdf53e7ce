"""Choropleth maps that work offline and stay small on the wire.

Geometry is not embedded in the chart: plotly's `choroplethmap` takes the GeoJSON as a URL, which
Streamlit serves from static/geo and the browser caches, so a view's spec carries only codes and
values. The "white-bg" style needs no tiles; colour scales are colour-blind safe (cividis for
performance, a blue–red diverging scale centred on zero for gaps, blues for sizes).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.kpis import Kpi

from . import fmt
from .i18n import t

GEOMETRY_URL = {"province": "app/static/geo/provinces.geojson"}
FEATURE_KEY = {"province": "properties.prov_code"}
NO_DATA_GREY = "#CBD5E1"


def _colours(kpi: Kpi) -> dict:
    if kpi.unit == "pp":
        return {"colorscale": "RdBu", "zmid": 0}
    if kpi.higher_is_better:
        return {"colorscale": "Cividis"}
    return {"colorscale": "Blues"}


def choropleth(frame: pd.DataFrame, kpi: Kpi, level: str, lang: str, key: str, height: int = 620):
    """`frame`: area_code, name_th, name_en and the KPI column. Returns the plotly selection state."""
    has = frame[kpi.column].notna()
    labels = [fmt.by_unit(v, kpi.unit, lang) for v in frame[kpi.column]]
    custom = list(zip(frame["name_th"], frame["name_en"], labels))
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
    fig = go.Figure()
    if (~has).any():
        fig.add_trace(go.Choroplethmap(
            geojson=GEOMETRY_URL[level], featureidkey=FEATURE_KEY[level],
            locations=frame.loc[~has, "area_code"], z=[0] * int((~has).sum()),
            colorscale=[[0, NO_DATA_GREY], [1, NO_DATA_GREY]], showscale=False,
            customdata=[c for c, h in zip(custom, has) if not h], hovertemplate=hover,
            marker_line_width=0.6, marker_line_color="#FFFFFF", name=t("no_data", lang)))
    fig.add_trace(go.Choroplethmap(
        geojson=GEOMETRY_URL[level], featureidkey=FEATURE_KEY[level],
        locations=frame.loc[has, "area_code"], z=frame.loc[has, kpi.column],
        customdata=[c for c, h in zip(custom, has) if h], hovertemplate=hover,
        marker_line_width=0.6, marker_line_color="#FFFFFF",
        colorbar={"title": {"text": _unit_label(kpi, lang)}, "thickness": 14},
        **_colours(kpi)))
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 13.1, "lon": 101.0}, "zoom": 4.5},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=height)
    return st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points",
                           config={"displayModeBar": False, "scrollZoom": False})


def _unit_label(kpi: Kpi, lang: str) -> str:
    return {"pct": "%", "pp": "pp", "mb": t("unit_mb", lang), "count": t("unit_households", lang)}[kpi.unit]
