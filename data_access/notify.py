"""Subscriptions, alert episodes and the outbox: the SQL side of "the war room is told, not only shown".

- **Subscriptions** belong to one person (an account; on demo data a demo viewer). Each person manages
  their own; an admin (`manage_accounts`) manages anyone's. A weekly-brief subscription needs the right
  to `export` the owner's home area, an alert rule the right to `view` it: the same answers
  `data_access.access` gives the pages. What is delivered is built later, at delivery time, for the
  owner as they are then (`recipient`): a disabled account or a changed area is honoured at once.
- **Alert episodes** (`alert_state`): a rule's condition about one subject (an area's KPI, a source, a
  district's report) starts, holds and ends. `open_episode` is a unique insert, so two runners that see
  the same start open it once; `close_episode` is a conditional update, so only one sees it end.
- **The outbox**: a message is queued once (`dedupe_key` unique), claimed by one runner at a time (a
  conditional update with a lease; a crashed runner's lease runs out), then marked sent, retried with
  backoff, or failed with its reason. Nothing here sends anything: `alerts/` builds and delivers.

No secret is ever stored here: addresses are the recipient's own (an e-mail address, a LINE ID), and
the audit entries name the subscription, never a channel's credentials.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from metrics.kpis import KPIS

from . import access, audit, schema as s
from .clock import utcnow
from .db import select_frame
from .reader import ByAreaCode, ScopedReader
from .scope import NATION, Area, NotPermitted, Viewer

EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[A-Za-z]{2,}")
LINE_ID = re.compile(r"[UCR][0-9a-f]{32}")  # a user, group or room ID (LINE Messaging API)
WEEKDAYS = range(7)
MAX_ATTEMPTS = 12            # then "failed" (an admin can send it again); about a day and a half of tries
BACKOFF_MINUTES = (1, 2, 5, 10, 20, 30, 60, 120, 240, 360)  # wait before try n+1; the last repeats
LEASE = dt.timedelta(minutes=5)  # a claim a runner did not finish in this long is free again
FIELDS = ("kind", "channel", "address", "lang", "formats", "weekday", "hour", "rule", "kpi", "threshold",
          "direction")


class Invalid(ValueError):
    """A subscription that cannot be kept: `problems` is [(field, reason)], every one of them."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {r}" for f, r in problems))
        self.problems = problems


# --- who may ---------------------------------------------------------------------------------------
def subscribe_action(kind: str) -> str:
    """The action a subscription of this kind needs on its owner's home area: a brief is a download
    delivered (export), an alert a figure shown (view)."""
    return "export" if kind == "brief" else "view"


def rules_for(viewer: Viewer) -> tuple[str, ...]:
    """The alert rules that mean something for this viewer: areas turning red need areas below their
    home (a district officer has none), a source going stale is the data health of the country."""
    rules = ["threshold", "missed_report"]
    if viewer.dist_code is None:
        rules.insert(0, "red")
    if access.allowed(viewer, "view_health"):
        rules.append("stale")
    return tuple(rules)


def _may_manage(viewer: Viewer, owner: Viewer) -> bool:
    return (viewer.name == owner.name and viewer.role == owner.role and viewer.prov_code == owner.prov_code
            and viewer.dist_code == owner.dist_code) or access.allowed(viewer, "manage_accounts")


def _require_manage(viewer: Viewer, owner: Viewer) -> None:
    if not _may_manage(viewer, owner):
        raise NotPermitted(f"{viewer.name} may not change the subscriptions of {owner.name}")


# --- subscriptions ---------------------------------------------------------------------------------
def validate(owner: Viewer, values: dict) -> dict:
    """The subscription's columns, checked: every problem named (field, reason), or Invalid."""
    v = {k: values.get(k) for k in FIELDS}
    problems: list[tuple[str, str]] = []
    if v["kind"] not in s.SUBSCRIPTION_KINDS:
        problems.append(("kind", f"one of {', '.join(s.SUBSCRIPTION_KINDS)}"))
    if v["channel"] not in s.CHANNELS:
        problems.append(("channel", f"one of {', '.join(s.CHANNELS)}"))
    address = str(v["address"] or "").strip()
    v["address"] = address
    if v["channel"] == "email" and not EMAIL.fullmatch(address):
        problems.append(("address", "an e-mail address such as name@moi.go.th"))
    if v["channel"] == "line" and not LINE_ID.fullmatch(address):
        problems.append(("address", "a LINE user, group or room ID: U, C or R and 32 hexadecimal digits"))
    if v["lang"] not in ("th", "en"):
        problems.append(("lang", "th or en"))
    if v["kind"] == "brief":
        v.update(rule=None, kpi=None, threshold=None, direction=None)
        if v["formats"] not in s.BRIEF_FORMATS:
            problems.append(("formats", "pdf, xlsx or both"))
        if not isinstance(v["weekday"], int) or v["weekday"] not in WEEKDAYS:
            problems.append(("weekday", "0 (Monday) to 6 (Sunday)"))
        if not isinstance(v["hour"], int) or not 0 <= v["hour"] <= 23:
            problems.append(("hour", "0 to 23, Bangkok time"))
    elif v["kind"] == "alert":
        v.update(formats=None, weekday=None, hour=None)
        if v["rule"] not in rules_for(owner):
            problems.append(("rule", f"one of {', '.join(rules_for(owner))} for this account"))
        if v["rule"] in ("red", "threshold"):
            if v["kpi"] is not None and v["kpi"] not in KPIS:
                problems.append(("kpi", f"unknown KPI {v['kpi']!r}"))
        else:
            v["kpi"] = None
        if v["rule"] == "threshold":
            if v["kpi"] is None:
                problems.append(("kpi", "a threshold watches one KPI"))
            try:
                v["threshold"] = float(v["threshold"])
                if v["threshold"] != v["threshold"]:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(("threshold", "a number"))
            if v["direction"] not in ("below", "above"):
                problems.append(("direction", "below or above"))
        else:
            v.update(threshold=None, direction=None)
    if problems:
        raise Invalid(problems)
    return v


def add(engine: Engine, viewer: Viewer, owner: Viewer, values: dict) -> int:
    """A new subscription of `owner`'s (themselves, or anyone's for an admin)."""
    _require_manage(viewer, owner)
    v = validate(owner, values)
    access.require(owner, subscribe_action(v["kind"]), owner.home)
    now = utcnow()
    with engine.begin() as conn:
        sub_id = conn.execute(insert(s.subscription).values(
            owner=owner.name, role=owner.role, prov_code=owner.prov_code, dist_code=owner.dist_code,
            muted=False, created_by=viewer.name, created_at=now, updated_at=now, **v)).inserted_primary_key[0]
        audit.record(conn, viewer.name, "subscription", str(owner.home),
                     f"added {v['kind']} #{sub_id} for {owner.name} by {v['channel']}")
    return int(sub_id)


def _owned(conn, viewer: Viewer, sub_id: int):
    row = conn.execute(select(s.subscription).where(s.subscription.c.sub_id == sub_id)).first()
    if row is None:
        raise KeyError(sub_id)
    _require_manage(viewer, owner_of(row))
    return row


def _code(value) -> str | None:
    """A code read back from a frame: a missing one may come as NaN."""
    return value if isinstance(value, str) and value else None


def owner_of(row) -> Viewer:
    """The viewer a subscription row was made for (its stored scope; `recipient` reads the account)."""
    return Viewer(name=row.owner, role=row.role, prov_code=_code(row.prov_code), dist_code=_code(row.dist_code))


def update_subscription(engine: Engine, viewer: Viewer, sub_id: int, values: dict) -> None:
    with engine.begin() as conn:
        row = _owned(conn, viewer, sub_id)
        v = validate(owner_of(row), values)
        conn.execute(update(s.subscription).where(s.subscription.c.sub_id == sub_id)
                     .values(updated_at=utcnow(), **v))
        audit.record(conn, viewer.name, "subscription", str(owner_of(row).home), f"changed #{sub_id}")


def set_muted(engine: Engine, viewer: Viewer, sub_id: int, muted: bool) -> None:
    """Pause (or resume) a rule: while muted nothing of it is sent; what held before stays open, and
    what ends meanwhile is said when it is resumed."""
    with engine.begin() as conn:
        row = _owned(conn, viewer, sub_id)
        conn.execute(update(s.subscription).where(s.subscription.c.sub_id == sub_id)
                     .values(muted=bool(muted), updated_at=utcnow()))
        audit.record(conn, viewer.name, "subscription", str(owner_of(row).home),
                     f"{'muted' if muted else 'resumed'} #{sub_id}")


def remove(engine: Engine, viewer: Viewer, sub_id: int) -> None:
    with engine.begin() as conn:
        row = _owned(conn, viewer, sub_id)
        conn.execute(delete(s.alert_state).where(s.alert_state.c.sub_id == sub_id))
        conn.execute(delete(s.subscription).where(s.subscription.c.sub_id == sub_id))
        audit.record(conn, viewer.name, "subscription", str(owner_of(row).home), f"removed #{sub_id}")


def _same_scope(owner: Viewer):
    t = s.subscription
    return and_(t.c.owner == owner.name, t.c.role == owner.role,
                t.c.prov_code.is_(None) if owner.prov_code is None else t.c.prov_code == owner.prov_code,
                t.c.dist_code.is_(None) if owner.dist_code is None else t.c.dist_code == owner.dist_code)


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (not NaN), so a row reads as it was stored."""
    return frame.astype(object).where(frame.notna(), None)


def subscriptions_of(engine: Engine, viewer: Viewer, owner: Viewer) -> pd.DataFrame:
    """The owner's subscriptions, oldest first (the viewer's own, or anyone's for an admin)."""
    _require_manage(viewer, owner)
    t = s.subscription
    return _rows(select_frame(engine, select(t).where(_same_scope(owner)).order_by(t.c.sub_id)))


def owners(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """Accounts an admin may manage subscriptions for: username, display_name, role, prov_code, dist_code."""
    access.require(viewer, "manage_accounts")
    a = s.account
    return select_frame(engine, select(a.c.username, a.c.display_name, a.c.role, a.c.prov_code, a.c.dist_code)
                        .where(a.c.disabled.is_(False)).order_by(a.c.username))


def all_subscriptions(engine: Engine) -> pd.DataFrame:
    """Every subscription, for the delivery runner (which builds each one for its own recipient)."""
    t = s.subscription
    return _rows(select_frame(engine, select(t).order_by(t.c.sub_id)))


@dataclass(frozen=True)
class Recipient:
    viewer: Viewer | None   # None: nothing may be delivered (why says why)
    why: str = ""


def recipient(engine: Engine, row, demo: bool, national_totals: bool) -> Recipient:
    """Who a subscription delivers to, as they are now: the account's own role and area (a disabled
    or removed account gets nothing); on demo data, a demo viewer with no account its stored scope."""
    a = s.account
    with engine.connect() as conn:
        account = conn.execute(select(a).where(a.c.username == row.owner)).first()
    if account is None:
        if demo and str(row.owner).startswith("demo-"):
            viewer = owner_of(row)
        else:
            return Recipient(None, f"no account {row.owner}")
    elif account.disabled:
        return Recipient(None, f"account {row.owner} is disabled")
    else:
        viewer = Viewer(name=account.username, role=account.role, prov_code=account.prov_code,
                        dist_code=account.dist_code)
    if viewer.role in ("governor", "district_officer") and national_totals:
        viewer = Viewer(viewer.name, viewer.role, viewer.prov_code, viewer.dist_code, national_totals=True)
    action = subscribe_action(row.kind)
    if not access.allowed(viewer, action, viewer.home):
        return Recipient(None, f"{viewer.name} may not {action} {viewer.home}")
    return Recipient(viewer)


# --- alert episodes --------------------------------------------------------------------------------
def open_episodes(engine: Engine, sub_id: int) -> pd.DataFrame:
    t = s.alert_state
    return _rows(select_frame(engine, select(t).where(t.c.sub_id == sub_id, t.c.ended_at.is_(None))))


def open_episode(engine: Engine, sub_id: int, subject: str, area: Area, kpi: str | None, detail: dict,
                 now: dt.datetime) -> int | None:
    """A new episode of `subject` for the rule, or None when another runner opened it first."""
    t = s.alert_state
    with engine.begin() as conn:
        if conn.execute(select(t.c.alert_id).where(t.c.sub_id == sub_id, t.c.subject == subject,
                                                   t.c.ended_at.is_(None))).first() is not None:
            return None
        episode = (conn.execute(select(func.max(t.c.episode)).where(t.c.sub_id == sub_id, t.c.subject == subject))
                   .scalar() or 0) + 1
        try:
            with conn.begin_nested():
                alert_id = conn.execute(insert(t).values(
                    sub_id=sub_id, subject=subject, episode=episode, area_level=area.level, area_code=area.code,
                    kpi=kpi, detail=json.dumps(detail, ensure_ascii=False, default=str),
                    started_at=now, start_sent=False, end_sent=False)).inserted_primary_key[0]
        except IntegrityError:
            return None
    return int(alert_id)


def close_episode(engine: Engine, alert_id: int, now: dt.datetime) -> bool:
    """End an open episode; False when it was ended already (by another runner)."""
    t = s.alert_state
    with engine.begin() as conn:
        return conn.execute(update(t).where(t.c.alert_id == alert_id, t.c.ended_at.is_(None))
                            .values(ended_at=now)).rowcount == 1


def unsaid(engine: Engine, sub_id: int, which: str) -> pd.DataFrame:
    """The rule's episodes whose start (`which="start"`: open ones) or end (`"end"`: ended ones whose
    start was said) has not been said yet, oldest first."""
    t = s.alert_state
    if which == "start":
        where = (t.c.ended_at.is_(None), t.c.start_sent.is_(False))
    else:
        where = (t.c.ended_at.is_not(None), t.c.start_sent.is_(True), t.c.end_sent.is_(False))
    return _rows(select_frame(engine, select(t).where(t.c.sub_id == sub_id, *where).order_by(t.c.alert_id)))


def mark_said(engine: Engine, alert_ids: list[int], which: str) -> None:
    """Their start (or end) is in the outbox, or needs no message (an episode that ended unsaid)."""
    t = s.alert_state
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c.alert_id.in_([int(i) for i in alert_ids]))
                     .values(**{f"{which}_sent": True}))


def alerts_of(engine: Engine, viewer: Viewer, owner: Viewer, days: int = 30) -> pd.DataFrame:
    """The owner's alert episodes that are open or ended in the last `days`, newest first, with the
    rule they belong to."""
    _require_manage(viewer, owner)
    a, t = s.alert_state, s.subscription
    since = utcnow() - dt.timedelta(days=days)
    stmt = (select(a, t.c.rule, t.c.channel, t.c.muted).join(t, t.c.sub_id == a.c.sub_id)
            .where(_same_scope(owner), or_(a.c.ended_at.is_(None), a.c.ended_at >= since))
            .order_by(a.c.ended_at.is_not(None), a.c.started_at.desc()))
    return select_frame(engine, stmt)


def acknowledge(engine: Engine, viewer: Viewer, alert_id: int, note: str = "") -> None:
    """"Seen, on it": the owner (or an admin) acknowledges an episode; it shows as a note on that KPI
    in the weekly review of any area it lies in (`acknowledgements`). Needs `write_note` on its area."""
    a = s.alert_state
    with engine.begin() as conn:
        row = conn.execute(select(a).where(a.c.alert_id == alert_id)).first()
        if row is None:
            raise KeyError(alert_id)
        _owned(conn, viewer, row.sub_id)
        area = NATION if row.area_level == "nation" else Area(row.area_level, row.area_code)
        access.require(viewer, "write_note", area)
        conn.execute(update(a).where(a.c.alert_id == alert_id).values(
            acknowledged_by=viewer.name, acknowledged_at=utcnow(), ack_note=note.strip()[:500]))
        audit.record(conn, viewer.name, "alert", str(area), f"acknowledged alert {alert_id} ({row.subject})")


def acknowledgements(reader: ScopedReader, area: Area, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    """kpi, area_code, subject, started_at, ended_at, acknowledged_by, acknowledged_at, ack_note of the
    episodes acknowledged in [since, until) about `area` or an area inside it, newest first: the weekly
    review shows them as notes on their KPI."""
    a = s.alert_state
    region = select(s.province.c.prov_code).where(s.province.c.region4 == area.code).scalar_subquery
    inside = {"nation": None,
              "region": func.substr(a.c.area_code, 1, 2).in_(region()) if area.level == "region" else None,
              "province": a.c.area_code.like(f"{area.code}%"), "district": a.c.area_code == area.code}[area.level]
    stmt = (select(a.c.kpi, a.c.area_code, a.c.area_level, a.c.subject, a.c.started_at, a.c.ended_at,
                   a.c.acknowledged_by, a.c.acknowledged_at, a.c.ack_note)
            .where(a.c.acknowledged_at.is_not(None), a.c.acknowledged_at >= since, a.c.acknowledged_at < until,
                   a.c.kpi.is_not(None))
            .order_by(a.c.acknowledged_at.desc()))
    if inside is not None:
        stmt = stmt.where(inside)
    return reader.frame(stmt, area, ByAreaCode(a.c.area_code))


# --- the outbox ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    content: bytes


def enqueue(engine: Engine, *, dedupe_key: str, sub_id: int | None, owner: str, channel: str, address: str,
            kind: str, subject: str, body: str, link: str | None = None, payload: list | None = None,
            attachments: tuple[Attachment, ...] = (), status: str = "pending",
            now: dt.datetime | None = None) -> int | None:
    """Queue one message (and its attachments, in the same transaction); None when a message with this
    key was queued before (by this runner or another)."""
    now = now or utcnow()
    o = s.outbox
    with engine.begin() as conn:
        if conn.execute(select(o.c.message_id).where(o.c.dedupe_key == dedupe_key)).first() is not None:
            return None
        try:
            with conn.begin_nested():
                message_id = conn.execute(insert(o).values(
                    dedupe_key=dedupe_key, sub_id=sub_id, owner=owner, channel=channel, address=address, kind=kind,
                    subject=subject, body=body, link=link,
                    payload=None if payload is None else json.dumps(payload, ensure_ascii=False),
                    status=status, attempts=0, next_attempt_at=now, created_at=now,
                    sent_at=now if status == "held" else None)).inserted_primary_key[0]
        except IntegrityError:
            return None
        for a in attachments:
            conn.execute(insert(s.outbox_attachment).values(message_id=message_id, filename=a.filename,
                                                           mime=a.mime, content=a.content))
    return int(message_id)


def is_queued(engine: Engine, dedupe_key: str) -> bool:
    o = s.outbox
    with engine.connect() as conn:
        return conn.execute(select(o.c.message_id).where(o.c.dedupe_key == dedupe_key)).first() is not None


def due(engine: Engine, now: dt.datetime, limit: int = 100) -> list[tuple[int, str]]:
    """(message_id, channel) of the messages waiting to be sent whose time has come, or whose runner's
    claim ran out, oldest first."""
    o = s.outbox
    stmt = (select(o.c.message_id, o.c.channel)
            .where(or_(and_(o.c.status == "pending", o.c.next_attempt_at <= now),
                       and_(o.c.status == "sending", o.c.claimed_until < now)))
            .order_by(o.c.message_id).limit(limit))
    with engine.connect() as conn:
        return [(r.message_id, r.channel) for r in conn.execute(stmt)]


def claim(engine: Engine, message_id: int, runner: str, now: dt.datetime):
    """Take one message for this runner (a conditional update: of two runners, one wins). Returns the
    row with its attachments, or None when another runner has it or it is no longer due."""
    o = s.outbox
    with engine.begin() as conn:
        won = conn.execute(update(o).where(
            o.c.message_id == message_id,
            or_(and_(o.c.status == "pending", o.c.next_attempt_at <= now),
                and_(o.c.status == "sending", o.c.claimed_until < now)))
            .values(status="sending", claimed_by=runner, claimed_until=now + LEASE,
                    attempts=o.c.attempts + 1)).rowcount == 1
        if not won:
            return None
        row = conn.execute(select(o).where(o.c.message_id == message_id)).first()
    return row


def message_attachments(engine: Engine, message_id: int) -> tuple[Attachment, ...]:
    a = s.outbox_attachment
    with engine.connect() as conn:
        return tuple(Attachment(r.filename, r.mime, bytes(r.content)) for r in conn.execute(
            select(a.c.filename, a.c.mime, a.c.content).where(a.c.message_id == message_id)
            .order_by(a.c.attachment_id)))


def _finish(engine: Engine, message_id: int, runner: str, **values) -> bool:
    o = s.outbox
    with engine.begin() as conn:
        return conn.execute(update(o).where(o.c.message_id == message_id, o.c.status == "sending",
                                            o.c.claimed_by == runner)
                            .values(claimed_by=None, claimed_until=None, **values)).rowcount == 1


def mark_sent(engine: Engine, message_id: int, runner: str, now: dt.datetime) -> bool:
    return _finish(engine, message_id, runner, status="sent", sent_at=now, last_error=None)


def mark_held(engine: Engine, message_id: int, runner: str, now: dt.datetime) -> bool:
    """Local delivery (demo, or `[notify] delivery = "local"`): kept here, shown on the admin page."""
    return _finish(engine, message_id, runner, status="held", sent_at=now, last_error=None)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def mark_failed(engine: Engine, message_id: int, runner: str, attempts: int, reason: str, now: dt.datetime,
                permanent: bool = False) -> str:
    """A failed try: tried again after a backoff, or "failed" for good when the server refused the
    message itself (`permanent`) or after MAX_ATTEMPTS. Returns the status it is left in."""
    status = "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    _finish(engine, message_id, runner, status=status, last_error=reason[:1000],
            next_attempt_at=now + backoff(attempts))
    return status


def retry(engine: Engine, viewer: Viewer, message_id: int) -> None:
    """An admin sends a failed message again (from the admin page's deliveries)."""
    access.require(viewer, "administer")
    o = s.outbox
    with engine.begin() as conn:
        conn.execute(update(o).where(o.c.message_id == message_id, o.c.status == "failed")
                     .values(status="pending", attempts=0, next_attempt_at=utcnow()))
        audit.record(conn, viewer.name, "alert", "nation", f"sent message {message_id} again")


DELIVERY_COLUMNS = ("message_id", "created_at", "owner", "channel", "address", "kind", "subject", "status",
                    "attempts", "next_attempt_at", "sent_at", "last_error")


def deliveries(reader: ScopedReader, status: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest messages of the outbox (admins: `administer`), without their bodies."""
    o = s.outbox
    stmt = select(*(o.c[c] for c in DELIVERY_COLUMNS)).order_by(o.c.message_id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(o.c.status == status)
    return reader.country(stmt, "administer")


def delivery(reader: ScopedReader, message_id: int) -> tuple[object, tuple[Attachment, ...]]:
    """One message as it was (or will be) delivered, with its attachments (admins)."""
    o, a = s.outbox, s.outbox_attachment
    found = reader.country(select(o).where(o.c.message_id == message_id), "administer")
    if found.empty:
        raise KeyError(message_id)
    files = reader.country(select(a.c.filename, a.c.mime, a.c.content).where(a.c.message_id == message_id)
                           .order_by(a.c.attachment_id), "administer")
    return found.iloc[0], tuple(Attachment(r.filename, r.mime, bytes(r.content)) for r in files.itertuples())


def delivery_counts(reader: ScopedReader, since: dt.datetime) -> dict:
    """{"sent", "held", "pending", "failed"} for the data health page: sent and held since `since`, and
    every message still waiting or failed; plus "oldest_pending" (UTC) and "last_error"."""
    access.require(reader.viewer, "view_health")
    o = s.outbox
    counts = reader.country(select(o.c.status, func.count().label("n"), func.min(o.c.created_at).label("oldest"))
                            .where(or_(o.c.status.in_(("pending", "sending", "failed")), o.c.created_at >= since))
                            .group_by(o.c.status), "view_health")
    by = dict(zip(counts.status, counts.n))
    oldest = counts[counts.status.isin(["pending", "sending"])].oldest
    last = reader.country(select(o.c.last_error).where(o.c.last_error.is_not(None))
                          .order_by(o.c.message_id.desc()).limit(1), "view_health")
    return {"sent": int(by.get("sent", 0)), "held": int(by.get("held", 0)),
            "pending": int(by.get("pending", 0) + by.get("sending", 0)), "failed": int(by.get("failed", 0)),
            "oldest_pending": None if oldest.empty else oldest.min(),
            "last_error": None if last.empty else last.last_error.iloc[0]}
