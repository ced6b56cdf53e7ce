"""Area profile: the four sources for one province or district, with its rank among its peers."""
import streamlit as st

from data_access.scope import Area
from ui import drill, loaders, profile, shell
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
        st.info(t("profile_pick", lang))
        provinces = index.drop_duplicates("prov_code")
        names = dict(zip(provinces.prov_code, provinces.prov_name_th if lang == "th" else provinces.prov_name_en))
        choice = st.selectbox(t("province", lang), list(names), format_func=names.get, index=None, key="profile_pick")
        if choice:
            drill.go(Area("province", choice))
            st.rerun()


shell.page(render)
