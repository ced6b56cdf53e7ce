"""A private PostgreSQL schema for one benchmark run, reached through search_path, dropped afterwards."""
from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import create_engine, text

from data_access import db


@contextlib.contextmanager
def private_schema(server: str, prefix: str, keep: bool = False):
    """Yields the URL of a new, empty schema on `server`; drops it at the end unless `keep`."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{server}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        db.engine_for(url).dispose()
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
