"""The delivery runner, `python -m data_access notify`: run it every minute (deploy/systemd
warroom-notify.timer, or the cron line in deploy/cron). One run:

1. **Evaluates** every subscription for its recipient as they are now (`notify.recipient`: a disabled
   account gets nothing), in the recipient's own context (ui.loaders through a ScopedReader of the
   recipient): an alert rule's conditions against its open episodes (a new one fires once, one that
   holds is not repeated, one that ended is resolved; a muted rule is paused), a weekly brief once its
   day and hour have come this week (Bangkok time; caught up later in the week if the runner was down,
   never for a week that began before the subscription existed). What is due goes to the outbox
   under a unique key (`brief:<sub>:<week>`, `alert:<episode>:start|end`).
2. **Delivers** what the outbox holds that is due: each message claimed by one runner (a conditional
   update), sent by its channel (alerts/channels.py), then marked sent, or retried after a backoff, or
   failed with its reason. With `[notify] delivery = "local"` (the default on demo data) nothing
   leaves the machine: messages are kept ("held") and the admin page shows them as sent.

Two runners at once: evaluation takes the "notify" lock (data_access.writelock) without waiting — the
second runner only delivers — and every claim and every queued key is unique, so each message goes
out once. A message whose server is down stays in the outbox and goes out on a later run.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field

from data_access import clock, notify, queries, snapshots, writelock
from data_access.scope import Area, Viewer
from metrics.fiscal import BANGKOK, week_start
from ui import compliance_view, config, loaders
from ui.shell import Context

from . import channels, compose, rules

log = logging.getLogger("warroom.notify")


@dataclass
class Summary:
    queued: int = 0
    sent: int = 0
    held: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"notify: {self.queued} queued, {self.sent} sent, {self.held} kept in the outbox (local delivery), "
                f"{self.retrying} to retry, {self.failed} failed" + (f"; {len(self.skipped)} skipped" if self.skipped else ""))


def context(url: str, viewer: Viewer, lang: str, demo: bool) -> Context | None:
    """The recipient's context, as a page run would build it: the newest quarter, the data versions."""
    versions = tuple(sorted(loaders.versions(url).items()))
    available = loaders.periods(url, versions)
    if not available:
        return None
    return Context(lang=lang, period=available[-1], viewer=viewer, url=url, versions=versions, demo=demo)


def brief_moment(sub, today: dt.date) -> dt.datetime:
    """This week's moment for a brief subscription, as a naive UTC time (as stored)."""
    day = week_start(today) + dt.timedelta(days=int(sub.weekday))
    local = dt.datetime.combine(day, dt.time(int(sub.hour)), BANGKOK)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _condition_of(row) -> rules.Condition:
    stored = json.loads(row.detail)
    area = Area() if row.area_level == "nation" else Area(row.area_level, row.area_code)
    return rules.Condition(row.subject, stored["rule"], area, row.kpi, stored.get("facts", {}))


class Run:
    def __init__(self, engine, url: str, demo: bool, cfg: channels.ChannelConfig, now: dt.datetime,
                 runner_id: str, summary: Summary):
        self.engine, self.url, self.demo, self.cfg, self.now = engine, url, demo, cfg, now
        self.runner_id, self.summary = runner_id, summary
        self.national = config.load()["auth"]["national_policy"] == "averages"

    def queue(self, key: str, sub, made: compose.Composed) -> None:
        if notify.enqueue(self.engine, dedupe_key=key, sub_id=int(sub.sub_id), owner=sub.owner, channel=sub.channel,
                          address=sub.address, kind=made.kind, subject=made.subject, body=made.body, link=made.link,
                          payload=made.line, attachments=made.attachments, now=self.now) is not None:
            self.summary.queued += 1

    def evaluate(self) -> None:
        for sub in notify.all_subscriptions(self.engine).itertuples():
            who = notify.recipient(self.engine, sub, self.demo, self.national)
            if who.viewer is None:
                self.summary.skipped.append(f"subscription {sub.sub_id}: {who.why}")
                continue
            try:
                ctx = context(self.url, who.viewer, sub.lang, self.demo)
                if ctx is None:
                    self.summary.skipped.append(f"subscription {sub.sub_id}: no data yet")
                    continue
                if sub.kind == "brief":
                    self.brief(ctx, sub)
                else:
                    self.alert(ctx, sub)
            except Exception as exc:  # one subscription's failure never stops the others
                log.exception("subscription %s not evaluated", sub.sub_id)
                self.summary.skipped.append(f"subscription {sub.sub_id}: {type(exc).__name__}: {exc}"[:300])

    def brief(self, ctx: Context, sub) -> None:
        today = clock.today()
        moment = brief_moment(sub, today)
        if self.now < moment or moment < sub.created_at:
            return  # not yet this week; or the subscription did not exist yet at this week's moment
        key = f"brief:{sub.sub_id}:{week_start(today).isoformat()}"
        if notify.is_queued(self.engine, key):
            return
        self.queue(key, sub, compose.brief(ctx, self.cfg.base_url, sub.formats))

    def alert(self, ctx: Context, sub) -> None:
        if sub.muted:
            return  # paused: nothing opens, nothing ends, nothing is sent until it is resumed
        sub_id = int(sub.sub_id)
        holding = rules.conditions(ctx, sub)
        episodes = {row.subject: row for row in notify.open_episodes(self.engine, sub_id).itertuples()}
        for subject, condition in holding.items():
            if subject not in episodes:
                notify.open_episode(self.engine, sub_id, subject, condition.area, condition.kpi,
                                    {"rule": condition.rule, "facts": condition.facts}, self.now)
        judged = compliance_view.judged(ctx)
        for subject, row in episodes.items():
            if subject in holding or not notify.close_episode(self.engine, int(row.alert_id), self.now):
                continue
            quarter = rules.quarter_of(subject)
            if quarter is not None and quarter != f"{judged.year}Q{judged.quarter}":
                notify.mark_said(self.engine, [int(row.alert_id)], "end")  # the calendar moved on: not "resolved"
        # What started and what ended since the rule's last run: one message each, then marked said.
        for which in ("start", "end"):
            unsaid = notify.unsaid(self.engine, sub_id, which)
            if unsaid.empty:
                continue
            ids = [int(i) for i in unsaid.alert_id]
            if which == "start":
                made = compose.alert(ctx, self.cfg.base_url, [(_condition_of(r), r.started_at)
                                                              for r in unsaid.itertuples()])
            else:
                made = compose.resolved(ctx, self.cfg.base_url, [(_condition_of(r), r.started_at, r.ended_at)
                                                                 for r in unsaid.itertuples()])
            self.queue(f"alert:{sub_id}:{which}:{ids[0]}-{ids[-1]}:{len(ids)}", sub, made)
            notify.mark_said(self.engine, ids, which)

    def deliver(self) -> None:
        """Everything due, a batch at a time, until nothing more can go this run."""
        down: set[str] = set()  # a channel whose server failed this run: its other messages wait for the next
        while True:
            tried = [self.deliver_one(message_id, down) for message_id, channel in notify.due(self.engine, self.now)
                     if channel not in down]  # (checked as it goes: a channel may go down mid-batch)
            if not any(tried):
                return

    def deliver_one(self, message_id: int, down: set[str]) -> bool:
        """Try one message; False when it was not this runner's to try (another runner claimed it)."""
        row = notify.claim(self.engine, message_id, self.runner_id, self.now)
        if row is None:
            return False
        if self.cfg.delivery == "local":
            notify.mark_held(self.engine, message_id, self.runner_id, self.now)
            self.summary.held += 1
            return True
        outgoing = channels.Outgoing(
            channel=row.channel, to=row.address, subject=row.subject, body=row.body, link=row.link,
            line_messages=json.loads(row.payload) if row.payload else None,
            attachments=notify.message_attachments(self.engine, message_id), key=row.dedupe_key)
        try:
            channels.send(outgoing, self.cfg)
        except channels.DeliveryError as exc:
            status = notify.mark_failed(self.engine, message_id, self.runner_id, int(row.attempts), exc.reason,
                                        self.now, exc.permanent)
            log.warning("message %s (%s) not delivered, %s: %s", message_id, row.channel,
                        "failed" if status == "failed" else "will retry", exc.reason)
            if status == "failed":
                self.summary.failed += 1
            else:
                self.summary.retrying += 1
                down.add(row.channel)  # a hung or refusing server would cost a timeout a message
            return True
        notify.mark_sent(self.engine, message_id, self.runner_id, self.now)
        self.summary.sent += 1
        return True


def run(engine, url: str, *, demo: bool | None = None, now: dt.datetime | None = None,
        runner_id: str | None = None, cfg: channels.ChannelConfig | None = None, evaluate: bool = True) -> Summary:
    """One run: evaluate every subscription, then deliver what is due. Safe to run again, and twice at once."""
    if demo is None:
        demo = queries.dataset_meta(engine).get("origin") == "demo"
    cfg = cfg or channels.channel_config(demo)
    now = now or clock.utcnow()
    runner_id = runner_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    summary = Summary()
    one = Run(engine, url, demo, cfg, now, runner_id, summary)
    if evaluate:
        try:
            if week_start(clock.today()) not in snapshots.weeks(engine) and queries.periods(engine):
                snapshots.take(engine)  # the week's figures to compare with, as a page view would take them
            with writelock.source_transaction(engine, "notify", 0):
                one.evaluate()
        except writelock.Busy:
            summary.skipped.append("another runner is evaluating the rules: this one only delivers")
    one.deliver()
    log.info(summary.line())
    return summary
