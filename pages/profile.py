"""Area profile: the four sources for one province or district, with its rank among its peers."""
import streamlit as st

from data_access import access
from data_access.scope import Area
from ui import drill, fmt, loaders, profile, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    lang = ctx.lang
    index = loaders.area_index(ctx.url)
    area = drill.current(index, ctx.viewer)
    drill.publish(area)
    shell.notice_invalid_url(lang)
    drill.breadcrumbs(area, index, lang, ctx.viewer)

    if area.level in ("province", "district"):
        profile.render(ctx, area, index)
    else:
        pick_province(ctx, area, index)


def pick_province(ctx: shell.Context, area: Area, index) -> None:
    """At the nation or a region: every province the viewer may open, one tap each, by region."""
    lang = ctx.lang
    st.info(t("profile_pick", lang))
    provinces = index.drop_duplicates("prov_code")
    if area.level == "region":
        provinces = provinces[provinces.region4 == area.code]
    for region, rows in provinces.groupby("region4", sort=False):
        allowed = [r for r in rows.itertuples() if access.allowed(ctx.viewer, "view", Area("province", r.prov_code))]
        if not allowed:
            continue
        st.markdown(f"**{fmt.literal(rows.region4_th.iloc[0] if lang == 'th' else t(f'region_{region}', lang))}**")
        with st.container(horizontal=True, gap="small", key=f"profile-pick-{region}"):
            for r in allowed:
                st.button(fmt.literal(r.prov_name_th if lang == "th" else r.prov_name_en),
                          key=f"profile-pick-{r.prov_code}", on_click=drill.go, args=(Area("province", r.prov_code),))


shell.page(render)
