"""The messages, in the recipient's language: an alert that starts, its resolution, the weekly brief.

Every figure is formatted by ui.fmt exactly as the pages show it, every word comes from the catalogue
(ui/text/notify.py), and the weekly brief is the weekly review's own (ui.weekly_view.brief_of and
brief_sheets, the PDF writer of reports/): built for the recipient's context, so it holds what the
recipient may see and nothing else. Text from data (area names) goes into plain text and JSON only:
an e-mail body is text/plain and LINE shows text as typed.

A LINE message is a Flex bubble (title, lines, a button back to the exact view) with the plain text as
its `altText` (what notifications and old clients show).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from data_access import clock
from data_access.notify import Attachment
from data_access.scope import Area
from metrics import kpis
from metrics.fiscal import FiscalQuarter, thai_date, thai_time, week_start
from reports import pdf_brief
from ui import drill, exports, fmt, live, loaders, weekly_view
from ui.i18n import t
from ui.shell import Context

from .rules import Condition

SUBJECT_MAX = 200
ALT_TEXT_MAX = 1500   # LINE: a Flex message's altText
LINE_TEXT_MAX = 2000
LISTED = 15          # conditions named one by one in a message; the rest are counted  # what one Flex text block is given here (LINE allows more; a phone shows less)


@dataclass(frozen=True)
class Composed:
    kind: str                    # alert, resolved, brief
    subject: str
    body: str
    link: str
    line: list[dict]             # the LINE messages (Messaging API JSON)
    attachments: tuple[Attachment, ...] = ()


def link(base_url: str, page: str = "", **state) -> str:
    """The exact view: the page's path and its URL state (lang, fy, q, level, area, kpi)."""
    query = urlencode({k: v for k, v in state.items() if v is not None})
    return f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def _state(ctx: Context) -> dict:
    return {"lang": ctx.lang, "fy": ctx.period.year, "q": ctx.period.quarter}


def _area_name(ctx: Context, area: Area) -> str:
    return drill.name(area, loaders.area_index(ctx.url), ctx.lang)


def _duration(hours: float, lang: str) -> str:
    if hours >= 48:
        return t("notify_days", lang).format(n=fmt.count(round(hours / 24)))
    return t("notify_hours", lang).format(n=fmt.count(round(hours)))


def _where(ctx: Context, condition: Condition) -> tuple[str, dict]:
    """The page and URL state that show the condition."""
    if condition.rule == "stale":
        return "health", {"lang": ctx.lang}
    area = condition.area
    return "", {**_state(ctx), "level": area.level, "area": area.code, "kpi": condition.kpi}


def describe(ctx: Context, condition: Condition) -> tuple[str, list[str]]:
    """(title, detail lines) of a condition, in the recipient's language."""
    lang, f = ctx.lang, condition.facts
    if condition.rule == "stale":
        return (t("notify_stale_title", lang).format(source=live.SOURCE_NAMES.get(f["source"], f["source"]),
                                                     age=_duration(f["age_hours"], lang)),
                [t("notify_stale_detail", lang).format(allowed=_duration(f["allowed_hours"], lang))])
    kpi = kpis.KPIS[condition.kpi]
    area = _area_name(ctx, condition.area)
    value = fmt.by_unit(f.get("value"), kpi.unit, lang)
    if condition.rule == "missed_report":
        quarter = FiscalQuarter(int(f["year"]), int(f["quarter"]))
        return (t("notify_missed_title", lang).format(area=area, missing=fmt.count(f["n_missing"])),
                [t("notify_missed_detail", lang).format(quarter=quarter.label(lang), value=value)])
    title_key = "notify_red_title" if condition.rule == "red" else "notify_threshold_title"
    title = t(title_key, lang).format(area=area, kpi=t(condition.kpi, lang), value=value)
    if condition.rule == "threshold":
        return title, [t(f"notify_threshold_{f['direction']}", lang).format(
            threshold=fmt.by_unit(f["threshold"], kpi.unit, lang))]
    if kpi.flagged_by is not None:
        return title, [t("notify_red_flagged", lang).format(area=area, missing=fmt.count(f.get("n_missing", 0)),
                                                            late=fmt.count(f.get("n_late", 0)))]
    parent = ctx.viewer.home
    ref = t("kiosk_ref_nation", lang) if parent.level == "nation" else t(f"kiosk_ref_{parent.level}", lang).format(
        name=_area_name(ctx, parent))
    return title, [t("notify_red_detail", lang).format(ref=ref, reference=fmt.by_unit(f.get("reference"), kpi.unit, lang),
                                                       points=f"{f['worse_by']:g}")]


def _subject(ctx: Context, text: str, mark: str = "") -> str:
    """"War Room · แจ้งเตือน: …": words, not an emoji, so a mailbox rule can sort them and every screen
    shows them."""
    return f"{t('notify_prefix', ctx.lang)} · {t(mark, ctx.lang) if mark else ''}{text}"[:SUBJECT_MAX]


def _flex(alt: str, title: str, lines: list[str], url: str, button: str, colour: str) -> dict:
    return {"type": "flex", "altText": alt[:ALT_TEXT_MAX], "contents": {
        "type": "bubble",
        "header": {"type": "box", "layout": "vertical", "backgroundColor": colour, "contents": [
            {"type": "text", "text": title[:LINE_TEXT_MAX], "wrap": True, "weight": "bold", "color": "#FFFFFF"}]},
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            {"type": "text", "text": line[:LINE_TEXT_MAX], "wrap": True, "size": "sm"} for line in lines if line]
            or [{"type": "text", "text": " "}]},
        "footer": {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "style": "primary", "action": {"type": "uri", "label": button[:40], "uri": url}}]},
    }}


def _body(lines: list[str], url: str, ctx: Context) -> str:
    foot = [t("notify_why", ctx.lang)] + ([t("notify_demo", ctx.lang)] if ctx.demo else [])
    return "\n".join([*lines, "", f"{t('notify_open', ctx.lang)}: {url}", "", *foot]) + "\n"


def _many(ctx: Context, titles: list[str]) -> list[str]:
    """One line per condition, the first LISTED of them, then "and N more"."""
    lines = [f"• {title}" for title in titles[:LISTED]]
    if len(titles) > LISTED:
        lines.append(t("notify_more", ctx.lang).format(n=fmt.count(len(titles) - LISTED)))
    return lines


def alert(ctx: Context, base_url: str, started: list[tuple[Condition, dt.datetime]]) -> Composed:
    """One message for the conditions of a rule that started since its last run: one condition is
    said in full; several are counted in the subject and listed one line each."""
    lang = ctx.lang
    first, since = started[0]
    title, detail = describe(ctx, first)
    page, state = _where(ctx, first)
    if len(started) > 1:  # the view of the recipient's home area, where they all show
        home = ctx.viewer.home
        page, state = ("health", {"lang": lang}) if first.rule == "stale" else (
            "", {**_state(ctx), "level": home.level, "area": home.code, "kpi": first.kpi})
        title = t(f"notify_many_{first.rule}", lang).format(n=fmt.count(len(started)),
                                                             kpi=t(first.kpi, lang) if first.kpi else "")
        detail = _many(ctx, [describe(ctx, c)[0] for c, _ in started])
    url = link(base_url, page, **state)
    lines = [title, *detail, t("notify_started", lang).format(when=thai_time(since, lang))]
    if first.rule != "stale":
        lines.append(t("notify_period", lang).format(period=ctx.period.label(lang)))
    subject = _subject(ctx, title, "notify_alert_mark")
    return Composed("alert", subject, _body(lines, url, ctx), url,
                    [_flex(subject + "\n" + "\n".join(detail), title, lines[1:], url, t("notify_open", lang), "#B91C1C")])


def resolved(ctx: Context, base_url: str, ended: list[tuple[Condition, dt.datetime, dt.datetime]]) -> Composed:
    """One message for the conditions of a rule that ended since its last run (each as it started)."""
    lang = ctx.lang
    first, started_at, ended_at = ended[0]
    page, state = _where(ctx, first)
    if len(ended) == 1:
        title = t("notify_resolved_title", lang).format(title=describe(ctx, first)[0])
        lines = [title, t("notify_resolved_detail", lang).format(started=thai_time(started_at, lang),
                                                                  ended=thai_time(ended_at, lang))]
    else:
        home = ctx.viewer.home
        page, state = ("health", {"lang": lang}) if first.rule == "stale" else (
            "", {**_state(ctx), "level": home.level, "area": home.code, "kpi": first.kpi})
        title = t("notify_resolved_many", lang).format(n=fmt.count(len(ended)))
        lines = [title, *_many(ctx, [describe(ctx, c)[0] for c, _, _ in ended])]
    url = link(base_url, page, **state)
    subject = _subject(ctx, title)
    return Composed("resolved", subject, _body(lines, url, ctx), url,
                    [_flex(subject, title, lines[1:], url, t("notify_open", lang), "#15803D")])


def previous_week(ctx: Context) -> dt.date | None:
    """The week the brief compares with: the newest snapshot before this week (the weekly page's default)."""
    this_week = week_start(clock.today())
    earlier = [w for w in loaders.weekly.weeks(ctx) if w < this_week]
    return earlier[0] if earlier else None


def brief(ctx: Context, base_url: str, formats: str) -> Composed:
    """The weekly brief of the recipient's home area: the headline figures in the text, the PDF and/or
    Excel attached (the weekly review's own documents, built for this recipient)."""
    lang, area = ctx.lang, ctx.viewer.home
    place = _area_name(ctx, area)
    week = previous_week(ctx) or week_start(clock.today())
    late = weekly_view.new_late(ctx, area, week)
    notes = weekly_view.notes_for(ctx, area, week)
    made = weekly_view.brief_of(ctx, area, week, late, notes)
    name = f"weekly-{area.level}-{area.code or 'TH'}-{clock.today().isoformat()}"
    files: list[Attachment] = []
    if formats in ("pdf", "both"):
        files.append(Attachment(f"{name}.pdf", "application/pdf", pdf_brief.build(made)))
    if formats in ("xlsx", "both"):
        files.append(Attachment(f"{name}.xlsx", exports.XLSX_MIME,
                                exports.to_xlsx(weekly_view.brief_sheets(ctx, area, week, late),
                                                weekly_view.brief_units(lang))))
    url = link(base_url, "weekly", **_state(ctx), level=area.level, area=area.code)
    intro = t("notify_brief_intro", lang).format(place=place, period=ctx.period.label(lang), week=thai_date(week, lang))
    lines = [intro, ""] + [f"• {h.label}: {h.now} ({h.change})" for h in made.headlines]
    if previous_week(ctx) is None:
        lines.append(t("notify_brief_no_week", lang))
    subject = _subject(ctx, t("notify_brief_subject", lang).format(place=place, day=thai_date(clock.today(), lang)))
    body = _body(lines + ["", t("notify_brief_files", lang).format(files=", ".join(f.filename for f in files))],
                 url, ctx)
    line_lines = lines[2:] + [t("notify_brief_line_files", lang)]
    return Composed("brief", subject, body, url,
                    [_flex(subject, subject, [intro, *line_lines], url, t("notify_open", lang), "#1E3A8A")],
                    tuple(files))
