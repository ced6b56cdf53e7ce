"""The war room's home: where the country (or a region or province) stands, and where it lags.

Map and table drill down: a province click opens its districts, a district click its profile.
"""
import streamlit as st

from data_access.scope import NATION, REGIONS, Area
from metrics.kpis import KPIS
from ui import compliance_view, drill, loaders, maps, panels, profile, shell, urlstate
from ui.i18n import t

MAP_HEIGHT = 480  # px: a landscape tablet (1024 × 768) sees most of it on its first screen


def render(ctx: shell.Context) -> None:
    lang = ctx.lang
    index = loaders.area_index(ctx.url)
    area = drill.current(index, ctx.viewer)
    drill.publish(area)
    urlstate.seed("kpi", list(KPIS), "padme_disbursed_pct")

    st.title(t("app_title", lang))
    st.caption(f"{t('app_subtitle', lang)} · {ctx.period.label(lang)}")
    shell.notice_invalid_url(lang)
    drill.breadcrumbs(area, index, lang, ctx.viewer)

    if area.level == "district":
        profile.render(ctx, area, index)
        return
    with ctx.bar:  # the map's KPI (and region) beside the period, at the top: one tap on a tablet
        kpi = KPIS[st.selectbox(t("map_kpi", lang), list(KPIS), key="kpi", label_visibility="collapsed", width=320,
                                format_func=lambda k: t("map_kpi_value", lang).format(kpi=t(k, lang)))]
        if area.level in ("nation", "region"):
            st.session_state["region_filter"] = area.code if area.level == "region" else "all"
            st.selectbox(t("region_filter", lang), ["all", *REGIONS], key="region_filter",
                         label_visibility="collapsed", width=220,
                         format_func=lambda r: t("all_regions" if r == "all" else f"region_{r}", lang),
                         on_change=lambda: drill.go(NATION if st.session_state["region_filter"] == "all"
                                                    else Area("region", st.session_state["region_filter"])))
    urlstate.publish(kpi=kpi.key)

    # The first screen of a tablet: the map beside the four headline figures and the exceptions; in
    # portrait (one column) the figures and exceptions come first (static/touch.css), then the map. The
    # ranked table and each source's figures follow.
    frame = loaders.children(ctx, kpi, area, ctx.period)
    child = area.child_level
    with st.grid(2, min_column_width=maps.MIN_WIDTH, gap="medium"):
        with st.container(border=True, key="overview-map"):
            st.subheader(t(f"map_title_{child}", lang))
            st.caption(f"{t(kpi.key, lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, kpi.source)}")
            spec = maps.figure(frame, kpi, child, lang, prov_code=area.code if child == "district" else None,
                               height=MAP_HEIGHT, compared=panels.compared_with(ctx, kpi.source),
                               detail=compliance_view.map_detail(frame, lang))
            maps.choropleth(spec, key=f"map-{area.level}-{area.code}-{kpi.key}",
                            on_click=lambda code: drill.go(Area(child, code)))
        with st.container(height="stretch", key="overview-side"):
            panels.headlines(ctx, area)
            with st.container(border=True, height="stretch", key="overview-exceptions"):
                st.subheader(t("exceptions", lang))
                panels.exceptions(ctx, area, kpi)
    with st.container(border=True, key="overview-ranking"):
        st.subheader(t(f"ranking_{child}", lang))
        panels.ranking(ctx, frame, kpi, area, key=f"table-{area.level}-{area.code}-{kpi.key}")
    panels.source_panels(ctx, area)


shell.page(render)
