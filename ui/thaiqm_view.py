"""Blocks of the ThaiQM page: KPI 1 against its target due, the five TPMAP dimensions (chart, table,
map of one dimension), the case funnel, the fiscal-year trend, and the child-area or subdistrict table.

Loaders are cached by ThaiQM's data version, the viewer, the area and the quarter; the data layer
(data_access.thaiqm) scopes every read, metrics.thaiqm turns the counts into ratios.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.scope import Area
from metrics import kpis, thaiqm as m
from metrics.fiscal import FiscalQuarter, elapsed_share
from metrics.kpis import DIMENSIONS, Kpi

from . import charts, drill, exports, fmt, loaders, maps, panels, tables, urlstate
from .i18n import t
from .shell import Context

LINES = {  # colour-blind safe (Okabe–Ito), each line also with its own dash, marker and legend text
    "n_helped": (charts.BLUE, "solid", "circle"),
    "n_self_resolved": (charts.ORANGE, "dash", "square"),
    "n_in_progress": (charts.GREEN, "dot", "diamond"),
}
DIM_KEY = "thaiqm_dim"


def due(ctx: Context) -> float:
    """KPI 1's target due on the day ThaiQM data runs through (a finished quarter: its end figure)."""
    through = loaders.data_status(ctx.url, ctx.versions).set_index("source")["data_through"].get("thaiqm")
    elapsed = 1.0 if through is None or pd.isna(through) else elapsed_share(ctx.period, pd.Timestamp(through).date())
    return m.target_due(ctx.period.quarter, elapsed)


def dimension_kpi(dimension: str) -> Kpi:
    """The mapped measure: the share of target households with a problem in `dimension` (a size-like
    share, so a sequential colour scale, not a verdict)."""
    return Kpi(f"thaiqm_share_{dimension}", "thaiqm", f"share_{dimension}_pct", "pct", None)


# --- helpers ---------------------------------------------------------------------------------------
def _slug(ctx: Context, area: Area) -> str:
    return f"{area.level}-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}"


def _name(frame: pd.DataFrame, lang: str) -> pd.Series:
    return frame["name_th"] if lang == "th" else frame["name_en"]


def _int(series: pd.Series) -> pd.Series:
    return series.astype("Int64")


def _units(table: pd.DataFrame, percent: list[str]) -> dict[str, str]:
    """The number columns' units (ui.fmt.table): the percentage columns, else household counts."""
    return {c: "pct" if c in percent else "count" for c in table.select_dtypes("number").columns}


def _chart_caption(ctx: Context, unit: str) -> None:
    st.caption(f"{t('thaiqm_unit', ctx.lang)}: {unit} · {ctx.period.label(ctx.lang)} · {panels.as_of(ctx, 'thaiqm')}")


def _subtitle(unit: str, ctx: Context, lang: str) -> str:
    """A chart's second, smaller title line: its unit and quarter (narrow columns stay readable)."""
    return f"{t('thaiqm_unit', lang)}: {unit} · {ctx.period.label(lang)}"


# --- 1. KPI 1 against its target ------------------------------------------------------------------
def headline(ctx: Context, area: Area) -> dict:
    """Target households, helped, % helped and the gap to the target due; returns the area's row."""
    lang = ctx.lang
    row = loaders.thaiqm.totals(ctx, area, ctx.period)
    before = loaders.base_totals(ctx, "thaiqm", area, ctx.period)
    target_due = due(ctx)
    gap = m.gap_pp(row.get("helped_pct"), target_due)
    change = fmt.delta(kpis.change(row.get("helped_pct"), before.get("helped_pct")), "pct")
    vs = panels.compared_with(ctx, "thaiqm")
    with st.container(border=True):
        st.markdown(f"**{t('thaiqm_kpi_title', lang)}**")
        # A grid, not five columns: on a tablet five columns cut the figures to "1…"; the grid wraps.
        with st.grid(5, min_column_width=panels.FIGURE_MIN_WIDTH, gap="small"):
            st.metric(t("thaiqm_target", lang), fmt.count(row.get("n_target"), lang=lang), border=True)
            st.metric(t("thaiqm_n_helped", lang), fmt.count(row.get("n_helped"), lang=lang), border=True)
            st.metric(t("thaiqm_helped_short", lang), fmt.pct(row.get("helped_pct"), lang=lang),
                      change, border=True, delta_description=vs if change else None,
                      help=t("thaiqm_helped_pct", lang), **panels.delta_style(change, True))
            st.metric(t("thaiqm_due", lang), fmt.pct(target_due, lang=lang), border=True,
                      help=t("thaiqm_due_help", lang).format(target=m.KPI_TARGET_PCT))
            st.metric(t("thaiqm_gap", lang), fmt.pp(gap, lang=lang), border=True, help=t("thaiqm_gap_help", lang))
        st.caption(panels.as_of(ctx, "thaiqm"))
    return row


# --- 2. the five dimensions -----------------------------------------------------------------------
def dimension_table(row: dict, lang: str) -> pd.DataFrame:
    dims = m.dimensions(row)
    return pd.DataFrame({t("dimension", lang): [t(f"dim_{d}", lang) for d in dims["dimension"]],
                         t("households", lang): _int(dims["households"]),
                         t("thaiqm_share", lang): dims["share_pct"].round(1)})


def dimensions(ctx: Context, area: Area, row: dict) -> None:
    lang = ctx.lang
    if not row or not row.get("n_target"):
        st.subheader(t("thaiqm_dims_title", lang))
        st.info(t("thaiqm_no_households", lang))
        return
    dims = m.dimensions(row)
    labels = [t(f"dim_{d}", lang) for d in dims["dimension"]]
    text = [f"{fmt.count(n, lang=lang)} · {fmt.pct(p, lang=lang)}" for n, p in zip(dims["households"], dims["share_pct"])]
    unit = t("unit_households", lang)
    spec = charts.bars(labels, [charts.Series(t("households", lang), dims["households"].tolist(), text)], unit,
                       title=t("thaiqm_dims_title", lang), subtitle=_subtitle(unit, ctx, lang), height=300)
    charts.show(spec, key=f"thaiqm-dims-{_slug(ctx, area)}")
    _chart_caption(ctx, t("unit_households", lang))
    st.caption(t("thaiqm_dims_note", lang))
    table = dimension_table(row, lang)
    tables.show(table, _units(table, [t("thaiqm_share", lang)]), lang, hide_index=True, width="stretch")
    exports.buttons(ctx, table, f"thaiqm-dimensions-{_slug(ctx, area)}", area,
                    key=f"export-thaiqm-dims-{_slug(ctx, area)}")


def dimension_map(ctx: Context, area: Area) -> None:
    """One dimension's share across the child areas: a choropleth that drills in on a click, or at a
    district (subdistricts have no boundaries) a bar per subdistrict."""
    lang = ctx.lang
    urlstate.seed(DIM_KEY, list(DIMENSIONS), DIMENSIONS[0])
    dimension = st.selectbox(t("thaiqm_dim_pick", lang), list(DIMENSIONS), key=DIM_KEY,
                             format_func=lambda d: t(f"dim_{d}", lang))
    urlstate.publish(**{DIM_KEY: dimension})
    kpi = dimension_kpi(dimension)
    if area.level == "district":
        frame = loaders.thaiqm.subdistricts(ctx, area.code, ctx.period)
        names = (frame.type_th + frame.name_th) if lang == "th" else frame.name_en
        # a subdistrict without target households has no share: no bar, its text "—", not 0 %
        spec = charts.bars(names.tolist(), [charts.Series(t("thaiqm_share", lang), frame[kpi.column].tolist(),
                                                          [fmt.pct(v, lang=lang) for v in frame[kpi.column]])],
                           t("thaiqm_share", lang),
                           title=f"{t('thaiqm_dim_sub_title', lang)} {t(f'dim_{dimension}', lang)}",
                           subtitle=_subtitle("%", ctx, lang))
        charts.show(spec, key=f"thaiqm-subshare-{area.code}-{dimension}")
        _chart_caption(ctx, f"% · {fmt.DASH} {t('no_data', lang)}")
        return
    frame = loaders.thaiqm.children(ctx, area, ctx.period)
    child = area.child_level
    st.markdown(f"**{t('thaiqm_dim_map_title', lang)} {t(f'dim_{dimension}', lang)} · "
                f"{t(f'map_title_{child}', lang)}** (%)")
    _chart_caption(ctx, "%")
    spec = maps.figure(frame[["area_code", "name_th", "name_en", kpi.column]], kpi, child, lang,
                      prov_code=area.code if child == "district" else None)
    maps.choropleth(spec, key=f"thaiqm-map-{area.level}-{area.code}-{dimension}-{ctx.period.year}q{ctx.period.quarter}",
                    on_click=lambda code: drill.go(Area(child, code)))


# --- 3. the case funnel ---------------------------------------------------------------------------
def funnel_table(row: dict, lang: str) -> pd.DataFrame:
    f = m.funnel(row)
    return pd.DataFrame({t("thaiqm_stage", lang): [t(f"thaiqm_stage_{s}", lang) for s in f["stage"]],
                         t("households", lang): _int(f["households"]),
                         t("thaiqm_pct_of_target", lang): f["pct_of_target"].round(1)})


def funnel(ctx: Context, area: Area, row: dict) -> None:
    lang = ctx.lang
    if not row or not row.get("n_surveyed"):
        st.subheader(t("thaiqm_funnel_title", lang))
        st.info(t("no_data", lang))
        return
    f = m.funnel(row)
    labels = [t(f"thaiqm_stage_{s}", lang) for s in f["stage"]]
    text = [fmt.count(n, lang=lang) if s == "surveyed" else f"{fmt.count(n, lang=lang)} · {fmt.pct(p, lang=lang)}"
            for s, n, p in zip(f["stage"], f["households"], f["pct_of_target"])]
    unit = t("unit_households", lang)
    spec = charts.bars(labels, [charts.Series(t("households", lang), f["households"].tolist(), text)], unit,
                       title=t("thaiqm_funnel_title", lang), subtitle=_subtitle(unit, ctx, lang), height=300)
    charts.show(spec, key=f"thaiqm-funnel-{_slug(ctx, area)}")
    _chart_caption(ctx, t("unit_households", lang))
    not_started = row.get("n_not_started")
    st.caption(f"{t('thaiqm_funnel_note', lang)} · {t('thaiqm_stage_not_started', lang)} {fmt.count(not_started, lang=lang)}")
    table = funnel_table(row, lang)
    tables.show(table, _units(table, [t("thaiqm_pct_of_target", lang)]), lang, hide_index=True,
                 width="stretch")
    exports.buttons(ctx, table, f"thaiqm-funnel-{_slug(ctx, area)}", area,
                    key=f"export-thaiqm-funnel-{_slug(ctx, area)}")


# --- 4. the trend over the fiscal year ------------------------------------------------------------
def trend_chart(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    frame = loaders.thaiqm.trend(ctx, area, ctx.period)
    x = [FiscalQuarter(ctx.period.year, int(q)).label(lang) for q in frame["quarter"]]
    names = {"n_helped": t("thaiqm_stage_helped", lang), "n_self_resolved": t("thaiqm_stage_self_resolved", lang),
             "n_in_progress": t("thaiqm_stage_in_progress", lang)}
    series = [charts.Series(names[column], frame[column].tolist(), [fmt.count(v, lang=lang) for v in frame[column]],
                            colour, dash, shape) for column, (colour, dash, shape) in LINES.items()]
    unit = t("unit_households", lang)
    spec = charts.lines(x, series, unit, title=f"{t('thaiqm_trend_title', lang)} · {t('fiscal_year', lang)} {ctx.period.year}",
                        subtitle=_subtitle(unit, ctx, lang), height=380, show_text=True)
    charts.show(spec, key=f"thaiqm-trend-{_slug(ctx, area)}")
    _chart_caption(ctx, t("unit_households", lang))


# --- 5. the child areas or subdistricts -----------------------------------------------------------
def area_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What the child-area table shows (and exports): name, code, target, helped, % helped, shares."""
    return pd.DataFrame({
        t("col_area", lang): _name(frame, lang).values,
        t("col_code", lang): frame["area_code"].values,
        t("thaiqm_target", lang): _int(frame["n_target"]).values,
        t("thaiqm_helped", lang): _int(frame["n_helped"]).values,
        t("thaiqm_helped_pct", lang): frame["helped_pct"].round(1).values,
        **{f"{t(f'dim_{d}', lang)} (%)": frame[f"share_{d}_pct"].round(1).values for d in DIMENSIONS},
    })


def subdistrict_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What the subdistrict table shows (and exports): target, each dimension, helped, % helped."""
    names = (frame["type_th"] + frame["name_th"]) if lang == "th" else frame["name_en"]
    return pd.DataFrame({
        t("col_area", lang): names.values,
        t("col_code", lang): frame["area_code"].values,
        t("thaiqm_target", lang): frame["n_target"].values,
        **{t(f"dim_{d}", lang): frame[f"n_{d}"].values for d in DIMENSIONS},
        t("thaiqm_stage_in_progress", lang): frame["n_in_progress"].values,
        t("thaiqm_helped", lang): frame["n_helped"].values,
        t("thaiqm_stage_self_resolved", lang): frame["n_self_resolved"].values,
        t("thaiqm_helped_pct", lang): frame["helped_pct"].round(1).values,
    })


def areas(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    if area.level == "district":
        st.subheader(f"{t('thaiqm_sub_title', lang)} · {ctx.period.label(lang)}")
        frame = loaders.thaiqm.subdistricts(ctx, area.code, ctx.period)
        table = subdistrict_table(frame, lang)
        tables.show(table, _units(table, [t("thaiqm_helped_pct", lang)]), lang, hide_index=True,
                     width="stretch")
        exports.buttons(ctx, table, f"thaiqm-subdistricts-{_slug(ctx, area)}", area,
                        key=f"export-thaiqm-sub-{_slug(ctx, area)}")
        st.caption(panels.as_of(ctx, "thaiqm"))
        return
    child = area.child_level
    st.subheader(f"{t(f'thaiqm_areas_title_{child}', lang)} · {ctx.period.label(lang)}")
    frame = loaders.thaiqm.children(ctx, area, ctx.period)
    table = area_table(frame, lang)
    codes = frame["area_code"].tolist()
    key = f"thaiqm-table-{_slug(ctx, area)}"

    def _selected() -> None:
        rows = st.session_state[key]["selection"]["rows"]
        if rows:
            drill.go(Area(child, codes[rows[0]]))

    percent = [c for c in table.columns if "%" in c or c == t("thaiqm_helped_pct", lang)]
    tables.show(table, _units(table, percent), lang, hide_index=True, width="stretch", key=key,
                 on_select=_selected, selection_mode="single-row")
    st.caption(f"{t('thaiqm_table_hint', lang)} · {panels.as_of(ctx, 'thaiqm')}")
    exports.buttons(ctx, table, f"thaiqm-{child}s-{_slug(ctx, area)}", area, key=f"export-{key}")
