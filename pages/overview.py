"""Overview: the nation's headline KPIs from the four sources and a province map of one of them."""
import pandas as pd
import streamlit as st

from data_access.scope import NATION
from metrics.kpis import KPIS
from metrics.sdg import goals_on_track
from metrics.fiscal import thai_date
from ui import data, fmt, maps, shell, urlstate
from ui.i18n import t

ctx = st.session_state["ctx"]
lang, period = ctx.lang, ctx.period

st.title(t("app_title", lang))
st.caption(f"{t('app_subtitle', lang)} · {period.label(lang)}")

padme = data.kpi_frame(ctx.url, ctx.version("padme"), ctx.viewer, "padme", NATION, period, "nation")
cebrs = data.kpi_frame(ctx.url, ctx.version("cebrs"), ctx.viewer, "cebrs", NATION, period, "nation")
thaiqm = data.kpi_frame(ctx.url, ctx.version("thaiqm"), ctx.viewer, "thaiqm", NATION, period, "nation")
sdg_year, sdg = data.sdg_ratings(ctx.url, ctx.version("sdg"), ctx.viewer, NATION, period, "nation")
status = data.data_status(ctx.url, ctx.versions).set_index("source")


def first(frame, column):
    return frame[column].iloc[0] if len(frame) else None


def as_of(source):
    through = status.loc[source, "data_through"] if source in status.index else None
    when = t("no_data", lang) if through is None or pd.isna(through) else thai_date(pd.Timestamp(through).date(), lang)
    return f"{t('source_' + source, lang)} · {t('as_of', lang)} {when}"


with st.grid(4, min_column_width=240, gap="medium"):
    st.metric(t("padme_budget", lang), fmt.mb(first(padme, "budget_mb"), lang, unit=False), border=True, height="stretch",
              help=as_of("padme"))
    gap = first(padme, "gap_pp")
    st.metric(t("padme_disbursed_pct", lang), fmt.pct(first(padme, "disbursed_pct")),
              None if gap is None else round(float(gap), 1),
              delta_description=f"pp {t('vs_target', lang)} {fmt.pct(first(padme, 'target_pct'), 0)}",
              border=True, height="stretch", help=as_of("padme"))
    st.metric(t("cebrs_approved", lang), fmt.mb(first(cebrs, "approved_mb"), lang, unit=False), border=True, height="stretch",
              help=as_of("cebrs"))
    st.metric(t("cebrs_disbursed_pct", lang), fmt.pct(first(cebrs, "disbursed_pct")), border=True,
              height="stretch", help=as_of("cebrs"))
    st.metric(t("thaiqm_target", lang), fmt.count(first(thaiqm, "n_target")), border=True, height="stretch",
              help=as_of("thaiqm"))
    st.metric(t("thaiqm_helped_pct", lang), fmt.pct(first(thaiqm, "helped_pct")), border=True, height="stretch",
              help=as_of("thaiqm"))
    st.metric(t("cebrs_beneficiaries", lang), fmt.count(first(cebrs, "beneficiary_households")), border=True,
              height="stretch", help=as_of("cebrs"))
    on_track = goals_on_track(sdg) if len(sdg) else None
    st.metric(t("sdg_on_track", lang), f"{fmt.count(on_track)} / 17", border=True, height="stretch",
              help=f"{t('sdg_on_track_help', lang)} {sdg_year} · {as_of('sdg')}")

urlstate.seed("kpi", list(KPIS), "padme_disbursed_pct")
kpi = KPIS[st.selectbox(t("map_kpi", lang), list(KPIS), format_func=lambda k: t(k, lang), key="kpi")]
urlstate.publish(kpi=kpi.key)
shell.notice_invalid_url(lang)
view = data.kpi_by_province(ctx.url, ctx.version(kpi.source), ctx.viewer, kpi, period)

left, right = st.columns([3, 2], gap="medium")
with left, st.container(border=True):
    st.subheader(t("map_title", lang))
    st.caption(f"{t(kpi.key, lang)} · {period.label(lang)} · {as_of(kpi.source)}")
    maps.choropleth(view, kpi, "province", lang, key="map")
with right, st.container(border=True):
    st.subheader(t("ranking", lang))
    name = "name_th" if lang == "th" else "name_en"
    st.dataframe(
        view[["rank", name, kpi.column]].rename(columns={
            "rank": t("col_rank", lang), name: t("col_area", lang), kpi.column: t(kpi.key, lang)}),
        hide_index=True, height=600,
        column_config={t("col_rank", lang): st.column_config.NumberColumn(format="%d"),
                       t(kpi.key, lang): st.column_config.NumberColumn(format="%.1f" if kpi.unit in ("pct", "pp") else "%,.2f")})
