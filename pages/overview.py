"""The war room's home: where the country (or a region or province) stands, and where it lags.

Map and table drill down: a province click opens its districts, a district click its profile.
"""
import streamlit as st

from data_access.scope import NATION, REGIONS, Area
from metrics.kpis import KPIS
from ui import drill, loaders, maps, panels, profile, shell, urlstate
from ui.i18n import t


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
    else:
        panels.source_panels(ctx, area)

        browse_regions = area.level in ("nation", "region")
        controls = st.columns([3, 2]) if browse_regions else [st.container()]
        with controls[0]:
            kpi = KPIS[st.selectbox(t("map_kpi", lang), list(KPIS), format_func=lambda k: t(k, lang), key="kpi")]
        urlstate.publish(kpi=kpi.key)
        if browse_regions:
            st.session_state["region_filter"] = area.code if area.level == "region" else "all"
            with controls[1]:
                st.selectbox(t("region_filter", lang), ["all", *REGIONS], key="region_filter",
                             format_func=lambda r: t("all_regions" if r == "all" else f"region_{r}", lang),
                             on_change=lambda: drill.go(NATION if st.session_state["region_filter"] == "all"
                                                        else Area("region", st.session_state["region_filter"])))

        frame = loaders.children(ctx, kpi, area, ctx.period)
        child = area.child_level
        with st.grid(2, min_column_width=maps.MIN_WIDTH, gap="medium"):  # stacked on a tablet
            with st.container(border=True):
                st.subheader(t(f"map_title_{child}", lang))
                st.caption(f"{t(kpi.key, lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, kpi.source)}")
                spec = maps.figure(frame, kpi, child, lang, prov_code=area.code if child == "district" else None)
                maps.choropleth(spec, key=f"map-{area.level}-{area.code}-{kpi.key}",
                                on_click=lambda code: drill.go(Area(child, code)))
            with st.container(border=True):
                st.subheader(t(f"ranking_{child}", lang))
                panels.ranking(ctx, frame, kpi, area, key=f"table-{area.level}-{area.code}-{kpi.key}")
        with st.container(border=True):
            st.subheader(t("exceptions", lang))
            panels.exceptions(ctx, area, kpi)


shell.page(render)
