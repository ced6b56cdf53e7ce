"""What the wall shows, one slide at a time: exceptions first, in type readable across the room.

Each slide is a title line, a row of the headline figures, then a map beside the areas furthest
behind, or the exceptions of every headline KPI. Nothing here waits for input: no pickers, tables to
scroll or download buttons. Figures come from the same cached reads and formatting as the pages, so
the wall and a governor's tablet never disagree.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.scope import Area
from metrics import kpis, sdg
from metrics.fiscal import comparison_period

from . import config, drill, loaders, fmt, maps, panels, sdg_view
from .i18n import t
from .kiosk import Slide
from .shell import Context

SOURCE_FIGURES = {
    "padme": ("padme_budget_mb", "padme_disbursed_pct", "padme_gap_pp"),
    "cebrs": ("cebrs_approved_mb", "cebrs_disbursed_pct"),
    "thaiqm": ("thaiqm_n_target", "thaiqm_helped_pct"),
}
MAP_KPI = {"overview": "padme_disbursed_pct", "padme": "padme_gap_pp", "cebrs": "cebrs_disbursed_pct",
           "thaiqm": "thaiqm_helped_pct"}
LAGGING_SHOWN = 7
MAP_FONT_PX = 24
MAP_HEIGHT = 540
WALL_OUTLINE = "#94A3B8"


def slide_title(ctx: Context, slide: Slide, index: pd.DataFrame) -> str:
    """The slide's header, as Markdown (the area's name escaped: it is data)."""
    area = fmt.literal(drill.name(slide.area_for(ctx.viewer), index, ctx.lang), breaks=False)
    what = (t(f"kiosk_slide_{slide.kind}", ctx.lang) if slide.kind in ("overview", "exceptions")
            else t(f"source_{slide.kind}", ctx.lang))
    return f"{what} · {area}"


def render(ctx: Context, slide: Slide, position: int, count: int, interval: float) -> None:
    lang = ctx.lang
    index = loaders.area_index(ctx.url)
    area = slide.area_for(ctx.viewer)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.header(slide_title(ctx, slide, index), anchor=False, width="stretch")
        st.markdown(f"{ctx.period.label(lang)} · {position + 1}/{count} · "
                    f"{t('kiosk_next', lang).format(seconds=f'{interval:g}')}", width="content")
    if slide.kind == "exceptions":
        _exceptions(ctx, area)
    elif slide.kind == "sdg":
        _sdg(ctx, area)
    else:
        _figures(ctx, area, kpis.HEADLINES if slide.kind == "overview" else SOURCE_FIGURES[slide.kind])
        if area.level != "district":
            _map_and_laggards(ctx, area, kpis.KPIS[MAP_KPI[slide.kind]])


def _figures(ctx: Context, area: Area, keys: tuple[str, ...]) -> None:
    """The headline figures, each with its change on the comparison quarter."""
    lang, before = ctx.lang, comparison_period(ctx.period)
    with st.container(horizontal=True, gap="small"):
        for key in keys:
            kpi = kpis.KPIS[key]
            now = loaders.totals(ctx, kpi.source, area, ctx.period)
            then = loaders.totals(ctx, kpi.source, area, before)
            change = kpis.change(now.get(kpi.column), then.get(kpi.column))
            st.metric(t(key, lang), fmt.by_unit(now.get(kpi.column), kpi.unit, lang),
                      None if change is None else round(change, 1), border=True,
                      delta_color="normal" if kpi.higher_is_better else "off",
                      delta_description=f"{t('vs', lang)} {before.label(lang)}")


def _lines(frame: pd.DataFrame, kpi: kpis.Kpi, lang: str) -> str:
    name = "name_th" if lang == "th" else "name_en"
    return "  \n".join(f"{n}. {fmt.literal(row[name])} **{fmt.by_unit(row[kpi.column], kpi.unit, lang)}** "
                       f":red[({row['gap']:+.1f})]" for n, (_, row) in enumerate(frame.iterrows(), start=1))


def _map_and_laggards(ctx: Context, area: Area, kpi: kpis.Kpi) -> None:
    """The KPI's map of the areas one level down beside those furthest below the area's own figure."""
    lang = ctx.lang
    frame = loaders.children(ctx, kpi, area, ctx.period)
    left, right = st.columns([3, 2], gap="medium")
    with left, st.container(border=True):
        # The wall's map: type sized in px for the room, no tap selection, outlines light enough that the
        # darkest areas, the ones furthest behind, still stand out from a dark background.
        spec = maps.figure(frame, kpi, area.child_level, lang,
                           prov_code=area.code if area.child_level == "district" else None, height=MAP_HEIGHT,
                           selectable=False, font_px=MAP_FONT_PX,
                           outline=maps.OUTLINE if st.context.theme.type == "light" else WALL_OUTLINE)
        maps.static(spec, key=f"kiosk-map-{area}-{kpi.key}")
    with right, st.container(border=True, height="stretch"):
        lagging, reference = panels.lagging(ctx, area, kpi, 0.0, LAGGING_SHOWN)
        st.markdown(f"**{t(kpi.key, lang)}**  \n{t('kiosk_lagging', lang)} "
                    f"({fmt.literal(drill.name(area, loaders.area_index(ctx.url), lang))} {fmt.by_unit(reference, kpi.unit, lang)})")
        st.markdown(_lines(lagging, kpi, lang) if len(lagging) else t("kiosk_no_lagging", lang))


def _exceptions(ctx: Context, area: Area) -> None:
    """Every headline KPI's laggards, two a row."""
    lang = ctx.lang
    limit = int(config.load()["exceptions"]["limit"])
    with st.grid(2, gap="medium"):
        for key in kpis.HEADLINES:
            kpi = kpis.KPIS[key]
            with st.container(border=True, height="stretch"):
                if area.level == "district":
                    st.markdown(f"**{t(key, lang)}**  \n{t('kiosk_no_lagging', lang)}")
                    continue
                worse_by, _ = config.exception_rule(key)
                lagging, reference = panels.lagging(ctx, area, kpi, worse_by, limit)
                st.markdown(f"**{t(key, lang)}** · {t('exceptions_rule', lang)} {worse_by:g} "
                            f"({fmt.by_unit(reference, kpi.unit, lang)})")
                st.markdown(_lines(lagging, kpi, lang) if len(lagging) else t("kiosk_no_lagging", lang))


def _sdg(ctx: Context, area: Area) -> None:
    """Goals on track, the count in each rating, then each of the 17 goals with its rating (the
    goals' names are on the SDG page: eighteen tiles of names do not fit a wall's height)."""
    lang = ctx.lang
    year, ratings = loaders.sdg_ratings(ctx, area, ctx.period, "total")
    counts = ratings["rating"].value_counts() if len(ratings) else pd.Series(dtype=int)
    with st.container(horizontal=True, gap="small"):
        st.metric(f"{t('sdg_on_track', lang)} ({year or '—'})",
                  f"{fmt.count(sdg.goals_on_track(ratings) if len(ratings) else None)} / 17", border=True)
        for rating in reversed(sdg.RATINGS):
            st.metric(t(f"rating_{rating}", lang), fmt.count(int(counts.get(rating, 0))), border=True)
    goals = loaders.sdg.reference(ctx.url, ctx.versions)[0]
    rated = dict(zip(ratings["goal"], ratings["rating"])) if len(ratings) else {}
    with st.grid(6, gap="small"):
        for goal in goals.itertuples():
            colour, icon = sdg_view.BADGES.get(rated.get(goal.goal), ("gray", ":material/help:"))
            with st.container(border=True, height="stretch"):  # words wrap here, where a badge cuts them
                st.markdown(f"**SDG {goal.goal}**  \n:{colour}[{icon} {sdg_view.rating_text(rated.get(goal.goal), lang)}]")
