"""The admin page's blocks: the live sessions (who is signed in where, and "end session" for any of
them), and the deliveries: the outbox of e-mail and LINE messages, each shown as its recipient sees it."""
from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_access import DatabaseError, notify, sessions
from data_access.scope import NotPermitted

from . import alerts_view, fmt, loaders
from .i18n import keys, t
from .shell import Context


def _end(ctx: Context, session_id: int) -> None:
    sessions.end_one(loaders.engine(ctx.url), ctx.viewer, session_id)
    st.toast(t("sessions_ended", ctx.lang))


def sessions_block(ctx: Context) -> None:
    lang = ctx.lang
    live = loaders.live_sessions(ctx)
    if live.empty:
        st.caption(t("sessions_none", lang))
        return
    st.dataframe(live, hide_index=True, width="stretch", placeholder=t("no_data", lang))
    labels = {int(r.session_id): f"{r.session_id} · {r.username} · {r.address} · {r.user_agent[:40]}"
              for r in live.itertuples()}
    cols = st.columns([3, 1], vertical_alignment="bottom")
    chosen = cols[0].selectbox(t("sessions_pick", lang), list(labels), format_func=labels.get, key="admin_session")
    cols[1].button(t("sessions_end", lang), on_click=_end, args=(ctx, chosen), key="admin_end_session",
                   type="secondary")


# --- the outbox: what was (or will be) delivered, by e-mail and LINE ---------------------------------
STATUS_COLOUR = {"sent": "green", "held": "blue", "pending": "orange", "sending": "orange", "failed": "red"}
_KEYS = set(keys())


def _status(value: str, lang: str) -> str:
    return t(f"deliveries_status_{value}", lang) if f"deliveries_status_{value}" in _KEYS else str(value)


def _kind(value: str, lang: str) -> str:
    return t(f"deliveries_kind_{value}", lang) if f"deliveries_kind_{value}" in _KEYS else str(value)


def deliveries_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The newest messages as a table of plain text (recipients and subjects are data, never Markdown)."""
    return pd.DataFrame({
        t("deliveries_col_id", lang): frame["message_id"].astype("int64"),
        t("deliveries_col_when", lang): [alerts_view.when(v, lang) for v in frame["created_at"]],
        t("deliveries_col_to", lang): [f"{o} · {a}" for o, a in zip(frame["owner"], frame["address"])],
        t("deliveries_col_channel", lang): [alerts_view.channel(c, lang) for c in frame["channel"]],
        t("deliveries_col_kind", lang): [_kind(k, lang) for k in frame["kind"]],
        t("deliveries_col_subject", lang): frame["subject"].astype(str).tolist(),
        t("deliveries_col_status", lang): [_status(v, lang) for v in frame["status"]],
        t("deliveries_col_attempts", lang): [fmt.count(n, lang=lang) for n in frame["attempts"]],
        t("deliveries_col_error", lang): ["" if alerts_view.missing(e) else str(e) for e in frame["last_error"]],
    })


def line_messages(payload) -> list[tuple[str | None, list[str]]]:
    """What a LINE chat shows of the messages (a JSON list of LINE message objects), one bubble each:
    (the notification's text, the bubble's texts). A text message is its text; a flex message has its
    altText (what the lock screen and the chat list show) and the texts of its bubble, in order."""
    try:
        messages = json.loads(payload) if isinstance(payload, str) else payload
    except ValueError:
        return []

    def walk(node, out: list[str]) -> list[str]:
        if isinstance(node, dict):
            if node.get("type") in ("text", "span") and isinstance(node.get("text"), str):
                out.append(node["text"])
            for key, value in node.items():
                if key not in ("text", "altText", "action"):  # a button's label is not a text of the message
                    walk(value, out)
        elif isinstance(node, list):
            for item in node:
                walk(item, out)
        return out

    bubbles = []
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, dict):
            continue
        if message.get("type") == "text" and isinstance(message.get("text"), str):
            bubbles.append((None, [message["text"]]))
        elif message.get("type") == "flex":
            alt = message.get("altText") if isinstance(message.get("altText"), str) else None
            bubbles.append((alt, walk(message.get("contents"), [])))
    return bubbles


def _retry(ctx: Context, message_id: int) -> None:
    notify.retry(loaders.engine(ctx.url), ctx.viewer, message_id)
    st.toast(t("deliveries_retried", ctx.lang))


def _preview(ctx: Context, message_id: int) -> None:
    """One message as its recipient sees it: an e-mail's header lines, body, link and attachments; a LINE
    chat's bubbles. Every part is shown as plain text (st.text, st.code), never as Markdown."""
    lang = ctx.lang
    row, files = loaders.alerts.delivery(ctx, message_id)
    st.markdown(f"**{t('deliveries_preview', lang)}**")
    st.badge(_status(row.status, lang), color=STATUS_COLOUR.get(row.status, "gray"))
    link = None if alerts_view.missing(row.link) or not row.link else str(row.link)
    if row.channel == "line":
        with st.container(border=True, key=f"line-chat-{message_id}"):
            st.caption(t("deliveries_line_chat", lang).format(to=fmt.literal(row.address, breaks=False)))
            bubbles = line_messages(row.payload) if not alerts_view.missing(row.payload) else []
            for alt, texts in bubbles or [(None, [str(row.body)])]:
                if alt:
                    st.text(f"{t('deliveries_line_alt', lang)}: {alt}")
                with st.container(border=True, width="content", gap="small"):
                    for text in texts:
                        st.text(text)
    else:
        with st.container(border=True, key=f"mail-{message_id}"):
            st.text(f"{t('deliveries_from', lang)}: {t('deliveries_from_value', lang)}")
            st.text(f"{t('deliveries_to', lang)}: {row.address}")
            st.text(f"{t('deliveries_subject', lang)}: {row.subject}")
            st.code(str(row.body), language=None, wrap_lines=True)
            if files:
                st.caption(t("deliveries_attachments", lang))
                with st.container(horizontal=True, gap="small"):
                    for i, file in enumerate(files):
                        st.download_button(fmt.literal(file.filename, breaks=False), file.content, file.filename,
                                           file.mime, key=f"delivery_file_{message_id}_{i}", icon=":material/attach_file:",
                                           on_click="ignore")
    if link:
        st.text(f"{t('deliveries_link', lang)}: {link}")
        if link.startswith(("https://", "http://")):
            st.link_button(t("deliveries_open_link", lang), link, icon=":material/open_in_new:")
    if row.status == "failed":
        st.button(t("deliveries_retry", lang), key=f"delivery_retry_{message_id}", type="primary",
                  icon=":material/replay:", on_click=_retry, args=(ctx, message_id))


def run_summary(summary, lang: str) -> str:
    """The runner's Summary in words (counts through ui.fmt, skipped reasons as literal text)."""
    counts = {k: fmt.count(getattr(summary, k, 0) or 0, lang=lang)
              for k in ("queued", "sent", "held", "retrying", "failed")}
    text = t("deliveries_run_done", lang).format(**counts)
    skipped = list(getattr(summary, "skipped", None) or [])
    if skipped:
        text += " · " + t("deliveries_run_skipped", lang).format(n=fmt.count(len(skipped), lang=lang))
        text += ": " + "; ".join(fmt.literal(str(x), breaks=False) for x in skipped[:5])
    return text


def deliveries_block(ctx: Context, run_now: Callable[[], object] | None = None) -> None:
    """The newest deliveries (admins), one of them shown as its recipient sees it, "send again" for a
    failed one, and "run the delivery now" (`run_now`: the delivery runner, handed in by the page,
    since ui does not import alerts/)."""
    lang = ctx.lang
    if said := st.session_state.pop("deliveries_said", None):
        st.toast(said, icon=":material/send:")
    if run_now is not None and st.button(t("deliveries_run", lang), key="deliveries_run", icon=":material/send:",
                                         help=t("deliveries_run_help", lang)):
        try:
            st.session_state["deliveries_said"] = run_summary(run_now(), lang)
        except (NotPermitted, DatabaseError):
            raise
        except Exception as exc:  # the runner's own failure: said, with its kind, not a stack trace
            st.error(f"**{t('deliveries_run_failed', lang)}**  \n{fmt.literal(type(exc).__name__)}: "
                     f"{fmt.literal(str(exc)[:500])}")
        else:
            st.rerun()
    frame = loaders.alerts.deliveries(ctx)
    if frame.empty:
        st.caption(t("deliveries_none", lang))
        return
    st.dataframe(deliveries_table(frame, lang), hide_index=True, width="stretch", placeholder=t("no_data", lang),
                 height="content" if len(frame) <= 10 else 400)
    subjects = dict(zip(frame["message_id"].astype("int64"), frame["subject"].astype(str)))
    chosen = st.selectbox(t("deliveries_pick", lang), list(subjects), key="delivery_pick",
                          format_func=lambda m: f"#{m} · {subjects[m][:80]}")
    if chosen is not None:
        _preview(ctx, int(chosen))
