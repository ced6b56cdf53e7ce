"""The SDG page's loaders and blocks: the 17-goal grid, one goal's indicators, benchmarking.

Loaders are cached by url + the SDG data version + viewer + area + years. Scoring is metrics.sdg's
(docs/SDG_SCORING.md): the page rates the latest SDG year up to the fiscal year chosen, exactly as the
overview's SDG panel does, so both show the same ratings. Ratings and trends always carry text; the
goal colours (official identity colours) only identify a goal, next to its number and name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access import access
from data_access.scope import NATION, Area
from metrics import sdg
from metrics.kpis import Kpi

from . import charts, drill, exports, fmt, loaders, maps, panels, tables, urlstate
from .i18n import t
from .shell import Context

GOALS = list(range(1, 18))
PER_ROW = 6  # goal tiles a row at most (a wide screen)
GOAL_MIN_WIDTH = 160  # px: a narrower tile breaks a goal's name every syllable and cuts its rating
# SDSN dashboard colours by rating, always beside the rating's text and an icon.
BADGES = {"achieved": ("green", ":material/check_circle:"), "challenges": ("yellow", ":material/error:"),
          "significant": ("orange", ":material/warning:"), "major": ("red", ":material/cancel:")}
UNIT_KEYS = {"%": "sdg_unit_pct", "per 100,000": "sdg_unit_per_100k", "thousand baht / month": "sdg_unit_kbaht_month",
             "index": "sdg_unit_index", "kg": "sdg_unit_kg", "per 100 km²": "sdg_unit_per_100km2"}
PROGRESS = Kpi("sdg_progress_pct", "sdg", "progress_pct", "pct", True)
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def sdg_year(years: list[int], fiscal_year: int) -> int | None:
    """The latest SDG year not later than the fiscal year in view."""
    upto = [y for y in years if y <= fiscal_year]
    return upto[-1] if upto else None


@dataclass(frozen=True)
class View:
    year: int
    years: tuple[int, ...]
    goals: pd.DataFrame       # goal, name_th, name_en, colour
    indicators: pd.DataFrame  # sdg_indicator rows
    series: pd.DataFrame      # the area's values: indicator_code, year, value
    status: pd.DataFrame      # metrics.sdg.indicator_status
    goal_status: pd.DataFrame  # metrics.sdg.goal_status + names and colour


def load(ctx: Context, area: Area) -> View | None:
    goals, indicators, all_years = loaders.sdg.reference(ctx.url, ctx.versions)
    year = sdg_year(all_years, ctx.period.year)
    if year is None:
        return None
    years = tuple(y for y in all_years if y <= year)
    series = loaders.sdg.values(ctx, area, years, "total")
    status = sdg.indicator_status(series, indicators, year)
    goal_status = sdg.goal_status(status, goals["goal"].tolist()).merge(goals, on="goal")
    return View(year, years, goals, indicators, series, status, goal_status)


def child_scores(ctx: Context, area: Area, by: str, year: int, indicators: pd.DataFrame) -> pd.DataFrame:
    """Goal scores (area_code, goal, score, rating, index) of every `by` area inside `area`."""
    rows = loaders.sdg.values(ctx, area, (year,), by)
    meta = indicators[["indicator_code", "goal", "target_value", "lower_bound"]]
    return sdg.area_goal_scores(rows.merge(meta, on="indicator_code"))


# --- labels ----------------------------------------------------------------------------------------
def _name_col(lang: str) -> str:
    return "name_th" if lang == "th" else "name_en"


def rating_text(rating, lang: str) -> str:
    return t(f"rating_{rating}", lang) if isinstance(rating, str) else t("sdg_no_rating", lang)


def trend_text(trend, lang: str) -> str:
    if not isinstance(trend, str):
        return f"– {t('sdg_trend_none', lang)}"
    return f"{sdg.TREND_ARROWS[trend]} {t('sdg_trend_' + trend, lang)}"


def unit_text(unit: str, lang: str) -> str:
    return t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit


def rating_badge(rating, lang: str) -> None:
    colour, icon = BADGES.get(rating, ("gray", ":material/help:"))
    st.badge(rating_text(rating, lang), icon=icon, color=colour)


def _number(value, digits: int = 2) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def goal_icon(goal: int, colour: str) -> str:
    """An SVG band in the goal's official colour with its number (an image, no HTML)."""
    fill = colour if isinstance(colour, str) and _HEX.fullmatch(colour) else "#64748B"
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    ink = "#1A1A1A" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 else "#FFFFFF"  # legible on its colour
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="48" viewBox="0 0 240 48">'
            f'<rect width="240" height="48" rx="6" fill="{fill}"/>'
            f'<text x="14" y="36" font-family="Sarabun, sans-serif" font-size="30" font-weight="700" '
            f'fill="{ink}">{int(goal)}</text>'
            f'<text x="62" y="32" font-family="Sarabun, sans-serif" font-size="16" font-weight="700" '
            f'fill="{ink}">SDG</text></svg>')


# --- blocks ----------------------------------------------------------------------------------------
def seed_goal() -> int:
    """The goal in view, from the session or the URL (`goal`), before any control is drawn."""
    urlstate.seed("goal", GOALS, 1, int)
    return int(st.session_state["goal"])


def _pick(goal: int) -> None:
    st.session_state["goal"] = goal


def header(ctx: Context, view: View) -> None:
    st.caption(f"{t('sdg_year', ctx.lang)} {view.year} ({t('sdg_year_note', ctx.lang)}) · {panels.as_of(ctx, 'sdg')}")


def goal_grid(ctx: Context, area: Area, view: View, selected: int) -> None:
    """The 17 goals as tiles: colour band with the number, name, rating and trend as text."""
    lang = ctx.lang
    st.subheader(t("sdg_goals_title", lang))
    st.caption(t("sdg_goals_caption", lang))
    # A grid, not rows of six columns: on a tablet it wraps to fewer, readable tiles a row.
    with st.grid(PER_ROW, min_column_width=GOAL_MIN_WIDTH, gap="small"):
        for row in view.goal_status.to_dict("records"):
            goal = int(row["goal"])
            with st.container(border=True, height="stretch"):
                st.image(goal_icon(goal, row["colour"]), width="stretch", alt=f"SDG {goal}")
                st.markdown(f"**{goal}. {fmt.literal(row[_name_col(lang)])}**")
                rating_badge(row["rating"], lang)
                st.caption(f"{t('sdg_trend', lang)}: {trend_text(row['trend'], lang)}")
                st.button(t("sdg_open_goal", lang), key=f"sdg-open-{goal}", on_click=_pick, args=(goal,),
                          type="primary" if goal == selected else "secondary", width="stretch")
    summary = goal_summary(view, lang)
    with st.expander(t("sdg_summary_table", lang)):
        tables.show(summary, {t("sdg_goal", lang): "int", t("sdg_goal_index", lang): "value1"}, lang,
                    hide_index=True, width="stretch")
        exports.buttons(ctx, summary, f"sdg-goals-{area.level}-{area.code or 'TH'}-{view.year}", area,
                        key="export-sdg-goals")


def goal_summary(view: View, lang: str) -> pd.DataFrame:
    gs = view.goal_status
    return pd.DataFrame({
        t("sdg_goal", lang): gs["goal"].astype(int),
        t("sdg_goal_name", lang): gs[_name_col(lang)],
        t("rating", lang): [rating_text(r, lang) for r in gs["rating"]],
        t("sdg_trend", lang): [trend_text(x, lang) for x in gs["trend"]],
        t("sdg_goal_index", lang): [_number(x, 1) for x in gs["index"]],
    })


def goal_picker(ctx: Context, view: View) -> int:
    lang = ctx.lang
    names = view.goals.set_index("goal")[_name_col(lang)]
    goal = st.selectbox(t("sdg_goal_pick", lang), GOALS, key="goal",
                        format_func=lambda g: f"{g}. {names.get(g, '')}")
    urlstate.publish(goal=goal)
    return int(goal)


def indicator_table(view: View, goal: int, lang: str) -> pd.DataFrame:
    rows = view.status[view.status["goal"] == goal]
    return pd.DataFrame({
        t("sdg_indicator_code", lang): rows["indicator_code"],
        t("sdg_indicator", lang): rows[_name_col(lang)],
        t("sdg_unit", lang): [unit_text(u, lang) for u in rows["unit"]],
        f"{t('sdg_value', lang)} {view.year}": [_number(v) for v in rows["value"]],
        t("sdg_target", lang): [_number(v) for v in rows["target_value"]],
        t("sdg_lower_bound", lang): [_number(v) for v in rows["lower_bound"]],
        t("sdg_progress_pct", lang): [_number(None if pd.isna(p) else 100 * p, 1) for p in rows["progress"]],
        t("rating", lang): [rating_text(r, lang) for r in rows["rating"]],
        t("sdg_trend", lang): [trend_text(x, lang) for x in rows["trend"]],
    }).reset_index(drop=True)


def goal_detail(ctx: Context, area: Area, index: pd.DataFrame, view: View, goal: int) -> None:
    """One goal: its rating and trend, its indicators (table, yearly charts) and a map of one of them."""
    lang = ctx.lang
    row = view.goal_status.set_index("goal").loc[goal]
    with st.container(border=True):
        st.subheader(f"{t('sdg_goal', lang)} {goal}. {fmt.literal(row[_name_col(lang)], breaks=False)}",
                     anchor=f"sdg-goal-{goal}")
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            rating_badge(row["rating"], lang)
            st.markdown(f"{t('sdg_trend', lang)}: {trend_text(row['trend'], lang)}")
        st.markdown(f"**{t('sdg_indicators_title', lang)}** · {view.year}")
        table = indicator_table(view, goal, lang)
        tables.show(table, {c: "value1" if c == t("sdg_progress_pct", lang) else "decimal"
                            for c in table.columns[3:7]}, lang, hide_index=True, width="stretch")
        st.caption(f"{t('sdg_progress_note', lang)} · {panels.as_of(ctx, 'sdg')}")
        exports.buttons(ctx, table, f"sdg-goal{goal}-{area.level}-{area.code or 'TH'}-{view.year}", area,
                        key=f"export-sdg-ind-{goal}")
        indicators = view.status[view.status["goal"] == goal]
        columns = st.columns(max(1, len(indicators)), gap="medium")
        for column, ind in zip(columns, indicators.to_dict("records")):
            with column:
                _line_chart(ctx, area, view, ind)
    if area.level != "district":
        _indicator_map(ctx, area, index, view, indicators)


def _line_chart(ctx: Context, area: Area, view: View, ind: dict) -> None:
    lang = ctx.lang
    unit = unit_text(ind["unit"], lang)
    rows = view.series[view.series["indicator_code"] == ind["indicator_code"]].sort_values("year")
    values = dict(zip(rows["year"].astype(int), rows["value"]))
    series = charts.Series(t("sdg_value", lang), [values.get(int(y)) for y in view.years],
                           [f"{fmt.decimal(values.get(int(y)))} {unit}" for y in view.years])
    target = ind["target_value"]
    # The title as text, not in the chart: a narrow column wraps it instead of cutting it.
    st.markdown(f"**{fmt.literal(ind['indicator_code'])} {fmt.literal(ind[_name_col(lang)])}** ({fmt.literal(unit)})")
    spec = charts.lines([str(y) for y in view.years], [series], unit, height=300,
                        rule=(target, f"{t('sdg_target_line', lang)} 2573: {target:g} {unit}"))
    charts.show(spec, key=f"sdg-line-{area.level}-{area.code}-{ind['indicator_code']}")
    st.caption(f"{t('sdg_chart_years', lang)} · {t('sdg_unit', lang)}: {fmt.literal(unit)} · {panels.as_of(ctx, 'sdg')}")


def child_frame(ctx: Context, area: Area, index: pd.DataFrame, view: View, ind: dict) -> pd.DataFrame:
    """Every child area with the indicator's value, progress (%) and rating in the SDG year."""
    rows = loaders.sdg.values(ctx, area, (view.year,), area.child_level)
    rows = rows[rows["indicator_code"] == ind["indicator_code"]][["area_code", "value"]]
    frame = loaders.child_names(index, area).merge(rows, on="area_code", how="left")
    target, lower = ind["target_value"], ind["lower_bound"]
    frame["progress_pct"] = [100.0 * sdg.progress(v, target, lower) for v in frame["value"]]
    scores = [sdg.indicator_score(v, target, lower) for v in frame["value"]]
    frame["rating"] = [None if pd.isna(s) else sdg.RATINGS[int(s)] for s in scores]
    frame["rank"] = sdg.rank_desc(frame["progress_pct"])
    return frame.sort_values(["rank", "area_code"], na_position="last").reset_index(drop=True)


def _indicator_map(ctx: Context, area: Area, index: pd.DataFrame, view: View, indicators: pd.DataFrame) -> None:
    lang = ctx.lang
    codes = indicators["indicator_code"].tolist()
    if not codes:
        return
    by_code = indicators.set_index("indicator_code")
    goal = int(indicators["goal"].iloc[0])
    chosen = st.selectbox(t("sdg_map_indicator", lang), codes, key=f"sdg-map-ind-{goal}",
                          format_func=lambda c: f"{c} {by_code.loc[c, _name_col(lang)]}")
    ind = {"indicator_code": chosen, **by_code.loc[chosen].to_dict()}
    child = area.child_level
    frame = child_frame(ctx, area, index, view, ind)
    with st.grid(2, min_column_width=maps.MIN_WIDTH, gap="medium"):  # stacked on a tablet
        with st.container(border=True):
            st.subheader(t(f"sdg_map_title_{child}", lang))
            st.caption(f"{fmt.literal(chosen)} {fmt.literal(ind[_name_col(lang)])} · {t('sdg_progress_pct', lang)} · {view.year} · "
                       f"{t('sdg_progress_note', lang)} · {panels.as_of(ctx, 'sdg')}")
            spec = maps.figure(frame, PROGRESS, child, lang, prov_code=area.code if child == "district" else None)
            maps.choropleth(spec, key=f"sdg-map-{area.level}-{area.code}-{chosen}",
                            on_click=lambda code: drill.go(Area(child, code)))
        with st.container(border=True):
            st.subheader(t("sdg_children_table", lang))
            unit = unit_text(ind["unit"], lang)
            shown = pd.DataFrame({
                t("col_rank", lang): frame["rank"],
                t("col_area", lang): frame[_name_col(lang)],
                f"{t('sdg_value', lang)} ({unit})": [_number(v) for v in frame["value"]],
                t("sdg_progress_pct", lang): [_number(v, 1) for v in frame["progress_pct"]],
                t("rating", lang): [rating_text(r, lang) for r in frame["rating"]],
                t("col_code", lang): frame["area_code"],
            })
            key = f"sdg-children-{area.level}-{area.code}-{chosen}"
            area_codes = frame["area_code"].tolist()

            def _selected() -> None:
                picked = st.session_state[key]["selection"]["rows"]
                if picked:
                    drill.go(Area(child, area_codes[picked[0]]))

            tables.show(shown, {t("col_rank", lang): "int", shown.columns[2]: "decimal",
                                t("sdg_progress_pct", lang): "value1"}, lang,
                        hide_index=True, width="stretch", height=520, key=key, on_select=_selected,
                        selection_mode="single-row",
                        column_config={t("col_area", lang): drill.name_column(shown[t("col_area", lang)],
                                                                              t("col_area", lang))})
            st.caption(panels.as_of(ctx, "sdg"))
            exports.buttons(ctx, shown, f"sdg-{chosen}-{area.level}-{area.code or 'TH'}-{view.year}", area,
                            key=f"export-{key}")


# --- benchmarking ------------------------------------------------------------------------------------
def benchmark(ctx: Context, area: Area, index: pd.DataFrame, view: View) -> None:
    """BOPACK benchmarking: a province's (or district's) rank among its peers on every goal, or, at
    the nation or a region, the provinces ranked by goals on track. Needs other areas' figures, so a
    viewer whose rights do not cover the peers gets a note instead (checked before any query)."""
    lang = ctx.lang
    with st.container(border=True):
        st.subheader(t("sdg_benchmark_title", lang))
        if area.level in ("nation", "region"):
            _province_ranking(ctx, area, index, view)
        else:
            _peer_benchmark(ctx, area, index, view)


def _province_ranking(ctx: Context, area: Area, index: pd.DataFrame, view: View) -> None:
    lang = ctx.lang
    if not access.allowed(ctx.viewer, "view", area):
        st.info(t("sdg_benchmark_not_permitted", lang))
        return
    names = loaders.child_names(index, area)
    scores = child_scores(ctx, area, "province", view.year, view.indicators)
    counts = sdg.rating_counts(scores, areas=names["area_code"].tolist()).merge(names, on="area_code")
    regions = index.drop_duplicates("prov_code").set_index("prov_code")["region4"]
    shown = pd.DataFrame({
        t("col_rank", lang): counts["rank"],
        t("province", lang): counts[_name_col(lang)],
        t("col_region", lang): [t(f"region_{regions.get(c)}", lang) for c in counts["area_code"]],
        t("sdg_n_on_track", lang): counts["n_on_track"],
        t("sdg_n_achieved", lang): counts["n_achieved"],
        t("sdg_n_challenges", lang): counts["n_challenges"],
        t("sdg_n_significant", lang): counts["n_significant"],
        t("sdg_n_major", lang): counts["n_major"],
        t("col_code", lang): counts["area_code"],
    })
    st.markdown(f"**{t('sdg_ranking_title_province', lang)}** · {view.year}")
    st.caption(f"{t('sdg_ranking_caption', lang)} · {panels.as_of(ctx, 'sdg')}")
    tables.show(shown, {c: "int" for c in shown.columns[[0, 3, 4, 5, 6, 7]]}, lang, hide_index=True, width="stretch",
                key=f"sdg-bench-{area.level}-{area.code}")
    exports.buttons(ctx, shown, f"sdg-ranking-{area.level}-{area.code or 'TH'}-{view.year}", area,
                    key=f"export-sdg-bench-{area.level}-{area.code}")


def peer_groups(area: Area, index: pd.DataFrame) -> tuple[Area, str, dict[str, list[str]]]:
    """(area to read, level to read it by, peer groups) for a province or a district."""
    if area.level == "province":
        provinces = index.drop_duplicates("prov_code")
        region = provinces.loc[provinces.prov_code == area.code, "region4"].iloc[0]
        return NATION, "province", {"region": provinces.loc[provinces.region4 == region, "prov_code"].tolist(),
                                    "country": provinces["prov_code"].tolist()}
    parent = Area("province", area.code[:2])
    return parent, "district", {"province": index.loc[index.prov_code == parent.code, "dist_code"].tolist()}


def _peer_benchmark(ctx: Context, area: Area, index: pd.DataFrame, view: View) -> None:
    lang = ctx.lang
    read, by, groups = peer_groups(area, index)
    own = view.goal_status
    rated = own[own["rating"].notna()]
    counts = {r: int((rated["rating"] == r).sum()) for r in sdg.RATINGS}
    with st.container(horizontal=True, gap="small"):
        st.metric(t("sdg_n_on_track", lang), f"{counts['achieved'] + counts['challenges']} / 17", border=True)
        st.metric(t("sdg_n_achieved", lang), counts["achieved"], border=True)
        st.metric(t("sdg_n_challenges", lang), counts["challenges"], border=True)
    if not access.may_read(ctx.viewer, read, by):
        st.info(t("sdg_benchmark_not_permitted", lang))
        return
    scores = child_scores(ctx, read, by, view.year, view.indicators)
    table = sdg.benchmark(scores, area.code, groups)
    with st.container(horizontal=True, gap="small"):
        for name, codes in groups.items():
            ranking = sdg.rating_counts(scores[scores["area_code"].isin(codes)])
            mine = ranking[ranking["area_code"] == area.code]
            rank = None if mine.empty or pd.isna(mine["rank"].iloc[0]) else int(mine["rank"].iloc[0])
            st.metric(t(f"sdg_on_track_rank_{name}", lang),
                      f"{'—' if rank is None else rank} {t('rank_of', lang)} {int(ranking['rank'].notna().sum())}",
                      border=True)
    names = view.goals.set_index("goal")[_name_col(lang)]
    shown = pd.DataFrame({
        t("sdg_goal", lang): table["goal"].astype(int),
        t("sdg_goal_name", lang): [names.get(g, "") for g in table["goal"]],
        t("sdg_goal_index", lang): [_number(x, 1) for x in table["index"]],
        t("rating", lang): [rating_text(r, lang) for r in table["rating"]],
    })
    for name in groups:
        shown[t(f"sdg_rank_{name}", lang)] = table[f"rank_{name}"]
        shown[t(f"sdg_n_{name}", lang)] = table[f"n_{name}"]
    st.caption(f"{t('sdg_benchmark_caption', lang)} · {view.year} · {panels.as_of(ctx, 'sdg')}")
    tables.show(shown, {shown.columns[0]: "int", shown.columns[2]: "value1", **{c: "int" for c in shown.columns[4:]}},
                lang, hide_index=True, width="stretch", key=f"sdg-bench-{area.level}-{area.code}")
    exports.buttons(ctx, shown, f"sdg-benchmark-{area.level}-{area.code}-{view.year}", area,
                    key=f"export-sdg-bench-{area.level}-{area.code}")


def no_data(ctx: Context) -> None:
    st.info(t("sdg_no_data", ctx.lang))
