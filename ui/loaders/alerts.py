"""The reads of alerts and subscriptions (data_access.notify): a person's subscriptions and alert
episodes, the accounts an admin manages them for, the outbox and its counts, the acknowledgements the
weekly review shows.

Not cached: people add, mute and acknowledge during the meeting and everyone in it should see that at
once, the delivery runner changes the outbox between two runs without any data version, and each read
is small and indexed (one person's rows, the newest messages).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access import notify
from data_access.reader import ScopedReader
from data_access.scope import Area, Viewer

from ._cache import engine


def _reader(ctx) -> ScopedReader:
    return ScopedReader(engine(ctx.url), ctx.viewer)


def subscriptions(ctx, owner: Viewer) -> pd.DataFrame:
    return notify.subscriptions_of(engine(ctx.url), ctx.viewer, owner)


def alerts(ctx, owner: Viewer, days: int = 30) -> pd.DataFrame:
    return notify.alerts_of(engine(ctx.url), ctx.viewer, owner, days)


def owners(ctx) -> pd.DataFrame:
    return notify.owners(engine(ctx.url), ctx.viewer)


def deliveries(ctx, status: str | None = None, limit: int = 200) -> pd.DataFrame:
    return notify.deliveries(_reader(ctx), status, limit)


def delivery(ctx, message_id: int):
    return notify.delivery(_reader(ctx), message_id)


def delivery_counts(ctx, since: dt.datetime) -> dict:
    return notify.delivery_counts(_reader(ctx), since)


def acknowledgements(ctx, area: Area, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    return notify.acknowledgements(_reader(ctx), area, since, until)
