"""The blocks pages are built from: the four source panels, the ranked table, the exceptions list.

Each block reads through ui.data (cached, version-keyed) and only formats and lays out; the
drill-down moves (row selection, exception buttons) go through ui.drill.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import access
from data_access.scope import NATION, Area
from metrics import kpis, sdg
from metrics.fiscal import FiscalQuarter, comparison_period, thai_date

from . import config, drill, loaders, exports, fmt, shell
from .i18n import t
from .shell import Context

HEADLINE_KPIS = ("padme_gap_pp", "cebrs_disbursed_pct", "thaiqm_helped_pct")
PANEL_MIN_WIDTH = 230  # px: a source panel narrower than this cuts its figures short
FIGURE_MIN_WIDTH = 200  # px: a metric card narrower than this cuts a figure like "-10.7 pp" to "-…"
CHART_MIN_WIDTH = 380  # px: a chart narrower than this cuts its axis labels and title


def page_start(ctx: Context, title: str) -> tuple[pd.DataFrame, Area]:
    """The common top of a page: the area in view (from the URL or session, checked against the
    viewer), the title, the period, URL notices and the breadcrumbs. Returns (area index, area)."""
    index = loaders.area_index(ctx.url)
    area = drill.current(index, ctx.viewer)
    drill.publish(area)
    st.title(title)
    st.caption(f"{fmt.literal(drill.name(area, index, ctx.lang))} · {ctx.period.label(ctx.lang)}")
    shell.notice_invalid_url(ctx.lang)
    drill.breadcrumbs(area, index, ctx.lang, ctx.viewer)
    return index, area


def _delta(now: dict, before: dict, column: str) -> float | None:
    change = kpis.change(now.get(column), before.get(column))
    return None if change is None else round(change, 1)


def as_of(ctx: Context, source: str) -> str:
    status = loaders.data_status(ctx.url, ctx.versions).set_index("source")
    through = status["data_through"].get(source)
    when = t("no_data", ctx.lang) if through is None or pd.isna(through) else thai_date(
        pd.Timestamp(through).date(), ctx.lang)
    return f"{t('source_' + source, ctx.lang)} · {t('as_of', ctx.lang)} {when}"


def quarter_running(ctx: Context) -> bool:
    """True when the newest data falls inside the period: its figures are a part-quarter's."""
    through = loaders.data_status(ctx.url, ctx.versions)["data_through"].dropna()
    if through.empty:
        return False
    latest = pd.Timestamp(through.max()).date()
    return ctx.period.start <= latest < ctx.period.end


def _metric(label, value, delta=None, *, colour="normal", description=None, help=None):
    st.metric(label, value, delta, delta_color=colour, delta_description=description, border=True,
              help=help)


def source_panels(ctx: Context, area: Area) -> None:
    """PADME, CEBRS, ThaiQM and SDG side by side for one area, each figure with its change."""
    lang, period = ctx.lang, ctx.period
    before = comparison_period(period)
    vs = f"{t('vs', lang)} {before.label(lang)}"
    if running := quarter_running(ctx):
        vs += f" ({t('quarter_running', lang)})"
    trend = "off" if running else "normal"  # a part-quarter against a whole one is no verdict
    now, prev = {}, {}
    for source in ("padme", "cebrs", "thaiqm"):
        now[source] = loaders.totals(ctx, source, area, period)
        prev[source] = loaders.totals(ctx, source, area, before)
    # A grid, not columns: below four readable widths (a portrait tablet) it drops to two a row.
    with st.grid(4, min_column_width=PANEL_MIN_WIDTH, gap="small"):
        with st.container(border=True, height="stretch"):
            p, q = now["padme"], prev["padme"]
            st.markdown(f"**{t('source_padme', lang)}**")
            _metric(t("padme_budget", lang), fmt.mb(p.get("budget_mb"), lang, unit=False),
                    _delta(p, q, "budget_mb"), colour="off", description=vs)
            _metric(t("padme_disbursed_pct", lang), fmt.pct(p.get("disbursed_pct")),
                    _delta(p, q, "disbursed_pct"), colour=trend, description=vs)
            _metric(t("padme_gap_pp", lang), fmt.pp(p.get("gap_pp")), _delta(p, q, "gap_pp"), description=vs,
                    help=f"{t('target_due', lang)} {fmt.pct(p.get('target_pct'))}")
            late = None if not p else int(p["n_late"] + p["n_at_risk"])
            _metric(t("padme_late", lang), f"{fmt.count(late)} / {fmt.count(p.get('n_projects'))}")
            st.caption(as_of(ctx, "padme"))
        with st.container(border=True, height="stretch"):
            c, d = now["cebrs"], prev["cebrs"]
            st.markdown(f"**{t('source_cebrs', lang)}**")
            _metric(t("cebrs_approved", lang), fmt.mb(c.get("approved_mb"), lang, unit=False),
                    _delta(c, d, "approved_mb"), colour="off", description=vs)
            _metric(t("cebrs_disbursed_pct", lang), fmt.pct(c.get("disbursed_pct")),
                    _delta(c, d, "disbursed_pct"), colour=trend, description=vs)
            _metric(t("cebrs_beneficiaries", lang), fmt.count(c.get("beneficiary_households")),
                    _delta(c, d, "beneficiary_households"), colour="off", description=vs)
            st.caption(as_of(ctx, "cebrs"))
        with st.container(border=True, height="stretch"):
            h, g = now["thaiqm"], prev["thaiqm"]
            st.markdown(f"**{t('source_thaiqm', lang)}**")
            _metric(t("thaiqm_target", lang), fmt.count(h.get("n_target")), _delta(h, g, "n_target"),
                    colour="off", description=vs)
            _metric(t("thaiqm_helped_pct", lang), fmt.pct(h.get("helped_pct")), _delta(h, g, "helped_pct"),
                    colour=trend, description=vs)
            if h and h.get("n_target"):
                st.caption(t("by_dimension", lang))  # lines, not a table: they wrap in a narrow card
                st.markdown("  \n".join(f"{t(f'dim_{d}', lang)} **{fmt.count(h[f'n_{d}'])}**" for d in kpis.DIMENSIONS))
            st.caption(as_of(ctx, "thaiqm"))
        with st.container(border=True, height="stretch"):
            sdg_panel(ctx, area)
            st.caption(as_of(ctx, "sdg"))
    national_reference(ctx, area)


def national_reference(ctx: Context, area: Area) -> None:
    """The country's rates beside a region, province or district, where the viewer's policy allows."""
    if area == NATION or not access.allowed(ctx.viewer, "view_national_total", NATION):
        return
    lang = ctx.lang
    parts = []
    for key in ("padme_disbursed_pct", "cebrs_disbursed_pct", "thaiqm_helped_pct"):
        kpi = kpis.KPIS[key]
        value = loaders.totals(ctx, kpi.source, NATION, ctx.period).get(kpi.column)
        parts.append(f"{t(key, lang)} {fmt.pct(value)}")
    st.caption(f"{t('national_reference', lang)}: " + " · ".join(parts))


def sdg_panel(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    year, ratings = loaders.sdg_ratings(ctx, area, ctx.period, "total")
    prev_year, prev = loaders.sdg_ratings(ctx, area,
                                       FiscalQuarter(ctx.period.year - 1, ctx.period.quarter), "total")
    st.markdown(f"**{t('source_sdg', lang)}**")
    on_track = sdg.goals_on_track(ratings) if len(ratings) else None
    before = sdg.goals_on_track(prev) if len(prev) and prev_year != year else None
    _metric(t("sdg_on_track", lang), f"{fmt.count(on_track)} / 17",
            None if on_track is None or before is None else on_track - before,
            description=f"{t('vs', lang)} {prev_year}" if before is not None else None,
            help=f"{t('sdg_on_track_help', lang)} {year}")
    if len(ratings):
        counts = ratings["rating"].value_counts()
        st.dataframe(pd.DataFrame({t("rating", lang): [t(f"rating_{r}", lang) for r in reversed(sdg.RATINGS)],
                                   t("goals", lang): [int(counts.get(r, 0)) for r in reversed(sdg.RATINGS)]}),
                     hide_index=True, width="stretch")


def ranking(ctx: Context, frame: pd.DataFrame, kpi: kpis.Kpi, area: Area, key: str) -> None:
    """The map's areas ranked on the KPI with their change; selecting a row drills into it."""
    lang = ctx.lang
    name = "name_th" if lang == "th" else "name_en"
    codes = frame["area_code"].tolist()
    child_level = area.child_level

    def _selected() -> None:
        rows = st.session_state[key]["selection"]["rows"]
        if rows:
            drill.go(Area(child_level, codes[rows[0]]))

    number = "%.1f" if kpi.unit in ("pct", "pp") else "%,.2f" if kpi.unit == "mb" else "%,d"
    shown = frame[["rank", name, kpi.column, "change"]].rename(columns={
        "rank": t("col_rank", lang), name: t("col_area", lang), kpi.column: t(kpi.key, lang),
        "change": f"{t('col_change', lang)} ({t('vs', lang)} {comparison_period(ctx.period).label(lang)})"})
    st.dataframe(shown, hide_index=True, height=560, key=key, on_select=_selected,
                 selection_mode="single-row", width="stretch",
                 column_config={t("col_rank", lang): st.column_config.NumberColumn(format="%d"),
                                t(kpi.key, lang): st.column_config.NumberColumn(format=number),
                                shown.columns[3]: st.column_config.NumberColumn(format="%+.1f")})
    exports.buttons(ctx, shown.assign(**{t("col_code", lang): frame["area_code"]}),
                    f"{kpi.key}-{area.level}-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}",
                    area, key=f"export-{key}")


def lagging(ctx: Context, area: Area, kpi: kpis.Kpi, worse_by: float, limit: int) -> tuple[pd.DataFrame, float | None]:
    """The areas one level down at least `worse_by` points behind the area's own figure, worst first
    (at most `limit`), and that figure: the exceptions rule, for the pages and the wall."""
    reference = kpis.value_or_none(loaders.totals(ctx, kpi.source, area,
                                               ctx.period).get(kpi.column))
    frame = loaders.children(ctx, kpi, area, ctx.period)
    return kpis.exceptions(frame, kpi, reference, worse_by, limit), reference


def exceptions(ctx: Context, area: Area, chosen: kpis.Kpi) -> None:
    """Exceptions first: the children well behind this area on the chosen KPI and each headline KPI."""
    lang = ctx.lang
    keys = [chosen.key] + [k for k in HEADLINE_KPIS if k != chosen.key]
    shown_any = False
    for key in keys:
        kpi = kpis.KPIS[key]
        if kpi.higher_is_better is None:
            continue
        worse_by, limit = config.exception_rule(key)
        behind, reference = lagging(ctx, area, kpi, worse_by, limit)
        if behind.empty:
            continue
        shown_any = True
        st.markdown(f"**{t(key, lang)}** · {t('exceptions_rule', lang)} {worse_by:g} "
                    f"{'pp' if kpi.unit in ('pct', 'pp') else ''} ({fmt.by_unit(reference, kpi.unit, lang)})")
        with st.container(horizontal=True, gap="small"):
            for row in behind.itertuples():
                label = (f"{fmt.literal(row.name_th if lang == 'th' else row.name_en)} · "
                         f"{fmt.by_unit(getattr(row, kpi.column), kpi.unit, lang)}")
                st.button(label, key=f"exc-{key}-{row.area_code}", on_click=drill.go,
                          args=(Area(area.child_level, row.area_code),))
    if not shown_any:
        st.caption(t("exceptions_none", lang))


def subdistricts(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    frame = loaders.subdistricts(ctx, area.code, ctx.period)
    shown = pd.DataFrame({
        t("col_area", lang): (frame.type_th + frame.name_th) if lang == "th" else frame.name_en,
        t("thaiqm_target", lang): frame.n_target, t("thaiqm_helped", lang): frame.n_helped,
        t("thaiqm_helped_pct", lang): kpis.ratio_pct(frame.n_helped, frame.n_target).values,
        t("cebrs_projects", lang): frame.n_relief_projects,
        t("cebrs_approved", lang): frame.approved_baht / kpis.BAHT_PER_MB,
    })
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={t("thaiqm_helped_pct", lang): st.column_config.NumberColumn(format="%.1f"),
                                t("cebrs_approved", lang): st.column_config.NumberColumn(format="%.4f")})
    exports.buttons(ctx, shown.assign(**{t("col_code", lang): frame["area_code"]}),
                    f"subdistricts-{area.code}-{ctx.period.year}q{ctx.period.quarter}", area,
                    key=f"export-sub-{area.code}")
