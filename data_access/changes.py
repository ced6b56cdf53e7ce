"""What a field report changed, record by record, and which districts have filed their quarter.

A field report (data_access/fieldreports.py: a form) and an area's upload (imports.import_file with
a viewer) keep every record's history in `record_change`: who, when, how (form or upload), the
record's new revision and the changed fields' old and new values, as JSON. `report_filing` holds a
district's quarterly filing of the sources it reports as a whole (ThaiQM, CEBRS); PADME is filed
project by project (padme_report.reported_at). docs/DATA_CONTRACT.md, "Field reports".
"""
from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, insert, select, tuple_, update

from metrics.fiscal import FiscalQuarter

from . import schema as s
from .contracts import Contract
from .reader import ByDistrict, ScopedReader
from .scope import Area

FILED_SOURCES = ("cebrs", "thaiqm")  # reported by a district as a whole, once a quarter
UNTRACKED = ("updated_at", "revision")  # bookkeeping, not part of what a person reported


def plain(value):
    """A stored or parsed value as JSON holds it: ISO dates, whole numbers as ints, no NaN."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def key_text(key: Iterable) -> str:
    """A record's key as people read it: "P2570-30-00001 / 1", "9000000001"."""
    return " / ".join(str(plain(part)) for part in key)


def _key_columns(contract: Contract):
    return [contract.table.c[k] for k in contract.key]


def current(conn: Connection, contract: Contract, keys: list[tuple]) -> dict[tuple, dict]:
    """The stored rows of these keys, as plain values, by key (missing keys: no entry)."""
    table, columns = contract.table, _key_columns(contract)
    out: dict[tuple, dict] = {}
    keys = list(dict.fromkeys(keys))
    for start in range(0, len(keys), 400):  # below SQLite's limit on bound parameters
        part = keys[start:start + 400]
        where = columns[0].in_([k[0] for k in part]) if len(columns) == 1 else tuple_(*columns).in_(part)
        for row in conn.execute(select(table).where(where)).mappings():
            out[tuple(plain(row[k]) for k in contract.key)] = {k: plain(v) for k, v in row.items()}
    return out


def record(conn: Connection, contract: Contract, before: dict[tuple, dict], after: pd.DataFrame,
           actor: str, via: str, at: dt.datetime) -> int:
    """Write the history of the rows just written (`after`: the written records, every column) against
    what they held (`before`, from `current`); a row that did not change writes none. Returns how many."""
    table = contract.table
    tracked = [c.name for c in table.columns if c.name not in UNTRACKED]
    rows = []
    for record_ in after.to_dict("records"):
        key = tuple(plain(record_[k]) for k in contract.key)
        new = {name: plain(record_.get(name)) for name in tracked}
        old = before.get(key)
        if old is None:
            changed_old, changed_new, revision = None, {k: v for k, v in new.items() if v is not None}, 1
        else:
            names = [n for n in tracked if _differs(old.get(n), new[n])]
            if not names:
                continue
            changed_old = {n: old.get(n) for n in names}
            changed_new = {n: new[n] for n in names}
            revision = int(old.get("revision") or 1) + 1
        dist = new.get("dist_code") or (old or {}).get("dist_code") or _project_district(conn, new)
        rows.append({"at": at, "actor": actor, "via": via, "source": contract.source, "record_key": key_text(key),
                     "dist_code": dist, "revision": revision,
                     "old": None if changed_old is None else json.dumps(changed_old, ensure_ascii=False),
                     "new": json.dumps(changed_new, ensure_ascii=False)})
    if rows:
        conn.execute(insert(s.record_change), rows)
    return len(rows)


def _differs(old, new) -> bool:
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
        return not math.isclose(float(old), float(new), rel_tol=0, abs_tol=1e-9)
    return old != new


def _project_district(conn: Connection, row: dict) -> str:
    p = s.padme_project
    return conn.execute(select(p.c.dist_code).where(p.c.project_id == row["project_id"])).scalar_one()


def file_quarter(conn: Connection, source: str, districts: Iterable[str], period: FiscalQuarter,
                 actor: str, at: dt.datetime) -> None:
    """Mark the districts' report of `source` for `period` filed (the first filing's time is kept)."""
    if source not in FILED_SOURCES:
        return
    f = s.report_filing
    for dist in sorted(set(districts)):
        where = (f.c.source == source, f.c.dist_code == dist, f.c.fiscal_year == period.year,
                 f.c.quarter == period.quarter)
        done = conn.execute(update(f).where(*where).values(last_filed_at=at, filed_by=actor,
                                                            n_filings=f.c.n_filings + 1)).rowcount
        if not done:
            conn.execute(insert(f).values(source=source, dist_code=dist, fiscal_year=period.year,
                                          quarter=period.quarter, filed_at=at, last_filed_at=at, filed_by=actor,
                                          n_filings=1))


def history(reader: ScopedReader, area: Area, source: str, record_key: str) -> pd.DataFrame:
    """One record's changes, newest first: at, actor, via, revision, field, old, new (one row a field)."""
    c = s.record_change
    stmt = (select(c.c.change_id, c.c.at, c.c.actor, c.c.via, c.c.revision, c.c.old, c.c.new)
            .select_from(c.join(s.district, s.district.c.dist_code == c.c.dist_code)
                         .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
            .where(c.c.source == source, c.c.record_key == record_key)
            .order_by(c.c.change_id.desc()))
    changes = reader.frame(stmt, area, ByDistrict(c.c.dist_code))
    rows = []
    for change in changes.itertuples(index=False):
        old, new = json.loads(change.old) if change.old else {}, json.loads(change.new)
        for field in new:
            rows.append({"at": change.at, "actor": change.actor, "via": change.via, "revision": change.revision,
                         "field": field, "old": old.get(field), "new": new[field]})
    return pd.DataFrame(rows, columns=["at", "actor", "via", "revision", "field", "old", "new"])


def last_change(conn: Connection, source: str, record_key: str) -> dict | None:
    """Who changed a record last and when (None: never changed by a field report)."""
    c = s.record_change
    row = conn.execute(select(c.c.actor, c.c.at, c.c.via).where(c.c.source == source, c.c.record_key == record_key)
                       .order_by(c.c.change_id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None
