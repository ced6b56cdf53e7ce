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
from metrics.fiscal import FiscalQuarter, thai_date

from . import compliance_view, config, drill, exports, fmt, loaders, shell, tables
from .i18n import t
from .shell import Context

HEADLINE_KPIS = ("padme_gap_pp", "cebrs_disbursed_pct", "thaiqm_helped_pct")
# The exceptions the overview lists besides its map's KPI: the headline rates, then who has not reported.
EXCEPTION_KPIS = (*HEADLINE_KPIS, "report_on_time_pct")
# Columns the ranking shows beside a KPI that carries them (kpis.Kpi.details), with their headers.
DETAIL_COLUMNS = {"n_missing": "compliance_col_missing", "n_late": "compliance_col_late"}
PANEL_MIN_WIDTH = 230  # px: a source panel narrower than this cuts its figures short
HEADLINE_MIN_WIDTH = 170  # px: a headline card's least width (four a row on a portrait tablet's 820 px)
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


def compared_with(ctx: Context, source: str) -> str:
    """What the source's changes are measured against, in words: "vs Q1 FY2569 to 6 Dec 2025"."""
    cmp = loaders.compared(ctx, source, ctx.period)
    text = f"{t('vs', ctx.lang)} {cmp.base.label(ctx.lang)}"
    return text + (f" {t('to_day', ctx.lang)} {thai_date(cmp.base_through, ctx.lang)}" if cmp.to_date else "")


def colour(higher_is_better: bool | None) -> str:
    """A change's colour by the figure's good direction: green up, red up, or none for a size."""
    return "off" if higher_is_better is None else "normal" if higher_is_better else "inverse"


def delta_style(change: str | None, higher_is_better: bool | None) -> dict:
    """st.metric's colour and arrow for a change written by fmt.delta: by the KPI's direction, and
    neither for a change that rounds to nothing."""
    if fmt.flat(change):
        return {"delta_color": "off", "delta_arrow": "off"}
    return {"delta_color": colour(higher_is_better), "delta_arrow": "auto"}


def as_of(ctx: Context, source: str) -> str:
    """The source and the day its data runs to; for the reporting KPI, the quarter judged and its due date."""
    if source == kpis.REPORTING:
        return compliance_view.due_line(ctx)
    status = loaders.data_status(ctx.url, ctx.versions).set_index("source")
    through = status["data_through"].get(source)
    when = t("no_data", ctx.lang) if through is None or pd.isna(through) else thai_date(
        pd.Timestamp(through).date(), ctx.lang)
    return f"{t('source_' + source, ctx.lang)} · {t('as_of', ctx.lang)} {when}"


def _metric(label, value, delta=None, *, direction=True, description=None, help=None):
    st.metric(label, value, delta, delta_description=description, border=True, help=help,
              **delta_style(delta, direction))


def _figure(ctx: Context, now: dict, base: dict, key: str, label: str, unit: str, value: str,
            direction: bool | None, vs: str, help: str | None = None) -> None:
    """One card: the figure, its change on the comparison's base in its unit, coloured by direction."""
    change = fmt.delta(kpis.change(now.get(key), base.get(key)), unit)
    _metric(label, value, change, direction=direction, description=vs if change else None, help=help)


def source_panels(ctx: Context, area: Area) -> None:
    """PADME, CEBRS, ThaiQM and SDG side by side for one area, each figure with its change on the
    same quarter last year (to the same day while the quarter runs: metrics.fiscal.comparison)."""
    lang, period = ctx.lang, ctx.period
    now, base, vs, why = {}, {}, {}, {}
    for source in ("padme", "cebrs", "thaiqm"):
        now[source] = loaders.totals(ctx, source, area, period)
        base[source] = loaders.base_totals(ctx, source, area, period)
        vs[source] = compared_with(ctx, source)
        why[source] = t("same_day_help", lang) if loaders.compared(ctx, source, period).to_date else None
    # A grid, not columns: below four readable widths (a portrait tablet) it drops to two a row (three
    # would leave one alone: static/touch.css makes those two, by the grid's key).
    with st.grid(4, min_column_width=PANEL_MIN_WIDTH, gap="small", key="source-panels"):
        with st.container(border=True, height="stretch"):
            p, q, v = now["padme"], base["padme"], vs["padme"]
            st.markdown(f"**{t('source_padme', lang)}**")
            _figure(ctx, p, q, "budget_mb", t("padme_budget", lang), "mb",
                    fmt.mb(p.get("budget_mb"), lang, unit=False), None, v)
            _figure(ctx, p, q, "disbursed_pct", t("padme_disbursed_pct", lang), "pct",
                    fmt.pct(p.get("disbursed_pct"), lang=lang), True, v, help=why["padme"])
            _figure(ctx, p, q, "gap_pp", t("padme_gap_pp", lang), "pp", fmt.pp(p.get("gap_pp"), lang=lang), True, v,
                    help=f"{t('target_due', lang)} {fmt.pct(p.get('target_pct'), lang=lang)}")
            late = None if not p else int(p["n_late"] + p["n_at_risk"])
            _metric(t("padme_late", lang), f"{fmt.count(late, lang=lang)} / {fmt.count(p.get('n_projects'), lang=lang)}")
            st.caption(as_of(ctx, "padme"))
        with st.container(border=True, height="stretch"):
            c, d, v = now["cebrs"], base["cebrs"], vs["cebrs"]
            st.markdown(f"**{t('source_cebrs', lang)}**")
            _figure(ctx, c, d, "approved_mb", t("cebrs_approved", lang), "mb",
                    fmt.mb(c.get("approved_mb"), lang, unit=False), None, v, help=why["cebrs"])
            _figure(ctx, c, d, "disbursed_pct", t("cebrs_disbursed_pct", lang), "pct",
                    fmt.pct(c.get("disbursed_pct"), lang=lang), True, v)
            _figure(ctx, c, d, "beneficiary_households", t("cebrs_beneficiaries", lang), "count",
                    fmt.count(c.get("beneficiary_households"), lang=lang), None, v)
            st.caption(as_of(ctx, "cebrs"))
        with st.container(border=True, height="stretch"):
            h, g, v = now["thaiqm"], base["thaiqm"], vs["thaiqm"]
            st.markdown(f"**{t('source_thaiqm', lang)}**")
            _figure(ctx, h, g, "n_target", t("thaiqm_target", lang), "count", fmt.count(h.get("n_target"), lang=lang), None, v)
            _figure(ctx, h, g, "helped_pct", t("thaiqm_helped_pct", lang), "pct", fmt.pct(h.get("helped_pct"), lang=lang),
                    True, v, help=why["thaiqm"])
            if h and h.get("n_target"):
                st.caption(t("by_dimension", lang))  # lines, not a table: they wrap in a narrow card
                st.markdown("  \n".join(f"{t(f'dim_{d}', lang)} **{fmt.count(h[f'n_{d}'], lang=lang)}**"
                                         for d in kpis.DIMENSIONS))
            st.caption(as_of(ctx, "thaiqm"))
        with st.container(border=True, height="stretch"):
            sdg_panel(ctx, area)
            st.caption(as_of(ctx, "sdg"))
    national_reference(ctx, area)


def headlines(ctx: Context, area: Area) -> None:
    """The headline KPIs (metrics.kpis.HEADLINES) as cards, each figure and change as its source
    panel shows it: beside the overview's map, so a tablet's first screen holds them with the map and
    the exceptions. Four a row where they fit, else two by two (pairs of pairs: never three and one)."""
    pairs = kpis.HEADLINES[:2], kpis.HEADLINES[2:]
    with st.grid(2, min_column_width=2 * HEADLINE_MIN_WIDTH + 16, gap="small", key="headlines"):
        for pair in pairs:
            with st.grid(2, min_column_width=HEADLINE_MIN_WIDTH, gap="small"):
                for key in pair:
                    kpi = kpis.KPIS[key]
                    now = loaders.totals(ctx, kpi.source, area, ctx.period)
                    base = loaders.base_totals(ctx, kpi.source, area, ctx.period)
                    _figure(ctx, now, base, kpi.column, t(key, ctx.lang), kpi.unit,
                            fmt.by_unit(now.get(kpi.column), kpi.unit, ctx.lang), kpi.higher_is_better,
                            compared_with(ctx, kpi.source))


def national_reference(ctx: Context, area: Area) -> None:
    """The country's rates beside a region, province or district, where the viewer's policy allows."""
    if area == NATION or not access.allowed(ctx.viewer, "view_national_total", NATION):
        return
    lang = ctx.lang
    parts = []
    for key in ("padme_disbursed_pct", "cebrs_disbursed_pct", "thaiqm_helped_pct"):
        kpi = kpis.KPIS[key]
        value = loaders.totals(ctx, kpi.source, NATION, ctx.period).get(kpi.column)
        parts.append(f"{t(key, lang)} {fmt.pct(value, lang=lang)}")
    st.caption(f"{t('national_reference', lang)}: " + " · ".join(parts))


def sdg_panel(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    year, ratings = loaders.sdg_ratings(ctx, area, ctx.period, "total")
    prev_year, prev = loaders.sdg_ratings(ctx, area,
                                       FiscalQuarter(ctx.period.year - 1, ctx.period.quarter), "total")
    st.markdown(f"**{t('source_sdg', lang)}**")
    on_track = sdg.goals_on_track(ratings) if len(ratings) else None
    before = sdg.goals_on_track(prev) if len(prev) and prev_year != year else None
    _metric(t("sdg_on_track", lang), f"{fmt.count(on_track, lang=lang)} / 17",
            None if on_track is None or before is None else fmt.delta(on_track - before, "count"),
            description=f"{t('vs', lang)} {prev_year}" if before is not None else None,
            help=f"{t('sdg_on_track_help', lang)} {year}")
    if len(ratings):
        counts = ratings["rating"].value_counts()
        st.dataframe(pd.DataFrame({t("rating", lang): [t(f"rating_{r}", lang) for r in reversed(sdg.RATINGS)],
                                   t("goals", lang): [int(counts.get(r, 0)) for r in reversed(sdg.RATINGS)]}),
                     hide_index=True, width="stretch")


def worst_first(frame: pd.DataFrame, kpi: kpis.Kpi) -> pd.DataFrame:
    """The ranked areas in the order attention needs them: the worst first (for a size, the largest),
    areas with no data last; between equal figures, the one its `flagged_by` column calls worse (a
    report missing before one late)."""
    flag = [kpi.flagged_by] if kpi.flagged_by in frame else []
    return frame.sort_values(["rank", *flag, "area_code"],
                             ascending=[kpi.higher_is_better is None, *[False] * len(flag), True],
                             na_position="last").reset_index(drop=True)


def ranking(ctx: Context, frame: pd.DataFrame, kpi: kpis.Kpi, area: Area, key: str) -> None:
    """The map's areas ranked on the KPI with their change, the worst at the top (any column sorts
    with a tap on its header); selecting a row drills into it."""
    lang = ctx.lang
    name = "name_th" if lang == "th" else "name_en"
    frame = worst_first(frame, kpi)
    codes = frame["area_code"].tolist()
    child_level = area.child_level

    def _selected() -> None:
        rows = st.session_state[key]["selection"]["rows"]
        if rows:
            drill.go(Area(child_level, codes[rows[0]]))

    rank, area_col, value, change = (t("col_rank", lang), t("col_area", lang), t(kpi.key, lang),
                                     t("col_change", lang))
    details = {column: t(key, lang) for column, key in DETAIL_COLUMNS.items() if column in kpi.details}
    shown = frame[["rank", name, kpi.column, "change", *details]].rename(columns={
        "rank": rank, name: area_col, kpi.column: value, "change": change, **details})
    units = {rank: "int", value: kpi.unit, change: f"d_{kpi.unit}", **{header: "int" for header in details.values()}}
    st.caption(f"{t('ranking_order', lang)} · {t('col_change', lang)} {compared_with(ctx, kpi.source)}")
    tables.show(shown, units, lang, hide_index=True, height=560, key=key, on_select=_selected,
                 selection_mode="single-row", width="stretch",
                 column_config={area_col: drill.name_column(shown[area_col], area_col)})
    exports.buttons(ctx, shown.assign(**{t("col_code", lang): frame["area_code"]}),
                    f"{kpi.key}-{area.level}-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}",
                    area, key=f"export-{key}", units=units)


def lagging(ctx: Context, area: Area, kpi: kpis.Kpi, worse_by: float, limit: int) -> tuple[pd.DataFrame, float | None]:
    """The areas one level down at least `worse_by` points behind the area's own figure, worst first
    (at most `limit`), and that figure: the exceptions rule, for the pages and the wall."""
    reference = kpis.value_or_none(loaders.totals(ctx, kpi.source, area,
                                               ctx.period).get(kpi.column))
    frame = loaders.children(ctx, kpi, area, ctx.period)
    return kpis.exceptions(frame, kpi, reference, worse_by, limit), reference


def reference_name(area: Area, index: pd.DataFrame, lang: str) -> str:
    """What the areas are compared with, in plain words: "ทั้งประเทศ", "ทั้งภาคเหนือ", "ทั้งจังหวัดน่าน"."""
    if area.level == "nation":
        return t("kiosk_ref_nation", lang)
    return t(f"kiosk_ref_{area.level}", lang).format(name=fmt.literal(drill.name(area, index, lang), breaks=False))


def rule(ctx: Context, area: Area, kpi: kpis.Kpi, reference: float | None, worse_by: float) -> str:
    """The exceptions rule in plain words (Markdown): "10 points or more below the whole country (8.6%)",
    or for a KPI that flags areas by their own rows (the reporting KPI) what flags them."""
    if kpi.flagged_by is not None:
        return t("compliance_rule", ctx.lang)
    return t("kiosk_below", ctx.lang).format(points=f"{worse_by:g}", value=fmt.by_unit(reference, kpi.unit, ctx.lang),
                                             ref=reference_name(area, loaders.area_index(ctx.url), ctx.lang))


def exceptions(ctx: Context, area: Area, chosen: kpis.Kpi) -> None:
    """Exceptions first: the children well behind this area on the chosen KPI and each headline KPI,
    then the children with a report missing or late."""
    lang = ctx.lang
    keys = [chosen.key] + [k for k in EXCEPTION_KPIS if k != chosen.key]
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
        st.markdown(f"**{t(key, lang)}** · {rule(ctx, area, kpi, reference, worse_by)}")
        with st.container(horizontal=True, gap="small"):
            for row in behind.itertuples():
                label = (f"{fmt.literal(row.name_th if lang == 'th' else row.name_en)} · "
                         f"{fmt.by_unit(getattr(row, kpi.column), kpi.unit, lang)}")
                if kpi.flagged_by is not None:  # what flags it: "(ขาดส่ง 3, ส่งช้า 1)"
                    label += f" ({compliance_view.counts(row.n_missing, row.n_late, lang)})"
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
    units = {t("thaiqm_target", lang): "count", t("thaiqm_helped", lang): "count", t("thaiqm_helped_pct", lang): "pct",
             t("cebrs_projects", lang): "count", t("cebrs_approved", lang): "mb"}
    area_col = t("col_area", lang)
    tables.show(shown, units, lang, hide_index=True, width="stretch",
                 column_config={area_col: drill.name_column(shown[area_col], area_col)})
    exports.buttons(ctx, shown.assign(**{t("col_code", lang): frame["area_code"]}),
                    f"subdistricts-{area.code}-{ctx.period.year}q{ctx.period.quarter}", area,
                    key=f"export-sub-{area.code}", units=units)
