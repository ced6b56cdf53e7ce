"""The reporting KPI in words: the quarter judged and its due date, an area's missing and late reports,
and "who has not reported" for the map's tooltip, the exceptions, the wall and the weekly review.

Figures are the `report_on_time_pct` KPI frames (ui.loaders: `children`, `totals`; metrics.compliance
does the counting); this module only words and orders them. A count is of reports (one per district and
reported source a quarter), formatted by ui.fmt; area names are data, shown through fmt.literal.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.scope import Area
from metrics import compliance, kpis
from metrics.fiscal import FiscalQuarter, thai_date

from . import fmt, loaders
from .i18n import t
from .live import SOURCE_NAMES
from .shell import Context

KPI = kpis.KPIS["report_on_time_pct"]
WEEKLY_LISTED = 5  # areas named per list in the weekly review and its brief; the rest are counted


def judged(ctx: Context) -> FiscalQuarter:
    """The quarter whose reports are judged while the period in view is (the latest one due)."""
    return loaders.compliance.judged_quarter(ctx.period)


def due_line(ctx: Context) -> str:
    """"รายงานไตรมาส 4/2569 ครบกำหนดส่ง 15 ต.ค. 2569": the quarter judged and its due date (each
    source's where the ministry set them apart)."""
    quarter = judged(ctx)
    dues = loaders.compliance.due_dates(quarter)
    if len(set(dues.values())) == 1:
        due = thai_date(next(iter(dues.values())), ctx.lang)
    else:
        due = ", ".join(f"{SOURCE_NAMES[source]} {thai_date(day, ctx.lang)}" for source, day in dues.items())
    return t("compliance_due_line", ctx.lang).format(quarter=quarter.label(ctx.lang), due=due)


def counts(n_missing, n_late, lang: str) -> str:
    """"ขาดส่ง 3, ส่งช้า 2" (the parts that are not 0), "ส่งครบตรงเวลา" when neither; "no data" for none."""
    if n_missing is None or pd.isna(n_missing):
        return t("no_data", lang)
    parts = [t(key, lang).format(n=fmt.count(n)) for key, n in (("compliance_n_missing", n_missing),
                                                                 ("compliance_n_late", n_late))
             if n and not pd.isna(n)]
    return ", ".join(parts) or t("compliance_all_on_time", lang)


def map_detail(frame: pd.DataFrame, lang: str) -> tuple[str, list[str]] | None:
    """The map tooltip's line of each area's missing and late reports (ui.maps.figure `detail`); None
    for a frame of another KPI."""
    if not {"n_missing", "n_late"} <= set(frame.columns):
        return None
    return t("compliance_tooltip", lang), [counts(missing, late, lang)
                                           for missing, late in zip(frame["n_missing"], frame["n_late"])]


def not_reported(ctx: Context, area: Area) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(missing, late): the areas one level down with a report missing, the most first, then those
    only late (metrics.compliance.not_reported), named as the ranking names them."""
    return compliance.not_reported(loaders.children(ctx, KPI, area, ctx.period))


def names(frame: pd.DataFrame, lang: str) -> list[str]:
    return [str(n) for n in frame["name_th" if lang == "th" else "name_en"]]


def entry(name: str, n_missing, n_late, lang: str) -> str:
    """"นครราชสีมา (ขาดส่ง 3, ส่งช้า 1)", the name as data (Markdown-escaped)."""
    return f"{fmt.literal(name, breaks=False)} ({counts(n_missing, n_late, lang)})"


def short_list(frame: pd.DataFrame, lang: str, limit: int = WEEKLY_LISTED) -> str:
    """The first `limit` areas with their counts, comma-separated, and "and N more" (Markdown)."""
    shown = [entry(n, m, late, lang) for n, m, late in
             zip(names(frame, lang)[:limit], frame["n_missing"][:limit], frame["n_late"][:limit])]
    more = len(frame) - len(shown)
    return ", ".join(shown) + (f" {t('compliance_more', lang).format(n=fmt.count(more))}" if more > 0 else "")


def weekly_block(ctx: Context, area: Area) -> None:
    """Under the reporting KPI in the weekly review: the quarter judged and who has not reported, then
    who reported late (a district's own review has nobody under it to name)."""
    lang = ctx.lang
    st.caption(due_line(ctx))
    if area.level == "district":
        return
    missing, late = not_reported(ctx, area)
    children = t(f"kiosk_children_{area.child_level}", lang)
    st.markdown(f"**{t(f'compliance_missing_{area.child_level}', lang)}:** "
                + (short_list(missing, lang) or t("compliance_none_missing", lang).format(children=children))
                + "  \n" f"**{t(f'compliance_late_{area.child_level}', lang)}:** "
                + (short_list(late, lang) or t("compliance_none_late", lang).format(children=children)))


def brief_rows(ctx: Context, area: Area) -> tuple[list[str], list[list[str]]]:
    """The brief's list of who has not reported, then who reported late: (columns, rows of text), every
    figure formatted as on screen; no rows at a district."""
    lang = ctx.lang
    columns = [t("col_area", lang), t("compliance_col_missing", lang), t("compliance_col_late", lang),
               t("report_on_time_pct", lang)]
    if area.level == "district":
        return columns, []
    missing, late = not_reported(ctx, area)
    both = pd.concat([missing, late], ignore_index=True)
    return columns, [[name, fmt.count(m), fmt.count(late_n), fmt.pct(pct, lang=lang)]
                     for name, m, late_n, pct in zip(names(both, lang), both["n_missing"], both["n_late"],
                                                     both["on_time_pct"])]
