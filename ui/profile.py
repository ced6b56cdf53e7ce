"""The area profile (One Data): one province or district, its four sources side by side, its rank
among the peers of its region (a province) or province (a district), and subdistricts for a district."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import access
from data_access.scope import Area
from metrics import kpis

from . import drill, loaders, fmt, panels
from .i18n import t
from .shell import Context


def render(ctx: Context, area: Area, index: pd.DataFrame) -> None:
    lang = ctx.lang
    st.header(fmt.literal(drill.name(area, index, lang), breaks=False), anchor="area-profile")  # no anchor of the name
    panels.source_panels(ctx, area)
    peers = drill.parent(area, index)
    if not access.allowed(ctx.viewer, "view", peers):
        return _subdistricts(ctx, area)  # policy: no other area's figures, so no ranking among them
    with st.container(border=True):
        st.markdown(f"**{t('rank_among', lang)}: {fmt.literal(drill.name(peers, index, lang))}**")
        rows = []
        for key in panels.HEADLINE_KPIS:
            kpi = kpis.KPIS[key]
            value = loaders.totals(ctx, kpi.source, area, ctx.period).get(kpi.column)
            rank, of = loaders.peer_rank(ctx, kpi, area, peers, ctx.period)
            rows.append({t("col_kpi", lang): t(key, lang), t("col_value", lang): fmt.by_unit(value, kpi.unit, lang),
                         t("col_rank", lang): f"{fmt.count(rank, lang=lang)} {t('rank_of', lang)} {of}"})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    _subdistricts(ctx, area)


def _subdistricts(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    if area.level == "district":
        with st.container(border=True):
            st.markdown(f"**{t('subdistricts', lang)}** · {ctx.period.label(lang)}")
            panels.subdistricts(ctx, area)
