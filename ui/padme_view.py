"""PADME page blocks: headline, S-curve, breakdowns, late projects, project table, project report."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import padme as padme_queries
from data_access.reference import NATIONAL_STRATEGIES, NESDP13_MILESTONES, SDG_GOALS
from data_access.scope import Area
from metrics import kpis, padme as padme_metrics
from metrics.fiscal import FiscalQuarter, thai_date

from . import charts, drill, exports, fmt, loaders, panels, tables, urlstate
from .i18n import t
from .shell import Context

LABELS = {
    "national_strategy": {k: v for k, v in NATIONAL_STRATEGIES.items()},
    "nesdp_milestone": {k: (f"{k}. {th}", f"{k}. {en}") for k, (th, en) in NESDP13_MILESTONES.items()},
    "sdg_goal": {g: (f"SDG {g} {th}", f"SDG {g} {en}") for g, th, en, _ in SDG_GOALS},
}


def label(kind: str, key, lang: str) -> str:
    pair = LABELS[kind].get(int(key)) if key is not None and not pd.isna(key) else None
    return t("no_data", lang) if pair is None else pair[0 if lang == "th" else 1]


def curve(ctx: Context, area: Area) -> pd.DataFrame:
    """The S-curve of the fiscal year in view, up to the quarter in view."""
    rows, targets = [], {}
    for q in range(1, ctx.period.quarter + 1):
        fq = FiscalQuarter(ctx.period.year, q)
        totals = loaders.totals(ctx, "padme", area, fq)
        if totals:
            rows.append({"quarter": q, **{k: totals[k] for k in ("budget_baht", "disb_actual_baht", "committed_baht")}})
            targets[q] = totals["target_pct"]
    frame = pd.DataFrame(rows, columns=["quarter", "budget_baht", "disb_actual_baht", "committed_baht"])
    return padme_metrics.s_curve(frame, targets)


def headline(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    now = loaders.totals(ctx, "padme", area, ctx.period)
    with st.container(horizontal=True):
        st.metric(t("padme_projects_n", lang), fmt.count(now.get("n_projects"), lang=lang), border=True)
        st.metric(t("padme_budget", lang), fmt.mb(now.get("budget_mb"), lang, unit=False), border=True)
        st.metric(t("padme_disbursed_pct", lang), fmt.pct(now.get("disbursed_pct"), lang=lang), border=True)
        st.metric(t("padme_committed_pct", lang), fmt.pct(now.get("committed_pct"), lang=lang), border=True)
        st.metric(t("padme_gap_pp", lang), fmt.pp(now.get("gap_pp"), lang=lang), border=True,
                  help=f"{t('target_due', lang)} {fmt.pct(now.get('target_pct'), lang=lang)}")
        st.metric(t("padme_indicator_met", lang),
                  fmt.pct(padme_metrics.indicator_achievement(now.get("n_indicator_met"), now.get("n_projects")), lang=lang),
                  border=True)
    st.caption(panels.as_of(ctx, "padme"))


def s_curve_chart(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    points = curve(ctx, area)
    x = [FiscalQuarter(ctx.period.year, q).label(lang) for q in points["quarter"]]
    series = [charts.Series(t(key, lang), points[column].tolist(), [fmt.pct(v) for v in points[column]], colour, dash,
                            shape)
              for column, key, colour, dash, shape in (
                  ("target_pct", "padme_curve_target", charts.GREY, "dash", "square"),
                  ("committed_pct", "padme_curve_committed", charts.ORANGE, "dot", "diamond"),
                  ("disbursed_pct", "padme_curve_disbursed", charts.BLUE, "solid", "circle"))]
    st.subheader(t("padme_curve", lang))
    st.caption(f"% · {panels.as_of(ctx, 'padme')}")
    charts.show(charts.lines(x, series, "%", height=360, domain=(0, 105)), key=f"padme-curve-{area}-{ctx.period.year}")


def breakdowns(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    st.subheader(t("padme_breakdown", lang))
    urlstate.seed("padme_by", list(padme_queries.BREAKDOWNS), "national_strategy")
    by = st.segmented_control(t("padme_breakdown", lang), list(padme_queries.BREAKDOWNS), key="padme_by",
                              format_func=lambda k: t(f"padme_by_{k}", lang), label_visibility="collapsed",
                              required=True)
    urlstate.publish(padme_by=by)
    rows = loaders.padme.breakdown(ctx, area, ctx.period, by)
    names = [label(by, k, lang) for k in rows["key"]]
    series = [charts.Series(t(key, lang), money.tolist(), [fmt.mb(v, lang, unit=False) for v in money], colour)
              for key, money, colour in (("padme_budget", rows["budget_baht"] / kpis.BAHT_PER_MB, charts.BLUE),
                                         ("padme_curve_disbursed", rows["disb_actual_baht"] / kpis.BAHT_PER_MB,
                                          charts.ORANGE))]
    st.caption(f"{t('padme_budget_mb_axis', lang)} · {panels.as_of(ctx, 'padme')}")
    charts.show(charts.bars(names, series, t("padme_budget_mb_axis", lang)), key=f"padme-breakdown-{by}-{area}")


def _table(ctx: Context, rows: pd.DataFrame) -> pd.DataFrame:
    lang = ctx.lang
    names = loaders.area_index(ctx.url).set_index("dist_code")["display_th" if lang == "th" else "display_en"]
    where = rows["dist_code"].map(names)  # as every page names a district (data_access.areas.district_names)
    return pd.DataFrame({
        t("padme_col_id", lang): rows["project_id"], t("padme_col_name", lang): rows["name"],
        t("padme_col_agency", lang): rows["agency"], t("padme_location", lang): where,
        t("padme_col_budget", lang): rows["budget_baht"] / kpis.BAHT_PER_MB,
        t("padme_col_disbursed", lang): rows["disb_actual_baht"] / kpis.BAHT_PER_MB,
        t("padme_col_disbursed_pct", lang): padme_metrics.disbursed_share(rows).values,
        t("padme_col_status", lang): [t(f"padme_status_{s}", lang) for s in rows["status"]],
        t("padme_col_problems", lang): rows["problems"].fillna(""),
    })


# Rows a project table sends to the browser: a nation has some 80,000 projects, and listing them all
# sent 12 MB over the websocket (a governor's 4G: over a minute). The first rows, the count, a search
# to narrow them; the export buttons hold every row.
SHOWN_ROWS = 200


def _units(shown: pd.DataFrame) -> dict[str, str]:
    """The project table's budget and disbursed money (million baht) and its disbursed share (%)."""
    return {shown.columns[4]: "mb", shown.columns[5]: "mb", shown.columns[6]: "pct"}


def _first_rows(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    if len(shown) <= SHOWN_ROWS:
        return shown
    st.caption(t("padme_rows_shown", lang).format(shown=fmt.count(SHOWN_ROWS), total=fmt.count(len(shown))))
    return shown.head(SHOWN_ROWS)


def late_projects(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    rows = loaders.padme.projects(ctx, area, ctx.period, "")
    late = rows[rows["status"].isin(["late", "at_risk"])]
    st.subheader(f"{t('padme_late_list', lang)} ({fmt.count(len(late))})")
    shown = _table(ctx, late)
    units = _units(shown)
    tables.show(_first_rows(shown, lang), units, lang, hide_index=True, width="stretch", height=320)
    exports.buttons(ctx, shown, f"padme-late-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}",
                    area, key=f"export-padme-late-{area}", units=units)


def project_table(ctx: Context, area: Area) -> None:
    lang = ctx.lang
    st.subheader(t("padme_table", lang))
    search = st.text_input(t("padme_search", lang), key="padme_search")
    rows = loaders.padme.projects(ctx, area, ctx.period, search.strip())
    shown = _table(ctx, rows)
    ids = rows["project_id"].tolist()

    def _open() -> None:
        picked = st.session_state[f"padme-table-{area}"]["selection"]["rows"]
        if picked:
            st.session_state["padme_project"] = ids[picked[0]]

    units = _units(shown)
    tables.show(_first_rows(shown, lang), units, lang, hide_index=True, width="stretch", height=420,
                 key=f"padme-table-{area}", on_select=_open, selection_mode="single-row")
    exports.buttons(ctx, shown, f"padme-projects-{area.code or 'TH'}-{ctx.period.year}q{ctx.period.quarter}",
                    area, key=f"export-padme-{area}", units=units)
    urlstate.seed("padme_project", ids, None)
    names = dict(zip(rows.project_id, rows.name))  # one lookup per option, not a scan of the table
    # the picker offers the rows shown (and a project opened by its link, wherever it is in the list)
    options = ids[:SHOWN_ROWS]
    if (opened := st.session_state.get("padme_project")) and opened not in options:
        options = [*options, opened]
    st.selectbox(t("padme_open", lang), options, key="padme_project", index=None,
                 placeholder=t("padme_open_placeholder", lang), format_func=lambda pid: f"{pid} · {names[pid]}")
    if chosen := st.session_state.get("padme_project"):
        urlstate.publish(padme_project=chosen)
        project_record(ctx, area, chosen)


def record_rows(project: dict, report: pd.Series | None, fiscal_year: int, lang: str) -> pd.DataFrame:
    """The PADME report's fields, in its order, for one quarter (or the project alone), as cells for
    st.table, which reads them as Markdown: the project's and report's own words (from the import)
    escaped by fmt.literal so they show as written; figures, dates and labels are the page's."""
    text = fmt.literal
    quarter = None if report is None else int(report["quarter"])
    if quarter is None:
        period_text = t("padme_no_reports", lang)
    else:
        fq = FiscalQuarter(fiscal_year, quarter)
        period_text = f"{t('padme_quarter_n', lang)} {quarter} ({thai_date(fq.start, lang)} - {thai_date(fq.end, lang)})"
    unit = text(project["indicator_unit"])
    rows = [
        ("padme_f1", text(project["agency"])),
        ("padme_f2", text(project["name"])),
        ("padme_f3", f"{text(project['indicator'])} ({fmt_number(project['indicator_target'])} {unit})"),
        ("padme_f4", f"{fmt.mb(project['budget_baht'] / kpis.BAHT_PER_MB, lang)} · {t('padme_type_' + project['budget_type'], lang)}"),
        ("padme_f5", period_text),
        ("padme_f6_1", label("national_strategy", project["national_strategy"], lang)),
        ("padme_f6_2", text(project["master_plan"])),
        ("padme_f6_3", label("nesdp_milestone", project["nesdp_milestone"], lang)),
        ("padme_f6_4", text(project["cabinet_policy"])),
        ("padme_f6_5", text(project["moi_strategy"])),
        ("padme_f6_6", label("sdg_goal", project["sdg_goal"], lang) if project["sdg_goal"] else ""),
        ("padme_f6_7", text(project["new_gov_policy"])),
    ]
    if report is not None:
        rows += [
            ("padme_f7", text(report["result_text"])),
            ("padme_f7_indicator", f"{fmt_number(project['indicator_target'])} / {fmt_number(report['indicator_result'])} {unit}"),
            ("padme_f7_disbursement", f"{fmt.mb(report['disb_target_baht'] / kpis.BAHT_PER_MB, lang)} / "
                                      f"{fmt.mb(report['disb_actual_baht'] / kpis.BAHT_PER_MB, lang)}"),
            ("padme_f7_committed", fmt.mb(report["committed_baht"] / kpis.BAHT_PER_MB, lang)),
            ("padme_col_status", t(f"padme_status_{report['status']}", lang)),
            ("padme_f8", text(report["problems"]) or text("-")),  # "-" alone would be a list item
        ]
    return pd.DataFrame({t("padme_col_field", lang): [t(k, lang) for k, _ in rows],
                         t("padme_col_value", lang): [str(v) for _, v in rows]})


def fmt_number(value) -> str:
    if value is None or pd.isna(value):
        return fmt.DASH
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def project_record(ctx: Context, area: Area, project_id: str) -> None:
    """The project as its PADME report reads, one tab per reported quarter."""
    lang = ctx.lang
    project, reports = loaders.padme.record(ctx, area, project_id)
    with st.container(border=True):
        # The anchor is ours: Streamlit would make the heading's link from the data.
        st.subheader(f"{t('padme_record', lang)} · {fmt.literal(project_id, breaks=False)}", anchor="padme-record")
        index, district = loaders.area_index(ctx.url), Area("district", project["dist_code"])
        place = fmt.literal(f"{drill.name(district, index, lang)} · "
                            f"{drill.name(drill.parent(district, index), index, lang)}")
        st.caption(f"{place} · {panels.as_of(ctx, 'padme')}")
        if reports.empty:
            st.table(record_rows(project, None, project["fiscal_year"], lang))
            return
        tabs = st.tabs([FiscalQuarter(project["fiscal_year"], int(q)).label(lang) for q in reports["quarter"]])
        for tab, (_, report) in zip(tabs, reports.iterrows()):
            with tab:
                st.table(record_rows(project, report, project["fiscal_year"], lang))
