"""The alerts page's blocks: a person's alert episodes (open first, each acknowledged with a short note),
their subscriptions (the weekly brief on a day and hour, alert rules) with mute, resume and delete, and
the two forms that add one. An admin picks whose subscriptions they manage.

Every write goes through data_access.notify, which checks who may (the owner, or an admin) and what the
owner may receive (the brief needs `export` of their home area, an alert `view`); its refusals name each
field, shown here in the viewer's language. Addresses, notes and names are data: shown literally
(fmt.literal), never as Markdown. What is delivered is built later, by the delivery runner (alerts/),
for the recipient as they are then; this page only says what was asked for.
"""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from data_access import access, notify
from data_access import schema as s
from data_access.scope import NATION, Area, NotPermitted, Viewer
from metrics import kpis
from metrics.fiscal import thai_time

from . import drill, fmt, loaders
from .i18n import t
from .shell import Context

# The KPIs a rule can watch: the headline figures, then reports filed on time (as the weekly review).
KPI_CHOICES = (*kpis.HEADLINES, "report_on_time_pct")
SOURCE_NAMES = {"padme": "PADME", "cebrs": "CEBRS", "thaiqm": "ThaiQM", "sdg": "SDG"}
BRIEF, ALERT = "sub_brief", "sub_alert"  # the forms' key prefixes


# --- small words ---------------------------------------------------------------------------------
def missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _code(value) -> str | None:
    return None if missing(value) or value == "" else str(value)


def when(value, lang: str) -> str:
    """A stored UTC moment in Thai time ("20 พ.ย. 2569 14:00"), or "no data"."""
    return t("no_data", lang) if missing(value) else thai_time(pd.Timestamp(value).to_pydatetime(), lang)


def weekday(day: int, lang: str) -> str:
    return t(f"alerts_weekday_{int(day)}", lang)


def hour(value: int, lang: str) -> str:
    return t("alerts_hour_value", lang).format(hour=int(value))


def channel(value: str, lang: str) -> str:
    return t(f"alerts_channel_{value}", lang) if value in s.CHANNELS else str(value)


def rule_words(rule: str, kpi, threshold, direction, lang: str) -> str:
    """An alert rule in words: "an area turns red (exceptions rule)", "KPI X below 50.0%", ..."""
    kpi = _code(kpi)
    if rule == "red":
        return (t("alerts_words_red", lang).format(kpi=t(kpi, lang)) if kpi in kpis.KPIS
                else t("alerts_words_red_all", lang))
    if rule == "threshold" and kpi in kpis.KPIS and direction in ("below", "above") and not missing(threshold):
        value = fmt.by_unit(float(threshold), kpis.KPIS[kpi].unit, lang)
        return t(f"alerts_words_{direction}", lang).format(kpi=t(kpi, lang), value=value)
    if rule in s.ALERT_RULES:
        return t(f"alerts_words_{rule}" if rule != "threshold" else "alerts_rule_threshold", lang)
    return fmt.literal(rule)


def what(row, lang: str) -> str:
    """What a subscription sends: the brief's format and schedule (Bangkok time), or the rule."""
    if row.kind == "brief":
        formats = t(f"alerts_format_{row.formats}", lang) if row.formats in s.BRIEF_FORMATS else fmt.literal(row.formats)
        schedule = (t("alerts_schedule", lang).format(day=weekday(row.weekday, lang), hour=hour(row.hour, lang))
                    if not (missing(row.weekday) or missing(row.hour)) else t("no_data", lang))
        return f"{formats} · {schedule}"
    return rule_words(row.rule, row.kpi, row.threshold, row.direction, lang)


def area_name(level, code, index: pd.DataFrame, lang: str) -> str:
    """An episode's area by name (as every page names it), or its code when the index has no such area."""
    try:
        area = NATION if level == "nation" else Area(str(level), _code(code))
        return drill.name(area, index, lang)
    except (ValueError, IndexError, KeyError):
        return str(code or level)


# --- whose subscriptions ---------------------------------------------------------------------------
def owner(ctx: Context) -> Viewer:
    """Whose subscriptions and alerts the page manages: the viewer's own, or, for an admin, any
    account's (chosen here; themselves by default)."""
    viewer, lang = ctx.viewer, ctx.lang
    if not access.allowed(viewer, "manage_accounts"):
        return viewer
    people: dict[str, Viewer] = {viewer.name: viewer}
    labels = {viewer.name: t("alerts_for_me", lang).format(name=viewer.name)}
    for row in loaders.alerts.owners(ctx).itertuples():
        if row.username in people:
            continue
        try:
            people[row.username] = Viewer(str(row.username), str(row.role), _code(row.prov_code), _code(row.dist_code))
        except ValueError:  # an account whose stored scope no viewer can have: not offered
            continue
        shown = row.display_name if not missing(row.display_name) and row.display_name else row.username
        labels[row.username] = f"{shown} ({row.username}) · {t('role_' + str(row.role), lang)}"
    chosen = st.selectbox(t("alerts_for_account", lang), list(people), format_func=labels.get, key="alerts_owner",
                          width=480)
    picked = people.get(chosen, viewer)
    if picked != viewer:
        st.info(t("alerts_for_other", lang).format(name=fmt.literal(picked.name, breaks=False)),
                icon=":material/manage_accounts:")
    return picked


def intro(ctx: Context) -> None:
    st.title(t("alerts_title", ctx.lang))
    st.caption(t("alerts_intro", ctx.lang))
    if ctx.demo:
        st.info(t("alerts_demo_note", ctx.lang), icon=":material/science:")


# --- alerts now ------------------------------------------------------------------------------------
def _detail(value) -> dict:
    try:
        found = json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def about(row, index: pd.DataFrame, lang: str) -> str:
    """What an episode is about, in words: the rule (and its KPI) · the area (a name: literal)."""
    kpi = _code(row.kpi)
    title = t(f"alerts_rule_{row.rule}", lang) if row.rule in s.ALERT_RULES else fmt.literal(row.rule)
    if kpi in kpis.KPIS:
        title += f": {t(kpi, lang)}"
    return f"{title} · {fmt.literal(area_name(row.area_level, row.area_code, index, lang), breaks=False)}"


def _seen(row, lang: str) -> list[str]:
    """What was seen when the episode started, where the runner recorded it (its detail: the rule and
    the figures it saw, alerts.runner)."""
    detail, out = _detail(row.detail), []
    detail = detail.get("facts", detail) if isinstance(detail.get("facts"), dict) else detail
    kpi = _code(row.kpi)
    value = detail.get("value")
    if kpi in kpis.KPIS and isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append(t("alerts_value_seen", lang).format(value=fmt.by_unit(float(value), kpis.KPIS[kpi].unit, lang)))
    source = detail.get("source")
    if source in SOURCE_NAMES:
        out.append(t("alerts_source_seen", lang).format(source=SOURCE_NAMES[source]))
    return out


def _act(ctx: Context, write, done: str, *args, icon: str | None = None) -> None:
    """Run one of notify's writes as the viewer, then say it was done (or that the record is gone, or
    not theirs: another tab or an admin changed it meanwhile)."""
    try:
        write(loaders.engine(ctx.url), ctx.viewer, *args)
    except KeyError:
        st.toast(t("alerts_gone", ctx.lang))
        return
    except NotPermitted:
        st.toast(t("alerts_not_yours", ctx.lang))
        return
    st.toast(t(done, ctx.lang), icon=icon)


def _acknowledge(ctx: Context, alert_id: int) -> None:
    note = st.session_state.get(f"ack_note_{alert_id}") or ""
    _act(ctx, notify.acknowledge, "alerts_ack_done", alert_id, note, icon=":material/done:")


def _episode(ctx: Context, row, index: pd.DataFrame) -> None:
    lang = ctx.lang
    with st.container(border=True, key=f"alert-{int(row.alert_id)}"):
        st.markdown(f"**{about(row, index, lang)}**")
        facts = [t("alerts_started", lang).format(when=when(row.started_at, lang)), *_seen(row, lang)]
        if bool(row.muted):
            facts.append(t("alerts_muted_badge", lang))
        st.caption(" · ".join(facts))
        acknowledged = not missing(row.acknowledged_at)
        if acknowledged:  # who and their note are data: plain text
            st.text("✓ " + _ack_cell(row, lang))
        else:
            st.markdown(t("alerts_not_acknowledged", lang))
        try:
            area = NATION if row.area_level == "nation" else Area(str(row.area_level), _code(row.area_code))
        except ValueError:  # an area this build does not know: nothing to acknowledge it on
            return
        if acknowledged or not access.allowed(ctx.viewer, "write_note", area):
            return
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            st.text_input(t("alerts_ack_note", lang), key=f"ack_note_{int(row.alert_id)}", max_chars=500,
                          width="stretch")
            st.button(t("alerts_ack", lang), key=f"ack_{int(row.alert_id)}", type="primary", icon=":material/done:",
                      on_click=_acknowledge, args=(ctx, int(row.alert_id)))


def alerts_now(ctx: Context, person: Viewer) -> None:
    """The owner's open episodes first, each to acknowledge; then those resolved in the last 30 days."""
    lang = ctx.lang
    episodes = loaders.alerts.alerts(ctx, person)
    index = loaders.area_index(ctx.url)
    with st.container(border=True, key="alerts-now"):
        st.subheader(t("alerts_now", lang))
        current = episodes[episodes["ended_at"].isna()] if len(episodes) else episodes
        if current.empty:
            st.success(t("alerts_none_open", lang), icon=":material/check_circle:")
        for row in current.itertuples():
            _episode(ctx, row, index)
        st.markdown(f"**{t('alerts_resolved', lang)}**")
        ended = episodes[episodes["ended_at"].notna()] if len(episodes) else episodes
        if ended.empty:
            st.caption(t("alerts_none_resolved", lang))
            return
        st.dataframe(pd.DataFrame({
            t("alerts_col_when", lang): [when(v, lang) for v in ended["started_at"]],
            t("alerts_col_ended", lang): [when(v, lang) for v in ended["ended_at"]],
            t("alerts_col_about", lang): [(t(f"alerts_rule_{r}", lang) if r in s.ALERT_RULES else str(r))
                                          + (f": {t(k, lang)}" if _code(k) in kpis.KPIS else "")
                                          for r, k in zip(ended["rule"], ended["kpi"])],
            t("alerts_col_area", lang): [area_name(lv, c, index, lang) for lv, c in zip(ended["area_level"], ended["area_code"])],
            t("alerts_col_ack", lang): [_ack_cell(r, lang) for r in ended.itertuples()],
        }), hide_index=True, width="stretch", placeholder=t("no_data", lang))


def _ack_cell(row, lang: str) -> str:
    """Plain text (a table cell, st.text; never Markdown): who acknowledged, when, and the note."""
    if missing(row.acknowledged_at):
        return t("alerts_not_acknowledged", lang)
    text = t("alerts_acknowledged", lang).format(who=row.acknowledged_by, when=when(row.acknowledged_at, lang))
    return text + (f": {row.ack_note}" if not missing(row.ack_note) and row.ack_note else "")


# --- my subscriptions ------------------------------------------------------------------------------
def _mute(ctx: Context, sub_id: int, muted: bool) -> None:
    _act(ctx, notify.set_muted, "alerts_muted_done" if muted else "alerts_resumed_done", sub_id, muted)


def _delete(ctx: Context, sub_id: int) -> None:
    _act(ctx, notify.remove, "alerts_deleted_done", sub_id)


def subscription_rows(subs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The subscriptions as the page lists them, one row each, in words (the address as typed)."""
    return pd.DataFrame({
        t("alerts_col_kind", lang): [t(f"alerts_kind_{k}", lang) for k in subs["kind"]],
        t("alerts_col_channel", lang): [channel(c, lang) for c in subs["channel"]],
        t("alerts_col_address", lang): subs["address"].astype(str).tolist(),
        t("alerts_col_lang", lang): [t(f"alerts_lang_{v}", lang) for v in subs["lang"]],
        t("alerts_col_what", lang): [what(r, lang) for r in subs.itertuples()],
        t("alerts_col_state", lang): [t("alerts_state_muted" if bool(m) else "alerts_state_on", lang)
                                      for m in subs["muted"]],
    })


def subscriptions(ctx: Context, person: Viewer) -> None:
    """The owner's subscriptions, each a row with its own Mute/Resume and Delete."""
    lang = ctx.lang
    subs = loaders.alerts.subscriptions(ctx, person)
    with st.container(border=True, key="alerts-mine"):
        st.subheader(t("alerts_mine" if person == ctx.viewer else "alerts_mine_other", lang))
        if subs.empty:
            st.caption(t("alerts_none_subscribed", lang))
            return
        shown = subscription_rows(subs, lang)
        for (_, cells), row in zip(shown.iterrows(), subs.itertuples()):
            sub_id, muted = int(row.sub_id), bool(row.muted)
            with st.container(border=True, horizontal=True, vertical_alignment="center", gap="small",
                              key=f"sub-{sub_id}"):
                with st.container(width="stretch", gap=None):
                    kind = cells[t("alerts_col_kind", lang)]
                    st.markdown(f"**{kind}** · {cells[t('alerts_col_state', lang)]}")
                    # the address as typed, in an element that reads no Markdown at all
                    st.text(f"{cells[t('alerts_col_channel', lang)]}: {row.address}")
                    st.markdown(f"{cells[t('alerts_col_lang', lang)]} · {cells[t('alerts_col_what', lang)]}")
                st.button(t("alerts_resume" if muted else "alerts_mute", lang), key=f"sub_mute_{sub_id}",
                          icon=":material/notifications_active:" if muted else ":material/notifications_paused:",
                          on_click=_mute, args=(ctx, sub_id, not muted))
                st.button(t("alerts_delete", lang), key=f"sub_delete_{sub_id}", icon=":material/delete:",
                          on_click=_delete, args=(ctx, sub_id))


# --- adding ----------------------------------------------------------------------------------------
def _problem(field: str, reason: str, values: dict, lang: str) -> str:
    """One refused field: its label, then why — a Thai sentence in Thai, the data layer's reason in English."""
    label = t(f"alerts_field_{field}", lang) if f"alerts_field_{field}" in _FIELD_KEYS else fmt.literal(field)
    if lang == "en":
        return f"{label}: {fmt.literal(reason, breaks=False)}"
    key = f"alerts_problem_{field}"
    if field == "address":
        key += "_line" if values.get("channel") == "line" else "_email"
    return f"{label}: {t(key, lang)}"


_FIELD_KEYS = {f"alerts_field_{f}" for f in notify.FIELDS}


def _add(ctx: Context, person: Viewer, prefix: str) -> None:
    """A form's submit (a callback: the lists above show the new row in this same run)."""
    state = st.session_state
    values = {"channel": state.get(f"{prefix}_channel"), "address": state.get(f"{prefix}_address") or "",
              "lang": state.get(f"{prefix}_lang")}
    if prefix == BRIEF:
        values.update(kind="brief", formats=state.get(f"{prefix}_formats"), weekday=state.get(f"{prefix}_weekday"),
                      hour=state.get(f"{prefix}_hour"))
    else:
        rule = state.get(f"{prefix}_rule")
        kpi = state.get(f"{prefix}_kpi")
        values.update(kind="alert", rule=rule, kpi=None if kpi in (None, "all") or rule not in ("red", "threshold") else kpi)
        if rule == "threshold":
            values.update(threshold=state.get(f"{prefix}_threshold"), direction=state.get(f"{prefix}_direction"))
    try:
        notify.add(loaders.engine(ctx.url), ctx.viewer, person, values)
    except notify.Invalid as refused:
        state[f"{prefix}_refused"] = [_problem(f, r, values, ctx.lang) for f, r in refused.problems]
        return
    except NotPermitted:
        state[f"{prefix}_refused"] = [t("alerts_not_yours", ctx.lang)]
        return
    state.pop(f"{prefix}_refused", None)
    state[f"{prefix}_address"] = ""  # the next one starts empty; the other choices stay
    st.toast(t("alerts_added", ctx.lang), icon=":material/check_circle:")


def _refusal(prefix: str, lang: str) -> None:
    if problems := st.session_state.get(f"{prefix}_refused"):
        st.error(f"**{t('alerts_refused', lang)}**  \n" + "  \n".join(problems))


def _common(prefix: str, lang: str) -> None:
    """Channel, address and language: the same in both forms."""
    st.segmented_control(t("alerts_field_channel", lang), s.CHANNELS, key=f"{prefix}_channel", default="email",
                         required=True, format_func=lambda v: channel(v, lang))
    st.text_input(t("alerts_field_address", lang), key=f"{prefix}_address", max_chars=200,
                  placeholder="name@moi.go.th", help=t("alerts_address_help", lang))
    st.segmented_control(t("alerts_field_lang", lang), ("th", "en"), key=f"{prefix}_lang", default=lang,
                         required=True, format_func=lambda v: t(f"alerts_lang_{v}", lang))


def brief_form(ctx: Context, person: Viewer) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('alerts_add_brief', lang)}**")
    st.caption(t("alerts_add_brief_help", lang))
    with st.form(BRIEF, enter_to_submit=False):
        _common(BRIEF, lang)
        st.segmented_control(t("alerts_field_formats", lang), s.BRIEF_FORMATS, key=f"{BRIEF}_formats", default="pdf",
                             required=True, format_func=lambda v: t(f"alerts_format_{v}", lang))
        with st.container(horizontal=True, gap="small"):
            st.selectbox(t("alerts_field_weekday", lang), list(notify.WEEKDAYS), key=f"{BRIEF}_weekday", index=0,
                         format_func=lambda d: weekday(d, lang), width=200)
            st.selectbox(t("alerts_field_hour", lang), list(range(24)), key=f"{BRIEF}_hour", index=8,
                         format_func=lambda h: hour(h, lang), width=160)
        st.form_submit_button(t("alerts_add_submit", lang), key=f"{BRIEF}_add", type="primary", icon=":material/add:",
                              on_click=_add, args=(ctx, person, BRIEF))
    _refusal(BRIEF, lang)


def alert_form(ctx: Context, person: Viewer) -> None:
    """The rule is chosen first (outside the form, so the form asks only what that rule needs)."""
    lang = ctx.lang
    st.markdown(f"**{t('alerts_add_alert', lang)}**")
    st.caption(t("alerts_add_alert_help", lang))
    rules = notify.rules_for(person)
    rule = st.selectbox(t("alerts_field_rule", lang), rules, key=f"{ALERT}_rule",
                        format_func=lambda r: t(f"alerts_rule_{r}", lang))
    with st.form(ALERT, enter_to_submit=False):
        if rule in ("red", "threshold"):
            choices = (("all",) if rule == "red" else ()) + KPI_CHOICES
            st.selectbox(t("alerts_field_kpi", lang), choices, key=f"{ALERT}_kpi",
                         format_func=lambda k: t("alerts_kpi_all", lang) if k == "all" else t(k, lang))
        if rule == "threshold":
            with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
                st.number_input(t("alerts_field_threshold", lang), key=f"{ALERT}_threshold", value=50.0, step=1.0,
                                format="%.1f", width=220)
                st.segmented_control(t("alerts_field_direction", lang), ("below", "above"), key=f"{ALERT}_direction",
                                     default="below", required=True,
                                     format_func=lambda v: t(f"alerts_direction_{v}", lang))
        _common(ALERT, lang)
        st.form_submit_button(t("alerts_add_submit", lang), key=f"{ALERT}_add", type="primary", icon=":material/add:",
                              on_click=_add, args=(ctx, person, ALERT))
    _refusal(ALERT, lang)


def add_forms(ctx: Context, person: Viewer) -> None:
    with st.container(border=True, key="alerts-add"):
        st.subheader(t("alerts_add", ctx.lang))
        with st.grid(2, min_column_width=360, gap="medium"):
            with st.container():
                brief_form(ctx, person)
            with st.container():
                alert_form(ctx, person)
