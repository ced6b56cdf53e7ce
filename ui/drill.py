"""Where the viewer is in the drill path (nation → region → province → district), kept in the URL.

The area lives in session state under "drill" and in the query string as `level` and `area`, so a
link or a reload restores the view. An unknown level or code falls back to the nation with a notice;
a map click, a table row or a breadcrumb moves the viewer with `go`.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from data_access import access
from data_access.scope import LEVELS, NATION, REGIONS, Area, Viewer
from reports import fonts

from . import fmt, urlstate
from .i18n import t

_KEY = "drill"


def _parse(level: str | None, code: str | None, index: pd.DataFrame) -> Area | None:
    """An Area for the URL's values when the area exists, else None."""
    if level is None and code is None:
        return NATION
    if level is None:  # ?area=30 alone: infer the level from the code's length
        level = {2: "province", 4: "district"}.get(len(code or ""), "region")
    if level not in LEVELS:
        return None
    known = {"nation": {None}, "region": set(REGIONS), "province": set(index.prov_code),
             "district": set(index.dist_code)}[level]
    return Area(level, code) if code in known else None


def _start(home: str | None, index: pd.DataFrame, viewer: Viewer) -> Area:
    """Where a session opens: `?home=<province code>` (a tablet's bookmark) when the viewer may see
    it, else the viewer's home area (a governor's province, the nation for the ministry)."""
    if home is None:
        return viewer.home
    area = Area("province", home) if home in set(index.prov_code) else None
    if area is None or not access.allowed(viewer, "view", area):
        st.session_state.setdefault(urlstate.INVALID, {})["home"] = home
        return viewer.home
    return area


def current(index: pd.DataFrame, viewer: Viewer) -> Area:
    """The area in view; a viewer starts at their home area. An area outside the viewer's rights
    raises NotPermitted (the shell shows the refusal, no figures) and is not remembered."""
    if _KEY not in st.session_state:
        level, code, home = (st.query_params.get(k) for k in ("level", "area", "home"))
        start = _start(home, index, viewer)
        area = _parse(level, code, index) if (level or code) else start
        if area is None:
            st.session_state.setdefault(urlstate.INVALID, {}).update(
                {k: v for k, v in (("level", level), ("area", code)) if v is not None})
            area = start
        access.require(viewer, "view", area)
        st.session_state[_KEY] = area
    area = st.session_state[_KEY]
    access.require(viewer, "view", area)
    return area


def go(area: Area) -> None:
    """Move the viewer (safe inside a widget callback: the next run renders the new area)."""
    st.session_state[_KEY] = area


def publish(area: Area) -> None:
    urlstate.publish(level=area.level)
    if area.code is None:
        st.query_params.pop("area", None)
    else:
        urlstate.publish(area=area.code)


def parent(area: Area, index: pd.DataFrame) -> Area:
    if area.level == "district":
        return Area("province", area.code[:2])
    if area.level == "province":
        return Area("region", index.loc[index.prov_code == area.code, "region4"].iloc[0])
    return NATION


def path(area: Area, index: pd.DataFrame) -> list[Area]:
    """The breadcrumb trail from the nation down to `area`."""
    trail = [area]
    while trail[-1].level != "nation":
        trail.append(parent(trail[-1], index))
    return trail[::-1]


def name(area: Area, index: pd.DataFrame, lang: str) -> str:
    """The area's name as every page shows it: a district's is the index's display name
    (data_access.areas.district_names: อำเภอโนนแดง, Non Daeng), a province's its own."""
    if area.level == "nation":
        return t("nation", lang)
    if area.level == "region":
        row = index[index.region4 == area.code].iloc[0]
        return row.region4_th if lang == "th" else t(f"region_{area.code}", "en")
    if area.level == "province":
        row = index[index.prov_code == area.code].iloc[0]
        return row.prov_name_th if lang == "th" else row.prov_name_en
    row = index[index.dist_code == area.code].iloc[0]
    return row.display_th if lang == "th" else row.display_en


# A table's text: the theme's small size (0.875 rem of the 15 px base: 13.1 px, rounded up here), with
# 8 px of padding each side of a cell (the theme's 0.5 rem); the header adds its sort arrow.
TABLE_TEXT_PX, CELL_PADDING_PX, HEADER_ICON_PX = 14, 8, 28


@functools.cache
def _shaper():
    import uharfbuzz as hb
    face = hb.Face(hb.Blob.from_file_path(str(fonts.REGULAR)))
    return hb, hb.Font(face), face.upem


def text_width(text: str, px: float = TABLE_TEXT_PX) -> float:
    """How wide `text` is drawn in Sarabun at `px` pixels, shaped as the browser shapes it (Thai marks
    take no width of their own)."""
    hb, font, upem = _shaper()
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return sum(glyph.x_advance for glyph in buffer.glyph_positions) * px / upem


def name_column(names: Iterable, label: str = "") -> st.column_config.TextColumn:
    """A table column of area names as wide as its longest name and its header `label`. Without a
    width Streamlit sizes a column from its first nine rows and its last, so a longer name further
    down ends in "…" (Phra Nakhon Si Ayutthaya in the middle of a ranking)."""
    widest = max((text_width(str(n)) for n in names), default=0.0)
    header = text_width(label) + HEADER_ICON_PX if label else 0.0
    return st.column_config.TextColumn(width=math.ceil(max(widest, header)) + 2 * CELL_PADDING_PX)


def breadcrumbs(area: Area, index: pd.DataFrame, lang: str, viewer: Viewer) -> None:
    """One tap back to any level the viewer may see: ancestors are buttons, the current area text."""
    trail = [step for step in path(area, index) if access.allowed(viewer, "view", step)]
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="breadcrumbs"):
        for i, step in enumerate(trail):
            label = fmt.literal(name(step, index, lang))  # an area's name is data: shown as written
            if step == area:
                st.markdown(f"**{label}**")
            else:
                st.button(label, key=f"crumb-{step.level}-{step.code}", on_click=go, args=(step,),
                          type="tertiary")
            if i < len(trail) - 1:
                st.markdown("›")
