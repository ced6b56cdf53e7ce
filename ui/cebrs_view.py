"""Blocks of the CEBRS page (urgent relief of citizens' hardship) and their cached loaders.

Loaders call data_access.cebrs and are keyed by database URL, the data version(s) they read, the
viewer, the area and the period, so a write to a source makes the next run read fresh figures.
Blocks only format and lay out; the numbers come from metrics.cebrs.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import access
from data_access.scope import Area
from metrics import cebrs as m
from metrics.kpis import BAHT_PER_MB, KPIS, Kpi

from . import charts, drill, exports, fmt, loaders, maps, panels, tables
from .i18n import t
from .shell import Context

NEED_KPI = Kpi("cebrs_baht_per_household", "cebrs", "baht_per_household", "baht_hh", True)


def projects_at(ctx: Context, area: Area) -> pd.DataFrame:
    """The area's projects of the fiscal year as they stood at the quarter's end."""
    return m.as_of_quarter_end(loaders.cebrs.projects(ctx, area, ctx.period.year),
                               ctx.period.end)


def need_frame(ctx: Context, area: Area, index: pd.DataFrame) -> pd.DataFrame:
    """The child areas, named, with money against need and the flag (metrics.cebrs.budget_vs_need)."""
    names = loaders.child_names(index, area)
    raw = loaders.cebrs.need(ctx, area, ctx.period)
    return m.budget_vs_need(names.merge(raw, on="area_code", how="left"))


def area_frame(ctx: Context, area: Area, index: pd.DataFrame) -> pd.DataFrame:
    """The child areas, named, with approved, disbursed and % disbursed (NaN: no data)."""
    rows = loaders.cebrs.by_area(ctx, area, ctx.period)
    return loaders.child_names(index, area).merge(
        rows[["area_code", "approved_mb", "disbursed_mb", "disbursed_pct"]], on="area_code", how="left")


# ---------------------------------------------------------------- blocks
def _name_col(lang: str) -> str:
    return "name_th" if lang == "th" else "name_en"


def _key(area: Area, ctx: Context, what: str) -> str:
    return f"cebrs-{what}-{area.level}-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}"


def headline(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    h = m.headline(loaders.cebrs.totals(ctx, area, ctx.period))
    with st.container(border=True):
        st.subheader(t("cebrs_headline", lang))
        # A grid, not two rows of columns: below three readable widths (a portrait tablet) it wraps to two.
        with st.grid(3, min_column_width=panels.FIGURE_MIN_WIDTH, gap="small"):
            st.metric(t("cebrs_approved_total", lang), fmt.mb(h["approved_mb"], lang, unit=False), border=True)
            st.metric(t("cebrs_disbursed_total", lang), fmt.mb(h["disbursed_mb"], lang, unit=False), border=True)
            st.metric(t("cebrs_disbursed_share", lang), fmt.pct(h["disbursed_pct"], lang=lang), border=True)
            st.metric(t("cebrs_n_projects", lang), fmt.count(h["n_projects"], lang=lang), border=True)
            st.metric(t("cebrs_households", lang), fmt.count(h["beneficiary_households"], lang=lang), border=True)
            st.metric(t("cebrs_people", lang), fmt.count(h["beneficiary_people"], lang=lang), border=True)
        st.caption(f"{t('cebrs_cumulative', lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')}")


def category_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("cebrs_category", lang): [t(f"cebrs_cat_{c}", lang) for c in frame["category"]],
        t("cebrs_n_projects", lang): frame["n_projects"].astype("int64").values,
        t("cebrs_col_approved_mb", lang): frame["approved_mb"].values,
        t("cebrs_col_disbursed_mb", lang): frame["disbursed_mb"].values,
        t("cebrs_col_disbursed_pct", lang): frame["disbursed_pct"].values,
        t("cebrs_households", lang): frame["beneficiary_households"].astype("int64").values,
    })


def by_category(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    frame = loaders.cebrs.categories(ctx, area, ctx.period)
    with st.container(border=True):
        st.subheader(t("cebrs_by_category", lang))
        st.caption(f"{t('unit_mb', lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')}")
        if frame.empty:
            st.info(t("no_data", lang))
            return
        labels = [t(f"cebrs_cat_{c}", lang) for c in frame["category"]]
        series = [charts.Series(t(name, lang), frame[column].tolist(),
                                [fmt.mb(v, lang, unit=False) for v in frame[column]], colour)
                  for column, name, colour in (("approved_mb", "cebrs_series_approved", charts.BLUE),
                                               ("disbursed_mb", "cebrs_series_disbursed", charts.ORANGE))]
        charts.show(charts.bars(labels, series, t("unit_mb", lang)), key=_key(area, ctx, "cat-chart"))
        shown = category_table(frame, lang)
        tables.show(shown, _money_units(lang), lang, hide_index=True, width="stretch")
        exports.buttons(ctx, shown, _key(area, ctx, "categories"), area, key=_key(area, ctx, "export-cat"),
                        units=_money_units(lang))


def _money_units(lang: str) -> dict[str, str]:
    """The money columns of the category, area and subdistrict tables, for ui.fmt.table and Excel."""
    return {t("cebrs_col_approved_mb", lang): "mb", t("cebrs_col_disbursed_mb", lang): "mb",
            t("cebrs_col_disbursed_pct", lang): "pct"}


def area_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_code", lang): frame["area_code"].values,
        t("col_area", lang): frame[_name_col(lang)].values,
        t("cebrs_col_approved_mb", lang): frame["approved_mb"].values,
        t("cebrs_col_disbursed_mb", lang): frame["disbursed_mb"].values,
        t("cebrs_col_disbursed_pct", lang): frame["disbursed_pct"].values,
    })


def by_area_block(ctx: Context, area: Area, index: pd.DataFrame) -> None:
    lang = ctx.lang
    if area.level == "district":
        return _subdistricts(ctx, area)
    child = area.child_level
    frame = area_frame(ctx, area, index)
    kpi = KPIS["cebrs_disbursed_pct"]
    with st.container(border=True):
        st.subheader(t(f"cebrs_by_area_{child}", lang))
        st.caption(f"{t(kpi.key, lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')} · "
                   f"{t('cebrs_map_click', lang)}")
        with st.grid(2, min_column_width=maps.MIN_WIDTH, gap="medium"):  # stacked on a tablet
            with st.container():
                spec = maps.figure(frame, kpi, child, lang, prov_code=area.code if child == "district" else None)
                maps.choropleth(spec, key=f"cebrs-map-{area.level}-{area.code}-{kpi.key}",
                                on_click=lambda code: drill.go(Area(child, code)))
            with st.container():
                shown = area_table(frame, lang)
                tables.show(shown, _money_units(lang), lang, hide_index=True, width="stretch",
                             height=560)
                exports.buttons(ctx, shown, _key(area, ctx, "areas"), area, key=_key(area, ctx, "export-areas"),
                                units=_money_units(lang))


def _subdistricts(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    frame = loaders.subdistricts(ctx, area.code, ctx.period)
    shown = pd.DataFrame({
        t("col_code", lang): frame["area_code"].values,
        t("col_area", lang): ((frame.type_th + frame.name_th) if lang == "th" else frame.name_en).values,
        t("cebrs_n_projects", lang): frame["n_relief_projects"].values,
        t("cebrs_col_approved_mb", lang): (frame["approved_baht"] / BAHT_PER_MB).values,
        t("cebrs_col_disbursed_mb", lang): (frame["disbursed_baht"] / BAHT_PER_MB).values,
        t("cebrs_col_disbursed_pct", lang): m.with_rates(frame)["disbursed_pct"].values,
    })
    with st.container(border=True):
        st.subheader(t("cebrs_by_subdistrict", lang))
        st.caption(f"{ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')}")
        tables.show(shown, _money_units(lang), lang, hide_index=True, width="stretch")
        exports.buttons(ctx, shown, _key(area, ctx, "subdistricts"), area, key=_key(area, ctx, "export-sub"),
                        units=_money_units(lang))


def status_block(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    rows = loaders.cebrs.projects(ctx, area, ctx.period.year)
    counts = m.status_counts(rows, ctx.period.end)
    days = m.days_to_disbursement(rows, ctx.period.end)
    with st.container(border=True):
        st.subheader(t("cebrs_status_title", lang), help=t("cebrs_status_help", lang))
        help_days = f"{t('cebrs_days_help', lang)} {days['n']}"
        with st.grid(5, min_column_width=panels.FIGURE_MIN_WIDTH, gap="small"):
            for status in m.STATUSES:
                st.metric(t(f"cebrs_status_{status}", lang), fmt.count(counts[status], lang=lang), border=True,
                          help=t("cebrs_status_help", lang))
            st.metric(t("cebrs_days_median", lang), _days(days["median"], lang), border=True, help=help_days)
            st.metric(t("cebrs_days_p90", lang), _days(days["p90"], lang), border=True, help=help_days)
        st.caption(f"{ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')}")


def _days(value: float, lang: str) -> str:
    return t("no_data", lang) if pd.isna(value) else f"{value:,.0f} {t('cebrs_unit_days', lang)}"


def need_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_code", lang): frame["area_code"].values,
        t("col_area", lang): frame[_name_col(lang)].values,
        t("cebrs_col_money_mb", lang): (frame["money_baht"] / BAHT_PER_MB).values,
        t("cebrs_col_target", lang): frame["n_target"].astype("float64").values,
        t("cebrs_baht_per_household", lang): frame["baht_per_household"].round(0).values,
        t("cebrs_flag_col", lang): [t("cebrs_flagged", lang) if f else "" for f in frame["flagged"]],
    })


def need_block(ctx: Context, area: Area, index: pd.DataFrame) -> None:
    lang = ctx.lang
    sources = " · ".join(panels.as_of(ctx, s) for s in ("cebrs", "padme", "thaiqm"))
    with st.container(border=True):
        st.subheader(f"★ {t('cebrs_need_title', lang)}", help=t("cebrs_need_help", lang))
        st.caption(t("cebrs_need_help", lang))
        if area.level == "district":
            _need_district(ctx, area, index)
            st.caption(f"{t('cebrs_unit_baht_per_household', lang)} · {ctx.period.label(lang)} · {sources}")
            return
        child = area.child_level
        frame = need_frame(ctx, area, index)
        st.caption(f"{t('cebrs_baht_per_household', lang)} · {ctx.period.label(lang)} · {sources}")
        with st.grid(2, min_column_width=maps.MIN_WIDTH, gap="medium"):  # stacked on a tablet
            with st.container():
                spec = maps.figure(frame, NEED_KPI, child, lang, prov_code=area.code if child == "district" else None)
                maps.choropleth(spec, key=f"cebrs-need-map-{area.level}-{area.code}-{NEED_KPI.key}",
                                on_click=lambda code: drill.go(Area(child, code)))
            with st.container():
                st.markdown(f"**{t('cebrs_flagged', lang)}**")
                flagged = m.flagged(frame)
                if flagged.empty:
                    st.caption(t("cebrs_flagged_none", lang))
                with st.container(horizontal=True, gap="small"):
                    for row in flagged.itertuples():
                        label = (f"{fmt.literal(getattr(row, _name_col(lang)))} · "
                                 f"{fmt.count(row.baht_per_household, lang=lang)} "
                                 f"{t('cebrs_unit_baht_per_household', lang)}")
                        st.button(label, key=f"cebrs-flag-{row.area_code}", on_click=drill.go,
                                  args=(Area(child, row.area_code),))
        shown = need_table(frame, lang)
        units = {t("cebrs_col_money_mb", lang): "mb", t("cebrs_col_target", lang): "count",
                 t("cebrs_baht_per_household", lang): "baht_hh"}
        tables.show(shown, units, lang, hide_index=True, width="stretch")
        exports.buttons(ctx, shown, _key(area, ctx, "need"), area, key=_key(area, ctx, "export-need"), units=units)


def _need_district(ctx: Context, area: Area, index: pd.DataFrame) -> None:
    """A district alone: its own money per household; flagged among its province's districts when
    the viewer may see them."""
    lang = ctx.lang
    province = drill.parent(area, index)
    if access.allowed(ctx.viewer, "view", province):
        frame = need_frame(ctx, province, index)
        row = frame[frame.area_code == area.code]
    else:
        row = m.budget_vs_need(loaders.cebrs.need(ctx, area, ctx.period, "district"))
    value = row["baht_per_household"].iloc[0] if len(row) else float("nan")
    is_flagged = bool(len(row) and row["flagged"].iloc[0] and access.allowed(ctx.viewer, "view", province))
    st.metric(t("cebrs_baht_per_household", lang), fmt.count(value, lang=lang), border=True,
              help=t("cebrs_need_district_only", lang))
    if is_flagged:
        st.warning(t("cebrs_flagged", lang))


def project_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def _iso(values):
        return [None if v is None or pd.isna(v) else v.isoformat() for v in values]

    name = "subdist_name_th" if lang == "th" else "subdist_name_en"
    return pd.DataFrame({
        t("cebrs_col_project_id", lang): frame["project_id"].astype("object").values,
        t("cebrs_col_title", lang): frame["title"].astype("object").values,
        t("cebrs_col_subdistrict", lang): frame[name].astype("object").values,
        t("cebrs_category", lang): [t(f"cebrs_cat_{c}", lang) for c in frame["category"]],
        t("cebrs_col_approved_mb", lang): (frame["approved_baht"].astype("float64") / BAHT_PER_MB).values,
        t("cebrs_col_disbursed_mb", lang): (frame["disbursed_baht"].astype("float64") / BAHT_PER_MB).values,
        t("cebrs_col_households", lang): frame["beneficiary_households"].astype("int64").values,
        t("cebrs_col_people", lang): frame["beneficiary_people"].astype("int64").values,
        t("cebrs_status", lang): [t(f"cebrs_status_{s}", lang) for s in frame["status"]],
        t("cebrs_col_approved_on", lang): _iso(frame["approved_on"]),
        t("cebrs_col_disbursed_on", lang): _iso(frame["disbursed_on"]),
    })


def projects_block(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    frame = projects_at(ctx, area)
    with st.container(border=True):
        st.subheader(t("cebrs_projects_title", lang), help=t("cebrs_projects_help", lang))
        st.caption(f"{t('cebrs_projects_help', lang)} · {ctx.period.label(lang)} · {panels.as_of(ctx, 'cebrs')}")
        if frame.empty:
            st.info(t("cebrs_no_projects", lang))
            return
        shown = project_table(frame, lang)
        units = {t("cebrs_col_approved_mb", lang): "mb", t("cebrs_col_disbursed_mb", lang): "mb",
                 t("cebrs_col_households", lang): "count", t("cebrs_col_people", lang): "count"}
        tables.show(shown, units, lang, hide_index=True, width="stretch", height=480)
        exports.buttons(ctx, shown, _key(area, ctx, "projects"), area, key=_key(area, ctx, "export-projects"),
                        units=units)
