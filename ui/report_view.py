"""The report page's blocks: the reporting calendar of one's own districts, and the three forms (a
PADME project's quarterly report, ThaiQM case progress, a CEBRS project's status) and the upload.

Every form writes through data_access.fieldreports with the revision each record had when the form
first showed it (kept in the session until the record is saved), so a record someone changed in the
meantime is refused with both versions side by side, and what the person typed stays in the form.
Text from the data is shown literally (fmt.literal); figures through ui.fmt.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from data_access import access, clock, fieldreports as fr, imports
from data_access import schema as s
from data_access.scope import Area, NotPermitted
from metrics import compliance as mc
from metrics.fiscal import FiscalQuarter, thai_date, thai_time
from metrics.kpis import BAHT_PER_MB

from . import drill, fmt, import_view, loaders, reasons, tables
from .i18n import t
from .loaders import compliance as compliance_loader
from .loaders import report as report_loader
from .shell import Context

SOURCE_NAMES = {"padme": "PADME", "thaiqm": "ThaiQM", "cebrs": "CEBRS"}


# --- who and where ---------------------------------------------------------------------------------
def home(ctx: Context) -> Area:
    """The area the viewer reports for; a viewer who reports nowhere gets the page's refusal."""
    viewer = ctx.viewer
    if viewer.role not in ("governor", "district_officer") or not access.allowed(viewer, "report", viewer.home):
        raise NotPermitted(f"{viewer.name} reports for no area", page=True)
    return viewer.home


def intro(ctx: Context, area: Area) -> None:
    index = loaders.area_index(ctx.url)
    st.title(t("report_title", ctx.lang).format(area=fmt.literal(drill.name(area, index, ctx.lang), breaks=False)))
    st.caption(t("report_intro", ctx.lang))
    if ctx.demo:
        st.info(t("report_demo_note", ctx.lang), icon=":material/science:")


def _districts(ctx: Context, area: Area) -> pd.DataFrame:
    """area_code, name_th, name_en of the districts the viewer reports for."""
    if area.level == "district":
        index = loaders.area_index(ctx.url)
        return pd.DataFrame({"area_code": [area.code], "name_th": [drill.name(area, index, "th")],
                             "name_en": [drill.name(area, index, "en")]})
    return loaders.child_names(loaders.area_index(ctx.url), area)


def _district_picker(ctx: Context, area: Area, key: str) -> str:
    districts = _districts(ctx, area)
    codes = districts["area_code"].tolist()
    if len(codes) == 1:
        return codes[0]
    names = dict(zip(codes, districts[f"name_{ctx.lang}"]))
    return st.selectbox(t("report_pick_district", ctx.lang), codes, key=key, format_func=names.get, width=320)


def _when(moment, lang: str) -> str:
    if moment is None or pd.isna(moment):
        return fmt.DASH
    return thai_time(pd.Timestamp(moment).to_pydatetime(), lang)


def _day(value, lang: str) -> str:
    if value is None or pd.isna(value):
        return fmt.DASH
    return thai_date(pd.Timestamp(value).date(), lang)


# --- the reporting calendar ------------------------------------------------------------------------
def calendar(ctx: Context, area: Area) -> None:
    """The reporting calendar of the viewer's districts: the quarter in view (being reported now) or
    the latest quarter whose reports were due; its due date, the counts, and each district's status
    per source, the districts with a missing or late report first."""
    lang, period, today = ctx.lang, ctx.period, clock.today()
    latest = compliance_loader.judged_quarter(period, today)
    with st.container(border=True, key="report-calendar"):
        quarter = period
        if latest != period:  # options by name: a FiscalQuarter is a tuple, which Streamlit reads as a list
            shown = {"now": period, "due": latest}
            pick = st.segmented_control(t("report_calendar_pick", lang), list(shown), default="now",
                                        key="report_calendar_quarter",
                                        format_func=lambda k: t(f"report_quarter_{k}", lang)
                                        .format(quarter=shown[k].label(lang)))
            quarter = shown.get(pick or "now")
        st.subheader(t("report_calendar", lang).format(quarter=quarter.label(lang)))
        st.markdown(_due_line(compliance_loader.due_dates(quarter), today, lang))
        judged = compliance_loader.judged(ctx, area, quarter)
        counts = judged["status"].value_counts()
        st.markdown(" · ".join(f"{t('report_status_' + k, lang)} **{int(counts.get(k, 0)):,}**"
                               for k in ("missing", "late", "open", "on_time")))
        districts = _districts(ctx, area)
        table = districts[["area_code", f"name_{lang}"]].rename(columns={f"name_{lang}": t("report_col_district", lang)})
        worst = judged.groupby("dist_code")["status"].agg(mc.worst_status) if len(judged) else pd.Series(dtype=object)
        for source in mc.REPORTED_SOURCES:
            rows = judged[judged["source"] == source].set_index("dist_code")
            table[SOURCE_NAMES[source]] = [_status_cell(rows, code, lang) for code in districts["area_code"]]
        order = [-mc.SEVERITY.index(worst.get(code, "none")) for code in table["area_code"]]
        table = table.assign(_order=order).sort_values(["_order", "area_code"], kind="stable")
        st.dataframe(table.drop(columns=["area_code", "_order"]), hide_index=True, width="stretch",
                     placeholder=t("no_data", lang), height="content" if len(table) <= 10 else 400)


def _due_line(due: dict[str, dt.date], today: dt.date, lang: str) -> str:
    """"ครบกำหนดส่ง 15 ม.ค. 2570 (อีก 40 วัน)", one line per source only when their dates differ."""
    def when(day: dt.date) -> str:
        left = (day - today).days
        note = (t("report_days_left", lang).format(n=left) if left > 0 else t("report_due_today", lang)
                if left == 0 else t("report_days_over", lang).format(n=-left))
        return f"{thai_date(day, lang)} ({note})"
    if len(set(due.values())) == 1:
        return t("report_due_all", lang).format(due=when(next(iter(due.values()))))
    return "  \n".join(t("report_due_line", lang).format(source=SOURCE_NAMES[source], due=when(day))
                       for source, day in due.items())


def _short_date(day: dt.date, lang: str) -> str:
    """"14 พ.ย." / "14 Nov": the quarter says the year."""
    return " ".join(thai_date(day, lang).split()[:2])


def _status_cell(rows: pd.DataFrame, code: str, lang: str) -> str:
    if code not in rows.index:
        return t("report_status_none", lang)
    row = rows.loc[code]
    text = t("report_status_" + row.status, lang)
    if row.status in ("on_time", "late") and row.filed_on is not None and not pd.isna(row.filed_on):
        text += " " + _short_date(row.filed_on, lang)
    return text


# --- outcomes shared by the forms ---------------------------------------------------------------------
def _opened(kind: str) -> dict:
    """The revision each record had when this session's form first showed it, by record key."""
    return st.session_state.setdefault(f"report_opened_{kind}", {})


def _label(field: str, lang: str) -> str:
    return t(f"report_field_{field}", lang)


def _file(ctx: Context, kind: str, edits: list[fr.Edit]) -> bool:
    """File the edits and say how it went; True when saved."""
    lang = ctx.lang
    try:
        receipt = fr.file(loaders.engine(ctx.url), ctx.viewer, kind, edits, ctx.period)
    except fr.Refused as refused:
        st.error(t("report_refused", lang).format(n=len(refused.problems)))
        st.dataframe(pd.DataFrame({
            t("report_col_record", lang): [key for key, _ in refused.problems],
            t("report_col_field", lang): [_label(p.column, lang) if p.column in _FIELDS else p.column
                                          for _, p in refused.problems],
            t("report_col_value", lang): [p.value for _, p in refused.problems],
            t("report_col_reason", lang): [reasons.reason(p.reason, lang) for _, p in refused.problems],
        }), hide_index=True, width="stretch", placeholder=t("no_data", lang))
        return False
    except fr.Conflict as conflict:
        st.session_state[f"report_conflict_{kind}"] = conflict.changed
        return False
    opened = _opened(kind)
    for edit in edits:
        opened.pop(_key(edit.key), None)  # the next form shows the saved revision
    st.session_state.pop(f"report_conflict_{kind}", None)
    st.success(t("report_saved", lang).format(n=receipt.records) if receipt.changed
               else t("report_unchanged", lang), icon=":material/check_circle:")
    return True


_FIELDS = {field for fields in fr.EDITABLE.values() for field in fields}


def _key(key: tuple) -> str:
    return " / ".join(str(part) for part in key)


def conflict_block(ctx: Context, kind: str, on_keep) -> None:
    """Both versions of each record someone else changed: the person's own entries and the saved ones,
    with who saved them and when; then "save mine over it" or "open the saved version"."""
    changed = st.session_state.get(f"report_conflict_{kind}")
    if not changed:
        return
    lang = ctx.lang
    st.warning(t("report_conflict", lang).format(n=len(changed)), icon=":material/sync_problem:")
    for item in changed:
        theirs = item.theirs or {}
        st.caption(fmt.literal(item.key, breaks=False) + " · " + t("report_conflict_by", lang).format(
            who=fmt.literal(item.by, breaks=False), when=_when(item.at, lang)))
        fields = list(item.mine)
        st.dataframe(pd.DataFrame({
            t("report_col_field", lang): [_label(f, lang) for f in fields],
            t("report_col_mine", lang): [_show(item.mine.get(f), lang) for f in fields],
            t("report_col_theirs", lang): [_show(theirs.get(f), lang) for f in fields],
        }), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    with st.container(horizontal=True, gap="small"):
        if st.button(t("report_keep_mine", lang), key=f"report_keep_{kind}", type="primary"):
            opened = _opened(kind)
            for item in changed:
                opened[item.key] = (item.theirs or {}).get("revision")
            st.session_state.pop(f"report_conflict_{kind}", None)
            on_keep()
        if st.button(t("report_take_theirs", lang), key=f"report_theirs_{kind}"):
            opened = _opened(kind)
            for item in changed:
                opened.pop(item.key, None)
            st.session_state.pop(f"report_conflict_{kind}", None)
            for name in [k for k in st.session_state if str(k).startswith(f"rf_{kind}_")]:
                del st.session_state[name]  # the form shows the saved values again
            st.rerun()


def _show(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return fmt.DASH
    if isinstance(value, (dt.date, dt.datetime)):
        return thai_date(value if not isinstance(value, dt.datetime) else value.date(), lang)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def history_block(ctx: Context, area: Area, source: str, record_key: str) -> None:
    lang = ctx.lang
    with st.expander(t("report_history", lang), icon=":material/history:"):
        changes = report_loader.history(ctx, area, source, record_key)
        if changes.empty:
            st.caption(t("report_history_none", lang))
            return
        st.dataframe(pd.DataFrame({
            t("report_col_when", lang): [_when(v, lang) for v in changes["at"]],
            t("report_col_who", lang): changes["actor"],
            t("report_col_via", lang): [t(f"report_via_{v}", lang) for v in changes["via"]],
            t("report_col_field", lang): [_label(f, lang) if f in _FIELDS else f for f in changes["field"]],
            t("report_col_old", lang): [_show(v, lang) for v in changes["old"]],
            t("report_col_new", lang): [_show(v, lang) for v in changes["new"]],
        }), hide_index=True, width="stretch", placeholder=t("no_data", lang))


# --- PADME ------------------------------------------------------------------------------------------
def padme_block(ctx: Context, area: Area) -> None:
    lang, period = ctx.lang, ctx.period
    projects = report_loader.padme_projects(ctx, area, period)
    if projects.empty:
        st.info(t("report_no_projects", lang))
        return
    filed = dict(zip(projects["project_id"], projects["reported_at"].notna()))
    names = dict(zip(projects["project_id"], projects["name"]))
    pid = st.selectbox(t("report_pick_project", lang), projects["project_id"].tolist(), key="report_padme_project",
                       format_func=lambda p: f"{'✓' if filed[p] else '○'} {p} · {names[p]} · "
                                             f"{t('report_project_filed' if filed[p] else 'report_project_unfiled', lang)}")
    project, current, previous = report_loader.padme_quarter(ctx, area, pid, period.quarter)
    key = (pid, period.quarter)
    opened = _opened("padme_reports")
    opened.setdefault(_key(key), None if current is None else int(current["revision"]))
    with st.grid(2, min_column_width=360, gap="medium"):
        with st.container(border=True):
            _project_card(project, previous, period, lang)
        with st.container(border=True):
            _padme_form(ctx, key, current, previous)
    conflict_block(ctx, "padme_reports", lambda: _padme_submit(ctx, key))
    history_block(ctx, area, "padme", _key(key))


def _project_card(project: dict, previous: dict | None, period: FiscalQuarter, lang: str) -> None:
    st.markdown(f"**{t('report_project_card', lang)}**")
    lines = [
        (t("report_agency", lang), fmt.literal(project["agency"])),
        (t("report_pick_project", lang), fmt.literal(f"{project['project_id']} · {project['name']}")),
        (t("report_indicator", lang), fmt.literal(project["indicator"])),
        (t("report_indicator_target", lang), f"{project['indicator_target']:,.2f} {fmt.literal(project['indicator_unit'])}"),
        (t("report_budget", lang), fmt.mb(project["budget_baht"] / BAHT_PER_MB, lang)),
        (t("report_period", lang), f"{period.label(lang)} ({thai_date(period.start, lang)} – {thai_date(period.end, lang)})"),
    ]
    st.markdown("  \n".join(f"{label}: {value}" for label, value in lines))
    if previous is None:
        st.caption(t("report_previous_none", lang))
        return
    st.markdown(f"**{t('report_previous', lang).format(quarter=FiscalQuarter(period.year, int(previous['quarter'])).label(lang))}**")
    st.markdown("  \n".join([
        f"{_label('result_text', lang)}: {fmt.literal(previous['result_text'])}",
        f"{_label('indicator_result', lang)}: {fmt.decimal(previous['indicator_result'], lang=lang)}",
        *(f"{t('report_money_' + field, lang)}: {fmt.mb(previous[field] / BAHT_PER_MB, lang)}"
          for field in ("disb_target_baht", "disb_actual_baht", "committed_baht")),
        f"{_label('status', lang)}: {t('padme_status_' + previous['status'], lang)}",
        f"{_label('problems', lang)}: {fmt.literal(previous['problems']) or fmt.DASH}",
    ]))


def _padme_form(ctx: Context, key: tuple, current: dict | None, previous: dict | None) -> None:
    lang = ctx.lang
    base = current or previous or {}
    prefix = f"rf_padme_reports_{key[0]}_{key[1]}"
    with st.form(prefix, border=False, enter_to_submit=False):
        st.markdown(f"**{t('report_form_padme', lang).format(quarter=FiscalQuarter(ctx.period.year, key[1]).label(lang))}**")
        st.caption(t("report_filed_first", lang).format(when=_when(current["reported_at"], lang),
                                                        revision=int(current["revision"]))
                   if current is not None else t("report_new", lang))
        st.text_area(_label("result_text", lang), value=base.get("result_text", "") if current else "",
                     key=f"{prefix}_result_text", height=140)
        st.number_input(_label("indicator_result", lang), value=_number(base.get("indicator_result")),
                        key=f"{prefix}_indicator_result", format="%.2f")
        for field in ("disb_target_baht", "disb_actual_baht", "committed_baht"):
            st.number_input(_label(field, lang), min_value=0, step=1000, value=int(base.get(field) or 0),
                            key=f"{prefix}_{field}", format="%d")
        st.selectbox(_label("status", lang), s.PADME_STATUSES, key=f"{prefix}_status",
                     index=s.PADME_STATUSES.index(base.get("status") or "on_track"),
                     format_func=lambda v: t(f"padme_status_{v}", lang))
        st.text_area(_label("problems", lang), value=(base.get("problems") or "") if current else "",
                     key=f"{prefix}_problems", height=90)
        if st.form_submit_button(t("report_save", lang), type="primary", icon=":material/save:"):
            _padme_submit(ctx, key)


def _number(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def _padme_submit(ctx: Context, key: tuple) -> None:
    prefix = f"rf_padme_reports_{key[0]}_{key[1]}"
    values = {field: st.session_state.get(f"{prefix}_{field}") for field in fr.EDITABLE["padme_reports"]}
    revision = _opened("padme_reports").get(_key(key))
    _file(ctx, "padme_reports", [fr.Edit(key, revision, values)])


# --- ThaiQM ------------------------------------------------------------------------------------------
PROGRESS = ("in_progress", "helped", "self_resolved")


def thaiqm_block(ctx: Context, area: Area) -> None:
    lang, period = ctx.lang, ctx.period
    dist = _district_picker(ctx, area, "report_thaiqm_district")
    subs = report_loader.subdistricts(ctx, dist)
    sub_names = dict(zip(subs["subdist_code"], subs[f"name_{lang}"]))
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        # "all" as an option of its own: a None option reads as "nothing chosen" (a placeholder)
        subdist = st.selectbox(t("report_filter_subdistrict", lang), ("all", *sub_names), key=f"report_tq_sub_{dist}",
                               format_func=lambda v: t("report_filter_all", lang) if v == "all" else sub_names[v],
                               width=240)
        status = st.segmented_control(t("report_filter_status", lang), ("target", "in_progress"), key="report_tq_status",
                                      default="target", format_func=lambda v: t(f"thaiqm_stage_{v}", lang))
        dimension = st.selectbox(t("report_filter_dimension", lang), ("all", *s.THAIQM_DIMENSIONS), key="report_tq_dim",
                                 format_func=lambda v: t("report_filter_all", lang) if v == "all" else t(f"dim_{v}", lang),
                                 width=240)
    limit = 500
    cases = report_loader.thaiqm_cases(ctx, dist, period.year, (status or "target",),
                                       None if subdist == "all" else subdist, None if dimension == "all" else dimension,
                                       limit)
    opened = _opened("thaiqm")
    for hid, revision in zip(cases["household_id"], cases["revision"]):
        opened.setdefault(str(int(hid)), int(revision))
    st.caption(t("report_cases_capped", lang).format(n=limit) if len(cases) >= limit
               else t("report_cases", lang).format(n=f"{len(cases):,}"))
    shown = pd.DataFrame({
        t("report_col_household", lang): cases["household_id"].astype("int64").astype(str),
        t("report_filter_subdistrict", lang): cases[f"subdist_name_{lang}"],
        t("report_col_problems", lang): [", ".join(t(f"dim_{d}", lang) for d in s.THAIQM_DIMENSIONS if row[f"p_{d}"])
                                         for _, row in cases.iterrows()],
        t("report_field_status", lang): [t(f"thaiqm_stage_{v}", lang) for v in cases["status"]],
        t("report_field_started_on", lang): [_day(v, lang) for v in cases["started_on"]],
    })
    picked = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="multi-row",
                          key=f"report_tq_table_{dist}_{subdist}_{status}_{dimension}", placeholder=t("no_data", lang),
                          height="content" if len(cases) <= 10 else 400)
    rows = list(picked.selection.rows) if picked is not None else []
    chosen = cases.iloc[rows] if rows else cases.iloc[0:0]
    _thaiqm_form(ctx, chosen)
    conflict_block(ctx, "thaiqm", lambda: _thaiqm_submit(ctx, chosen))
    if len(chosen) == 1:
        history_block(ctx, Area("district", dist), "thaiqm", str(int(chosen["household_id"].iloc[0])))
    _confirm(ctx, "thaiqm", dist)


def _thaiqm_form(ctx: Context, chosen: pd.DataFrame) -> None:
    lang = ctx.lang
    prefix = "rf_thaiqm_action"
    with st.form(prefix, enter_to_submit=False):
        st.markdown(f"**{t('report_selected', lang).format(n=len(chosen))}**")
        st.segmented_control(t("report_new_status", lang), PROGRESS, key=f"{prefix}_status", default="in_progress",
                             format_func=lambda v: t(f"thaiqm_stage_{v}", lang))
        st.date_input(t("report_on_date", lang), value=clock.today(), max_value=clock.today(), key=f"{prefix}_on",
                      format="DD/MM/YYYY", width=220)
        st.text_input(_label("help_given", lang), key=f"{prefix}_help", max_chars=500)
        if chosen.empty:
            st.caption(t("report_select_first", lang))
        if st.form_submit_button(t("report_apply", lang).format(n=len(chosen)), type="primary",
                                 icon=":material/save:", disabled=chosen.empty):
            _thaiqm_submit(ctx, chosen)


def _thaiqm_submit(ctx: Context, chosen: pd.DataFrame) -> None:
    prefix = "rf_thaiqm_action"
    status = st.session_state.get(f"{prefix}_status") or "in_progress"
    on = st.session_state.get(f"{prefix}_on") or clock.today()
    help_given = (st.session_state.get(f"{prefix}_help") or "").strip()
    opened = _opened("thaiqm")
    edits = []
    for row in chosen.itertuples(index=False):
        values: dict = {"status": status}
        started = None if row.started_on is None or pd.isna(row.started_on) else pd.Timestamp(row.started_on).date()
        if status == "in_progress":
            values.update(started_on=started or on, resolved_on=None)
        else:
            values.update(started_on=started or on, resolved_on=on)
        if status == "helped" and help_given:
            values["help_given"] = help_given
        hid = int(row.household_id)
        edits.append(fr.Edit((hid,), opened.get(str(hid), int(row.revision)), values))
    _file(ctx, "thaiqm", edits)


def _confirm(ctx: Context, source: str, dist: str) -> None:
    lang = ctx.lang
    label = t("report_confirm", lang).format(source=SOURCE_NAMES[source], quarter=ctx.period.label(lang))
    if st.button(label, key=f"report_confirm_{source}", icon=":material/task_alt:"):
        fr.confirm(loaders.engine(ctx.url), ctx.viewer, source, dist, ctx.period)
        st.success(t("report_confirmed", lang), icon=":material/check_circle:")


# --- CEBRS -------------------------------------------------------------------------------------------
def cebrs_block(ctx: Context, area: Area) -> None:
    lang, period = ctx.lang, ctx.period
    dist = _district_picker(ctx, area, "report_cebrs_district")
    projects = report_loader.cebrs_projects(ctx, Area("district", dist), period.year)
    if projects.empty:
        st.info(t("report_no_cebrs", lang))
        _confirm(ctx, "cebrs", dist)
        return
    titles = dict(zip(projects["project_id"], projects["title"]))
    states = dict(zip(projects["project_id"], projects["status"]))
    pid = st.selectbox(t("report_pick_project", lang), projects["project_id"].tolist(), key=f"report_cebrs_project_{dist}",
                       format_func=lambda p: f"{p} · {titles[p]} · {t('cebrs_status_' + states[p], lang)}")
    row = projects.set_index("project_id").loc[pid]
    opened = _opened("cebrs")
    opened.setdefault(pid, int(row["revision"]))
    with st.grid(2, min_column_width=360, gap="medium"):
        with st.container(border=True):
            st.markdown(f"**{t('report_project_card', lang)}**")
            st.markdown("  \n".join([
                fmt.literal(f"{pid} · {row['title']}"),
                f"{t('report_category', lang)}: {t('cebrs_cat_' + row['category'], lang)}",
                f"{t('report_filter_subdistrict', lang)}: {fmt.literal(row[f'subdist_name_{lang}'])}",
                f"{t('report_approved', lang)}: {fmt.mb(row['approved_baht'] / BAHT_PER_MB, lang)} · "
                f"{_day(row['approved_on'], lang)}",
            ]))
        with st.container(border=True):
            _cebrs_form(ctx, pid, row)
    conflict_block(ctx, "cebrs", lambda: _cebrs_submit(ctx, pid))
    history_block(ctx, Area("district", dist), "cebrs", pid)
    _confirm(ctx, "cebrs", dist)


def _date_or_none(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _cebrs_form(ctx: Context, pid: str, row: pd.Series) -> None:
    lang = ctx.lang
    prefix = f"rf_cebrs_{pid}"
    with st.form(prefix, border=False, enter_to_submit=False):
        st.selectbox(_label("status", lang), s.CEBRS_STATUSES, index=s.CEBRS_STATUSES.index(row["status"]),
                     key=f"{prefix}_status", format_func=lambda v: t(f"cebrs_status_{v}", lang))
        st.number_input(_label("disbursed_baht", lang), min_value=0, step=1000, value=int(row["disbursed_baht"]),
                        key=f"{prefix}_disbursed_baht", format="%d")
        for field in ("disbursed_on", "completed_on"):
            st.date_input(_label(field, lang), value=_date_or_none(row[field]), key=f"{prefix}_{field}",
                          max_value=clock.today(), format="DD/MM/YYYY")
        for field in ("beneficiary_households", "beneficiary_people"):
            st.number_input(_label(field, lang), min_value=0, step=1, value=int(row[field]), key=f"{prefix}_{field}",
                            format="%d")
        if st.form_submit_button(t("report_save", lang), type="primary", icon=":material/save:"):
            _cebrs_submit(ctx, pid)


def _cebrs_submit(ctx: Context, pid: str) -> None:
    prefix = f"rf_cebrs_{pid}"
    values = {field: st.session_state.get(f"{prefix}_{field}") for field in fr.EDITABLE["cebrs"]}
    _file(ctx, "cebrs", [fr.Edit((pid,), _opened("cebrs").get(pid), values)])


# --- upload --------------------------------------------------------------------------------------------
def upload_block(ctx: Context) -> None:
    lang = ctx.lang
    st.caption(t("report_upload_intro", lang))
    kind = st.selectbox(t("import_kind", lang), fr.FIELD_KINDS, key="report_upload_kind", width=360,
                        format_func=lambda k: t(f"import_kind_{k}", lang))
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("import_template_csv", lang), loaders.template(kind, "csv"), f"{kind}_template.csv",
                           key="report_template_csv", icon=":material/download:")
        st.download_button(t("import_template_xlsx", lang), loaders.template(kind, "xlsx"), f"{kind}_template.xlsx",
                           key="report_template_xlsx", icon=":material/download:")
    uploaded = st.file_uploader(t("import_file", lang), type=["csv", "xlsx"], key="report_upload_file")
    if st.button(t("import_run", lang), type="primary", disabled=uploaded is None, key="report_upload_run"):
        run_upload(ctx, kind, uploaded.name, uploaded.getvalue())


def run_upload(ctx: Context, kind: str, file_name: str, content: bytes) -> dict | None:
    """The area's file through data_access.fieldreports.upload, under its own name (the report and the
    import log name it); the summary, or None when it was refused (every problem listed)."""
    lang = ctx.lang
    with tempfile.TemporaryDirectory(prefix="warroom-report-") as folder:
        path = Path(folder) / (Path(file_name).name or "upload.csv")
        path.write_bytes(content)
        try:
            summary = fr.upload(loaders.engine(ctx.url), ctx.viewer, kind, path, ctx.period)
        except imports.ImportRejected as rejected:
            import_view.problems(rejected, lang)
            return None
    st.success(t("import_done", lang).format(file=f"**{fmt.literal(summary['file'], breaks=False)}**",
                                             rows=summary["rows"], districts=summary["districts"]))
    return summary
