"""What the wall shows, one slide at a time: exceptions first, in type readable across the room.

Each slide is a title line, a row of the headline figures, then a map beside its KPI's exceptions, or
the exceptions of every headline KPI: the areas the overview page lists, by its rule (`behind`). The
reporting view is that KPI's exceptions in full: the map of the share of reports filed on time beside
who has not reported, then who reported late, under the quarter judged and its due date. (The
exceptions view keeps to the four headline KPIs: a fifth list of five does not fit 1080 px at the
wall's type size, docs/KIOSK.md.)
Nothing here waits for input: no pickers, tables to scroll or download buttons. Figures come from the
same cached reads and formatting as the pages, so the wall and a governor's tablet never disagree.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.scope import Area
from metrics import compliance, kpis, sdg

from . import compliance_view, config, drill, loaders, fmt, maps, panels, sdg_view
from .i18n import t
from .kiosk import Slide
from .live import SOURCE_NAMES
from .shell import Context

SOURCE_FIGURES = {
    "padme": ("padme_budget_mb", "padme_disbursed_pct", "padme_gap_pp"),
    "cebrs": ("cebrs_approved_mb", "cebrs_disbursed_pct"),
    "thaiqm": ("thaiqm_n_target", "thaiqm_helped_pct"),
}
MAP_KPI = {"overview": "padme_disbursed_pct", "padme": "padme_gap_pp", "cebrs": "cebrs_disbursed_pct",
           "thaiqm": "thaiqm_helped_pct"}
LOWEST_SHOWN = 3  # areas named for context when none is an exception
# The reporting view's two lists beside its map: so many areas named each, the rest counted in the heading.
REPORTING_SHOWN = 5
MAP_FONT_PX = 24
MAP_HEIGHT = 490  # px: with the figures above and the title, the view stays within 1080 px with a line to spare
WALL_OUTLINE = "#94A3B8"


def slide_title(ctx: Context, slide: Slide, index: pd.DataFrame) -> str:
    """The slide's header, as Markdown (the area's name escaped: it is data)."""
    area = fmt.literal(drill.name(slide.area_for(ctx.viewer), index, ctx.lang), breaks=False)
    what = (t(f"kiosk_slide_{slide.kind}", ctx.lang) if slide.kind in ("overview", "exceptions", "reporting")
            else t(f"source_{slide.kind}", ctx.lang))
    return f"{what} · {area}"


def render(ctx: Context, slide: Slide, position: int, count: int) -> None:
    lang = ctx.lang
    index = loaders.area_index(ctx.url)
    area = slide.area_for(ctx.viewer)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.header(slide_title(ctx, slide, index), anchor=False, width="stretch")
        # The quarter, the place in the playlist and "next in N s", N counting down by itself: static
        # CSS writes it before the unit in the container keyed kiosk-countdown (ui/kiosk.py countdown_css).
        before, _, after = t("kiosk_next", lang).partition("{seconds}")
        with st.container(horizontal=True, gap=None, width="content", key="kiosk-turn"):
            st.markdown(f"{ctx.period.label(lang)} · {position + 1}/{count} · {before.strip()}", width="content")
            with st.container(gap=None, width="content", key="kiosk-countdown"):
                st.markdown(after.strip(), width="content")
    if slide.kind == "exceptions":
        _exceptions(ctx, area)
    elif slide.kind == "reporting":
        _reporting(ctx, area)
    elif slide.kind == "sdg":
        _sdg(ctx, area)
    else:
        # The figures' row is placed first and filled last: the map goes out early in the run, so its
        # polygons are drawn by the time the view shows (ui/kiosk.py `rotation`).
        figures = st.container()
        if area.level != "district":
            _map_and_behind(ctx, area, kpis.KPIS[MAP_KPI[slide.kind]])
        with figures:
            _figures(ctx, area, kpis.HEADLINES if slide.kind == "overview" else SOURCE_FIGURES[slide.kind])


def _figures(ctx: Context, area: Area, keys: tuple[str, ...], counts: tuple[tuple[str, str], ...] = ()) -> None:
    """The headline figures, each with its change on the comparison quarter; then `counts`, (label,
    formatted figure) cards with no change."""
    lang = ctx.lang
    # One row (static/kiosk.css: cards of one height): the map below needs the height.
    with st.container(horizontal=True, gap="small", wrap=False, key="kiosk-figures"):
        for key in keys:
            kpi = kpis.KPIS[key]
            now = loaders.totals(ctx, kpi.source, area, ctx.period)
            then = loaders.base_totals(ctx, kpi.source, area, ctx.period)
            change = fmt.delta(kpis.change(now.get(kpi.column), then.get(kpi.column)), kpi.unit)
            st.metric(t(key, lang), figure(now.get(kpi.column), kpi, lang), change, border=True,
                      **panels.delta_style(change, kpi.higher_is_better),
                      delta_description=panels.compared_with(ctx, kpi.source) if change else None)
        for label, value in counts:
            st.metric(label, value, border=True)


def figure(value, kpi: kpis.Kpi, lang: str) -> str:
    """A figure as the wall shows it, its unit said once: million baht are in the label ("... (ล้านบาท)"),
    so the value is the number alone; percentages and points keep their sign."""
    return fmt.mb(value, lang, unit=False) if kpi.unit == "mb" else fmt.by_unit(value, kpi.unit, lang)


def _lines(frame: pd.DataFrame, kpi: kpis.Kpi, lang: str, colour: str = "red", why=None) -> str:
    """"1. <area> **<figure>** :red[(<why>)]" a line each: why is the points behind ("(-10.9 pp)"), for
    the reporting KPI the reports missing and late ("(ขาดส่ง 3, ส่งช้า 1)"), or `why(row)`."""
    name = "name_th" if lang == "th" else "name_en"
    return "  \n".join(f"{n}. {fmt.literal(row[name])} **{figure(row[kpi.column], kpi, lang)}** "
                       f":{colour}[({why(row) if why else _why(row, kpi, lang)})]"
                       for n, (_, row) in enumerate(frame.iterrows(), start=1))


def _why(row, kpi: kpis.Kpi, lang: str) -> str:
    if kpi.flagged_by is not None:
        return compliance_view.counts(row["n_missing"], row["n_late"], lang)
    return fmt.delta(row["gap"], "pp")


def behind(ctx: Context, area: Area, kpi: kpis.Kpi) -> tuple[pd.DataFrame, float | None, float]:
    """The areas one level down the pages call exceptions on this KPI (ui.panels.exceptions: the rule and
    the number of `config.exception_rule`, through `panels.lagging`), the area's own figure, and the
    points behind it that make an exception."""
    worse_by, limit = config.exception_rule(kpi.key)
    frame, reference = panels.lagging(ctx, area, kpi, worse_by, limit)
    return frame, reference, worse_by


reference_name = panels.reference_name  # the pages and the wall say it alike


def rule_line(ctx: Context, area: Area, kpi: kpis.Kpi, reference: float | None, worse_by: float) -> str:
    """"10 points or more below the whole country (8.6%)" (Markdown), as the pages say it (panels.rule)."""
    return panels.rule(ctx, area, kpi, reference, worse_by)


def _none_behind(area: Area, kpi: kpis.Kpi, reference: float | None, lang: str) -> str:
    """What a card says when it lists no exception: none is that far behind (none has a report missing
    or late), or the area has no figure."""
    if reference is None:
        return t("no_data", lang)
    children = t(f"kiosk_children_{area.child_level}", lang)
    if kpi.flagged_by is not None:
        return t("compliance_none_missing", lang).format(children=children)
    return t("kiosk_none_behind", lang).format(children=children)


def _wall_map(ctx: Context, area: Area, kpi: kpis.Kpi, frame: pd.DataFrame) -> None:
    """The KPI's map of the areas one level down (`frame`, loaders.children), as the wall draws it: type
    sized in px for the room, no tap selection, outlines light enough that the darkest areas, the ones
    furthest behind, still stand out from a dark background."""
    spec = maps.figure(frame, kpi, area.child_level, ctx.lang,
                       prov_code=area.code if area.child_level == "district" else None, height=MAP_HEIGHT,
                       selectable=False, font_px=MAP_FONT_PX,
                       outline=maps.OUTLINE if st.context.theme.type == "light" else WALL_OUTLINE)
    maps.static(spec, key=f"kiosk-map-{area}-{kpi.key}")


def _map_and_behind(ctx: Context, area: Area, kpi: kpis.Kpi) -> None:
    """The KPI's map of the areas one level down beside its exceptions, as the exceptions view and the
    pages list them; when there are none, the lowest few for context, in no alarm colour."""
    lang = ctx.lang
    frame = loaders.children(ctx, kpi, area, ctx.period)
    left, right = st.columns([3, 2], gap="medium")
    with left, st.container(border=True):
        _wall_map(ctx, area, kpi, frame)
    with right, st.container(border=True, height="stretch"):
        exceptions, reference, worse_by = behind(ctx, area, kpi)
        st.markdown(f"**{t(kpi.key, lang)}**  \n{rule_line(ctx, area, kpi, reference, worse_by)}")
        if len(exceptions):
            st.markdown(_lines(exceptions, kpi, lang))
            return
        st.markdown(_none_behind(area, kpi, reference, lang))
        lowest, _ = panels.lagging(ctx, area, kpi, 0.0, LOWEST_SHOWN)
        if len(lowest):
            name = "name_th" if lang == "th" else "name_en"
            st.markdown(f"{t('kiosk_lowest', lang)}: " + " · ".join(
                f"{fmt.literal(row[name])} {figure(row[kpi.column], kpi, lang)}" for _, row in lowest.iterrows()))


def _exceptions(ctx: Context, area: Area) -> None:
    """Every headline KPI's exceptions, two a row: the same areas, in the same order, as the pages'."""
    lang = ctx.lang
    with st.grid(2, gap="medium"):
        for key in kpis.HEADLINES:
            kpi = kpis.KPIS[key]
            with st.container(border=True, height="stretch"):
                if area.level == "district":
                    st.markdown(f"**{t(key, lang)}**  \n{t('kiosk_no_lagging', lang)}")
                    continue
                exceptions, reference, worse_by = behind(ctx, area, kpi)
                st.markdown(f"**{t(key, lang)}**  \n{rule_line(ctx, area, kpi, reference, worse_by)}")
                st.markdown(_lines(exceptions, kpi, lang) if len(exceptions)
                            else _none_behind(area, kpi, reference, lang))


def _reporting(ctx: Context, area: Area) -> None:
    """Who has not reported: the share of reports filed on time with its change and the reports missing
    and late; then the map coloured by that share beside, under the quarter judged and its due date in
    words, the areas one level down with a report missing and, side by side, those that filed everything
    but some of it late: each the lowest share first, as the KPI's exceptions on the pages (at most
    REPORTING_SHOWN named, how many in all in the heading). A district's own view lists its sources."""
    lang = ctx.lang
    kpi = compliance_view.KPI
    figures = st.container()  # placed first, filled last: the map goes out early (see `render`)
    if area.level == "district":
        _district_reports(ctx, area)
    else:
        frame = loaders.children(ctx, kpi, area, ctx.period)
        left, right = st.columns([2, 3], gap="medium")
        with left, st.container(border=True):
            _wall_map(ctx, area, kpi, frame)
        with right, st.container(border=True, height="stretch", key="kiosk-not-reported"):
            st.markdown(f"**{compliance_view.due_line(ctx)}**")
            missing, late = compliance.not_reported(frame)
            children = t(f"kiosk_children_{area.child_level}", lang)
            lists = st.columns(2, gap="medium")
            for column, (heading, rows, colour, count, none) in zip(lists, (
                    ("compliance_missing", missing, "red", "n_missing", "compliance_none_missing"),
                    ("compliance_late", late, "orange", "n_late", "compliance_none_late"))):
                with column:
                    title = f"**{t(f'{heading}_{area.child_level}', lang)} ({fmt.count(len(rows))})**"
                    if rows.empty:
                        st.markdown(f"{title}  \n{t(none, lang).format(children=children)}")
                        continue
                    said = t(f"compliance_n_{count[2:]}", lang)
                    st.markdown(f"{title}  \n" + _lines(rows.head(REPORTING_SHOWN), kpi, lang, colour,
                                                          lambda row: said.format(n=fmt.count(row[count]))))
    total = loaders.totals(ctx, kpi.source, area, ctx.period)
    with figures:
        _figures(ctx, area, (kpi.key,), (
            (t("compliance_metric_missing", lang), fmt.count(total.get("n_missing"), lang=lang)),
            (t("compliance_metric_late", lang), fmt.count(total.get("n_late"), lang=lang))))


def _district_reports(ctx: Context, area: Area) -> None:
    """A district's own reports of the quarter judged: each source's status, under its due date."""
    lang = ctx.lang
    rows = loaders.compliance.judged(ctx, area, compliance_view.judged(ctx))
    with st.container(border=True):
        st.markdown(f"**{compliance_view.due_line(ctx)}**")
        lines = [f"{SOURCE_NAMES[row.source]}: "
                 + t(f"compliance_status_{row.status}", lang).format(days=fmt.count(row.days_late))
                 for row in rows.itertuples()]
        st.markdown("  \n".join(lines) or t("compliance_status_none", lang))


def _sdg(ctx: Context, area: Area) -> None:
    """Goals on track, the count in each rating, then each of the 17 goals with its rating (the
    goals' names are on the SDG page: eighteen tiles of names do not fit a wall's height)."""
    lang = ctx.lang
    year, ratings = loaders.sdg_ratings(ctx, area, ctx.period, "total")
    counts = ratings["rating"].value_counts() if len(ratings) else pd.Series(dtype=int)
    with st.container(horizontal=True, gap="small"):
        st.metric(f"{t('sdg_on_track', lang)} ({year or '—'})",
                  f"{fmt.count(sdg.goals_on_track(ratings) if len(ratings) else None, lang=lang)} / 17", border=True)
        for rating in reversed(sdg.RATINGS):
            st.metric(t(f"rating_{rating}", lang), fmt.count(int(counts.get(rating, 0)), lang=lang), border=True)
    goals = loaders.sdg.reference(ctx.url, ctx.versions)[0]
    rated = dict(zip(ratings["goal"], ratings["rating"])) if len(ratings) else {}
    with st.grid(6, gap="small"):
        for goal in goals.itertuples():
            colour, icon = sdg_view.BADGES.get(rated.get(goal.goal), ("gray", ":material/help:"))
            with st.container(border=True, height="stretch"):  # words wrap here, where a badge cuts them
                st.markdown(f"**SDG {goal.goal}**  \n:{colour}[{icon} {sdg_view.rating_text(rated.get(goal.goal), lang)}]")
