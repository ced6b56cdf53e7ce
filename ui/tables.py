"""Every table of figures on screen: ui.fmt.table's display values (each unit's fixed precision) and
"ไม่มีข้อมูล" / "No data" in a missing cell, which Streamlit's grid otherwise draws as "None" whatever
the Styler says. The numbers stay numbers underneath, so a tap on a header sorts by value."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import fmt
from .i18n import t


def show(frame: pd.DataFrame, units: dict[str, str], lang: str, **kwargs):
    """st.dataframe of `frame` with its `units` (ui.fmt.CELL_UNITS) drawn by ui.fmt.cell."""
    return st.dataframe(fmt.table(frame, units, lang), placeholder=t("no_data", lang), **kwargs)
