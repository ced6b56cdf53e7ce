"""Blocks of the weekly review: each headline KPI's change since a chosen snapshot, its movers and
red turns among the areas one level down, the meeting's note; reports filed on time likewise, with who
has not reported or reported late; the alerts acknowledged this week on each KPI, as notes under it
(and in the brief's notes); new late projects; the brief for the minutes as Excel, PowerPoint and PDF.

"Now" is today's figure (the same cached frame the overview shows); "then" is the snapshot of the
chosen week. Snapshots are taken by the shell on the first view of a week (ui.weekly_data).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import access, clock, snapshots
from data_access.scope import Area
from metrics import kpis, weekly
from metrics.fiscal import BANGKOK, thai_date, thai_time, week_start
from reports import pdf_brief, pptx_brief
from reports.brief import Brief, Headline, KpiMovers, MapLayer, Mover, Table

from . import alerts_view, compliance_view, config, drill, loaders, exports, fmt, geo, panels
from .i18n import t
from .shell import Context

REVIEWED = (*kpis.HEADLINES, "report_on_time_pct")  # the headline figures, then reports filed on time
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def choose_week(ctx: Context) -> dt.date | None:
    """The snapshot to compare with: any week before this one, the latest by default."""
    this_week = week_start(clock.today())
    earlier = [w for w in loaders.weekly.weeks(ctx) if w < this_week]
    if not earlier:
        st.info(t("weekly_none", ctx.lang))
        return None
    return st.selectbox(t("weekly_compare", ctx.lang), earlier, key="weekly_week",
                        format_func=lambda w: thai_date(w, ctx.lang))


def _named(frame: pd.DataFrame, names: pd.DataFrame, lang: str) -> pd.DataFrame:
    name = "name_th" if lang == "th" else "name_en"
    return frame.merge(names[["area_code", name]], on="area_code", how="left").rename(columns={name: "name"})


def kpi_changes(ctx: Context, area: Area, week: dt.date, key: str) -> dict:
    """The KPI's figures now and then for the area and its children (for the page and the brief)."""
    kpi = kpis.KPIS[key]
    own_now = loaders.totals(ctx, kpi.source, area, ctx.period).get(kpi.column)
    then = loaders.weekly.then(ctx, area, week, key)
    own_then = then.loc[then.level == area.level, "value"]
    out = {"kpi": kpi, "now": own_now, "then": None if own_then.empty else own_then.iloc[0],
           "children": pd.DataFrame(columns=["area_code", "value", "previous", "change", "gain", "name"])}
    if area.level == "district":
        return out
    now_children = loaders.children(ctx, kpi, area, ctx.period)
    now_frame = now_children[["area_code", kpi.column]].rename(columns={kpi.column: "value"})
    before = then[then.level == area.child_level]
    names = loaders.child_names(loaders.area_index(ctx.url), area)
    out["children"] = _named(weekly.changes(now_frame, before, kpi), names, ctx.lang)
    out["best"], out["worst"] = (_named(f, names, ctx.lang) for f in weekly.movers(now_frame, before, kpi))
    worse_by, _ = config.exception_rule(key)
    out["worse_by"] = worse_by
    became, left = weekly.red_turns(now_frame, kpis.value_or_none(own_now), before, out["then"], kpi, worse_by)
    label = dict(zip(names["area_code"], names["name_th" if ctx.lang == "th" else "name_en"]))
    out["became_red"], out["left_red"] = sorted(label.get(c, c) for c in became), sorted(label.get(c, c) for c in left)
    return out


def _movers_table(frame: pd.DataFrame, kpi: kpis.Kpi, lang: str) -> None:
    if frame.empty:
        st.caption(t("weekly_no_movers", lang))
        return
    st.dataframe(pd.DataFrame({
        t("col_area", lang): frame["name"],
        t("weekly_col_now", lang): [fmt.by_unit(v, kpi.unit, lang) for v in frame["value"]],
        t("weekly_col_change", lang): [fmt.delta(c, kpi.unit) or t("no_data", lang) for c in frame["change"]],
    }), hide_index=True, width="stretch", placeholder=t("no_data", lang))


def kpi_block(ctx: Context, area: Area, week: dt.date, key: str, notes: pd.DataFrame) -> None:
    lang = ctx.lang
    found = kpi_changes(ctx, area, week, key)
    kpi = found["kpi"]
    with st.container(border=True):
        st.subheader(t(key, lang))
        change = fmt.delta(kpis.change(found["now"], found["then"]), kpi.unit)
        st.metric(t("weekly_col_now", lang), fmt.by_unit(found["now"], kpi.unit, lang), change, border=True,
                  **panels.delta_style(change, kpi.higher_is_better),
                  delta_description=f"{t('vs', lang)} {thai_date(week, lang)}" if change else None)
        if area.level != "district":
            left, right = st.columns(2)
            with left:
                st.markdown(f"**{t('weekly_up', lang)}**")
                _movers_table(found["best"], kpi, lang)
            with right:
                st.markdown(f"**{t('weekly_down', lang)}**")
                _movers_table(found["worst"], kpi, lang)
            st.caption(t("weekly_red_rule", lang).format(
                points=f"{found['worse_by']:g}", ref=panels.reference_name(area, loaders.area_index(ctx.url), lang)))
            st.markdown(f"**{t('weekly_became_red', lang)}:** " + (", ".join(map(fmt.literal, found["became_red"])) or t("weekly_brief_none", lang))
                        + "  \n" f"**{t('weekly_left_red', lang)}:** " + (", ".join(map(fmt.literal, found["left_red"])) or t("weekly_brief_none", lang)))
        if kpi.source == kpis.REPORTING:  # who has not reported, who reported late
            compliance_view.weekly_block(ctx, area)
        note_block(ctx, area, key, week, notes)


def note_block(ctx: Context, area: Area, key: str, week: dt.date, notes: pd.DataFrame) -> None:
    lang = ctx.lang
    this_week = week_start(clock.today())
    if earlier := note_of(notes, key, week):
        st.caption(f"{t('weekly_note_before', lang)} {thai_date(week, lang)}: {fmt.literal(earlier)}")
    for line in acknowledged(ctx, area, key):  # alerts on this KPI seen this week, here or inside the area
        st.caption(fmt.literal(line))
    field = f"note-{area.level}-{area.code or 'TH'}-{key}"
    if not access.allowed(ctx.viewer, "write_note", area):  # read the minutes, write none (docs/ACCESS.md)
        if current := note_of(notes, key, this_week):
            st.caption(f"{t('weekly_note', lang)}: {fmt.literal(current)}")
        return
    st.text_area(t("weekly_note", lang), value=note_of(notes, key, this_week), key=field,
                 height=80)
    if st.button(t("weekly_note_save", lang), key=f"save-{field}"):
        snapshots.write_note(loaders.engine(ctx.url), ctx.viewer, area, this_week, key, st.session_state[field])
        st.toast(t("weekly_note_saved", lang))


def acknowledgements(ctx: Context, area: Area) -> pd.DataFrame:
    """The alerts acknowledged this week (Monday 00:00 Bangkok to the next) about the area or an area
    inside it (data_access.notify.acknowledgements; not cached: acknowledged during the meeting)."""
    this_week = week_start(clock.today())
    # Monday 00:00 in Bangkok, as the naive UTC the database keeps
    since = dt.datetime.combine(this_week, dt.time(), BANGKOK).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return loaders.alerts.acknowledgements(ctx, area, since, since + dt.timedelta(days=7))


def acknowledged(ctx: Context, area: Area, key: str, found: pd.DataFrame | None = None) -> list[str]:
    """One plain line per acknowledgement on the KPI: "✓ <area> · acknowledged by <who> <when>: <note>"
    (names and notes are data: the caller shows them literally)."""
    lang = ctx.lang
    found = acknowledgements(ctx, area) if found is None else found
    rows = found[found["kpi"] == key] if len(found) else found
    if rows.empty:
        return []
    index = loaders.area_index(ctx.url)
    lines = []
    for row in rows.itertuples():
        place = alerts_view.area_name(row.area_level, row.area_code, index, lang)
        line = f"✓ {place} · " + t("alerts_ack_line", lang).format(
            who=row.acknowledged_by, when=alerts_view.when(row.acknowledged_at, lang))
        if isinstance(row.ack_note, str) and row.ack_note.strip():
            line += f": {row.ack_note.strip()}"
        lines.append(line)
    return lines


def note_of(notes: pd.DataFrame, key: str, week: dt.date) -> str:
    """The KPI's note of that week ("" when none) from `notes_for`'s frame."""
    found = notes[(notes.kpi == key) & (pd.to_datetime(notes.week_start).dt.date == week)]
    return found.iloc[0].note if not found.empty else ""


def notes_for(ctx: Context, area: Area, week: dt.date) -> pd.DataFrame:
    """Notes of this week and of the week compared with (not cached: people write them during the meeting)."""
    return loaders.weekly.notes(ctx, area, [week, week_start(clock.today())])


def new_late(ctx: Context, area: Area, week: dt.date) -> pd.DataFrame:
    """The projects late this week that were not late in `week`: project, area, status (as shown)."""
    lang = ctx.lang
    this_week = week_start(clock.today())
    fresh = weekly.new_late(loaders.weekly.late(ctx, area, this_week), loaders.weekly.late(ctx, area, week))
    index = loaders.area_index(ctx.url).set_index("dist_code")
    name = "display_th" if lang == "th" else "display_en"  # as every page names a district
    return pd.DataFrame({
        t("col_project", lang): fresh["project_id"],
        t("col_area", lang): [index[name].get(d, d) for d in fresh["dist_code"]],
        t("col_status", lang): [t(f"padme_status_{s}", lang) for s in fresh["status"]],
    })


def new_late_block(ctx: Context, area: Area, week: dt.date) -> pd.DataFrame:
    lang = ctx.lang
    shown = new_late(ctx, area, week)
    with st.container(border=True):
        st.subheader(t("weekly_new_late", lang))
        if shown.empty:
            st.caption(t("weekly_no_new_late", lang))
        else:
            st.dataframe(shown, hide_index=True, width="stretch", placeholder=t("no_data", lang))
    return shown


def brief_of(ctx: Context, area: Area, week: dt.date, late: pd.DataFrame, notes: pd.DataFrame) -> Brief:
    """The brief as plain data for the PowerPoint and PDF writers (reports/): every figure formatted
    here exactly as the page shows it, every heading in the viewer's language."""
    lang = ctx.lang
    this_week = week_start(clock.today())
    index = loaders.area_index(ctx.url)
    headlines, movers, layer = [], [], None
    seen = acknowledgements(ctx, area)
    for key in REVIEWED:
        found = kpi_changes(ctx, area, week, key)
        kpi = found["kpi"]
        change = kpis.change(found["now"], found["then"])
        note = "\n".join(part for part in (note_of(notes, key, this_week), *acknowledged(ctx, area, key, seen)) if part)
        headlines.append(Headline(t(key, lang), fmt.by_unit(found["now"], kpi.unit, lang),
                                  fmt.by_unit(found["then"], kpi.unit, lang),
                                  fmt.delta(change, kpi.unit) or t("no_data", lang), note))
        if area.level == "district":
            continue
        movers.append(KpiMovers(
            t(key, lang), *([Mover(r.name, fmt.by_unit(r.value, kpi.unit, lang), float(r.change),
                                   fmt.delta(r.change, kpi.unit))
                             for r in found[side].itertuples()] for side in ("best", "worst")),
            found["became_red"], found["left_red"]))
        if layer is None:
            children = found["children"]
            map_of = area.child_level
            layer = MapLayer(geo.geometry_path(map_of, area.code if map_of == "district" else None),
                             "prov_code" if map_of == "province" else "dist_code",
                             {c: kpis.value_or_none(v) for c, v in zip(children["area_code"], children["value"])},
                             f"{t(key, lang)} · {ctx.period.label(lang)}", bool(kpi.higher_is_better))
    columns, rows = compliance_view.brief_rows(ctx, area)
    place = drill.name(area, index, lang)
    made = clock.utcnow()
    return Brief(
        title=f"{t('weekly_brief_title', lang)} · {place}",
        subtitle=f"{ctx.period.label(lang)} · {t('vs', lang)} {thai_date(week, lang)}",
        generated=f"{t('weekly_brief_made', lang)} {thai_time(made, lang)} · {t('weekly_brief_by', lang)} {ctx.viewer.name}",
        headings={"headlines": t("weekly_brief_headlines", lang), "map": t("weekly_brief_map", lang),
                  "movers_up": t("weekly_up", lang), "movers_down": t("weekly_down", lang),
                  "became_red": t("weekly_became_red", lang), "left_red": t("weekly_left_red", lang),
                  "late": t("weekly_new_late", lang), "notes": t("weekly_brief_notes", lang),
                  "now": t("weekly_col_now", lang), "then": t("weekly_col_then", lang),
                  "change": t("weekly_col_change", lang), "none": t("weekly_brief_none", lang),
                  "more": t("weekly_brief_more", lang),
                  "reporting": f"{t('compliance_weekly', lang)} · {compliance_view.due_line(ctx)}"},
        headlines=headlines, movers=movers,
        late=Table([str(c) for c in late.columns], late.astype(str).values.tolist()),
        reporting=Table(columns, rows) if area.level != "district" else None,
        map=layer,
        footnote=((t("demo_banner", lang) + " · ") if ctx.demo else "") + t("attribution", lang))


def brief_sheets(ctx: Context, area: Area, week: dt.date, late: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The brief as Excel sheets: a sheet per source with every area's now, then and change, who has not
    reported, the new late projects (numbers stay numbers: `brief_units` gives their formats)."""
    lang = ctx.lang
    out: dict[str, list[pd.DataFrame]] = {}
    for key in REVIEWED:
        found = kpi_changes(ctx, area, week, key)
        kpi = found["kpi"]
        rows = pd.DataFrame({t("col_area", lang): [t("this_area", lang)], t("weekly_col_now", lang): [found["now"]],
                             t("weekly_col_then", lang): [found["then"]]})
        children = found["children"]
        if len(children):
            rows = pd.concat([rows, pd.DataFrame({t("col_area", lang): children["name"],
                                                  t("weekly_col_now", lang): children["value"],
                                                  t("weekly_col_then", lang): children["previous"]})])
        rows[t("weekly_col_change", lang)] = rows[t("weekly_col_now", lang)] - rows[t("weekly_col_then", lang)]
        out.setdefault(kpi.source.upper(), []).append(rows.assign(**{"KPI": t(key, lang)}))
    frames = {name: pd.concat(parts, ignore_index=True) for name, parts in out.items()}
    if area.level != "district":  # who has not reported, then who reported late
        missing, behind = compliance_view.not_reported(ctx, area)
        both = pd.concat([missing, behind], ignore_index=True)
        frames[t("compliance_sheet", lang)] = pd.DataFrame({
            t("col_area", lang): compliance_view.names(both, lang),
            t("compliance_col_missing", lang): both["n_missing"], t("compliance_col_late", lang): both["n_late"],
            t("report_on_time_pct", lang): both["on_time_pct"]})
    frames[t("weekly_sheet_late", lang)] = late  # a sheet's title: short enough for Excel's 31
    return frames


def brief_units(lang: str) -> dict[str, str]:
    """The Excel number format of each column of `brief_sheets` (ui.exports.NUMBER_FORMATS names)."""
    return {t("weekly_col_now", lang): "value1", t("weekly_col_then", lang): "value1",
            t("weekly_col_change", lang): "d_pp",  # the reviewed KPIs are rates and gaps, in points
            t("compliance_col_missing", lang): "count", t("compliance_col_late", lang): "count",
            t("report_on_time_pct", lang): "value1"}


def briefs(ctx: Context, area: Area, week: dt.date, late: pd.DataFrame, notes: pd.DataFrame) -> None:
    """The weekly brief for the minutes as Excel (a sheet per source with every area's now, then and
    change, the new late projects; formula-like cells escaped by ui.exports), PowerPoint and PDF
    (title, headline KPIs, the map, movers, late projects, notes). Each file is made on its click."""
    lang = ctx.lang
    if not access.allowed(ctx.viewer, "export", area):
        return

    name = f"weekly-{area.level}-{area.code or 'TH'}-{week.isoformat()}"
    audit = {"on_click": exports.record, "args": (ctx.url, ctx.viewer, area, name, 0), "type": "secondary"}
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("weekly_export", lang),
                           lambda: exports.to_xlsx(brief_sheets(ctx, area, week, late), brief_units(lang)), f"{name}.xlsx",
                           exports.XLSX_MIME, key="weekly-brief", **audit)
        st.download_button(t("weekly_export_pptx", lang), lambda: pptx_brief.build(brief_of(ctx, area, week, late, notes)),
                           f"{name}.pptx", PPTX_MIME, key="weekly-brief-pptx", **audit)
        st.download_button(t("weekly_export_pdf", lang), lambda: pdf_brief.build(brief_of(ctx, area, week, late, notes)),
                           f"{name}.pdf", "application/pdf", key="weekly-brief-pdf", **audit)
