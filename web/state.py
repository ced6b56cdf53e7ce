"""What the routes share: the database engine and the [auth] policy, read as the app reads them."""
from __future__ import annotations

from data_access import db
from data_access.settings import resolve
from ui import config


def engine():
    return db.engine_for(resolve().url)


def national_totals() -> bool:
    return config.load()["auth"]["national_policy"] == "averages"
