"""Imports of One Data exports: every row validated, all or nothing, rollups and version in the same
transaction.

A file is read in chunks (CSV in UTF-8, UTF-8 with BOM, or TIS-620/CP874 as Thai Excel saves it; or
XLSX), each chunk checked column by column against its contract (data_access/contracts.py,
docs/DATA_CONTRACT.md), and upserted by the source's natural key inside one transaction. Any invalid
row rejects the whole file: the transaction is rolled back, so every table and rollup is exactly as
before, and the report names the file, row, column, value and reason of each problem (the first
MAX_REPORTED, with the total count). Rows are numbered as a spreadsheet shows them: the header is
row 1. Validation is vectorised (pandas) and rows go to the database as plain tuples (PostgreSQL:
COPY into a staging table), because a national file has millions of rows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import (Boolean, Column as SqlColumn, Connection, Date, DateTime, Engine, MetaData, Table, func,
                        case, insert, literal_column, or_, select)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from metrics.fiscal import FiscalQuarter

from . import access, audit, changes, readfile, rollups, schema as s, storecheck, versions, writelock
from .clock import utcnow
from .contracts import CONTRACTS, MAX_NUMBER, Column, Contract, template  # noqa: F401  (the import API in one place)
from .readfile import Problem, Unreadable
from .scope import COUNTRY_ROLES, Area, Viewer
from .settings import import_limits

CHUNK_ROWS = 20_000
MAX_REPORTED = 200
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
YES = {"1", "true", "yes", "y", "ใช่", "มี"}
NO = {"0", "false", "no", "n", "ไม่ใช่", "ไม่มี"}


class ImportRejected(Exception):
    def __init__(self, file_name: str, problems: list[Problem], total: int):
        self.file_name, self.problems, self.total = file_name, problems, total
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"{self.file_name}: rejected, {self.total} problem(s); nothing was changed"]
        lines += [f"  {self.file_name}: {p}" for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  … and {self.total - len(self.problems)} more")
        return "\n".join(lines)


class ImportBusy(ImportRejected):
    """Another import of the same source held its lock for longer than `[imports] wait_seconds`."""


def _refuse(path: Path, reason: str, value: str = "") -> ImportRejected:
    return ImportRejected(path.name, [Problem(0, "", value, reason)], 1)


def read_chunks(path: Path, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The file's readable data rows as frames of text, indexed by spreadsheet row (tests, tools);
    an import reads `readfile.chunks`, which also carries the rows that could not be read."""
    for chunk in readfile.chunks(Path(path), rows or CHUNK_ROWS):
        yield chunk.frame


# --- parsing, a column at a time --------------------------------------------------------------------
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]"  # not tab, newline or return
BE_YEARS = (2400, 2700)  # a "year" in this range is a Buddhist Era year (CE 1857–2157)


def _parse(column: Column, text: pd.Series, ref: "_Reference") -> tuple[pd.Series, pd.Series]:
    """(values, reasons) for the non-empty cells of one column: a reason is '' when the cell is good."""
    ok = pd.Series("", index=text.index, dtype=object)
    if column.kind == "text":
        return text, ok
    if column.kind in ("int", "range"):
        cleaned = text.str.translate(THAI_DIGITS).str.replace(",", "", regex=False)
        whole = cleaned.str.fullmatch(r"[+-]?[0-9]+").astype(bool)
        digits = cleaned.str.lstrip("+-").str.lstrip("0").str.len()
        fits = whole & (digits <= 18)  # below 10^18: parsed exactly, never through a float
        values = pd.to_numeric(cleaned.where(fits), errors="coerce").astype("Int64")
        negative = fits & (values < 0).fillna(False)
        reasons = ok.mask(~whole, "not a valid whole number").mask(negative, "must not be negative")
        if column.bounds:
            low, high = column.bounds
            outside = fits & ~negative & ~values.between(low, high).fillna(False)
            reasons = reasons.mask(outside, f"must be between {low} and {high}")
        else:
            too_big = whole & ~negative & (~fits | (values > column.maximum).fillna(False))
            reasons = reasons.mask(too_big, f"too large: at most {column.maximum:,}")
        return values.where(reasons == "", None), reasons
    if column.kind == "number":
        cleaned = text.str.translate(THAI_DIGITS).str.replace(",", "", regex=False)
        values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
        spelled_nan = cleaned.str.strip().str.lower().str.lstrip("+-").isin(("nan", "inf", "infinity"))
        reasons = ok.mask(values.isna() & ~spelled_nan, "not a number")
        reasons = reasons.mask(spelled_nan | np.isinf(values.fillna(0)), "not a finite number")
        reasons = reasons.mask((reasons == "") & (values.abs() > MAX_NUMBER).fillna(False),
                               f"too large: at most {MAX_NUMBER:,.0f} either way")
        return values, reasons
    if column.kind in ("date", "timestamp"):
        if column.kind == "date":
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            reasons = ok.mask(values.isna(), "not a valid date (YYYY-MM-DD, CE)")
        else:
            bare = text.str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True).str.replace("T", " ", regex=False)
            values = pd.to_datetime(bare, format="ISO8601", errors="coerce")
            reasons = ok.mask(values.isna(), "not a valid date or date-time (YYYY-MM-DD[ HH:MM], CE)")
        return values, reasons.mask(reasons == "", _calendar_reasons(values, ref))
    lowered = text.str.strip().str.lower()
    values = lowered.isin(YES)
    return values, ok.mask(~values & ~lowered.isin(NO), "not a yes/no value (1/0, true/false, ใช่/ไม่ใช่)")


def _calendar_reasons(values: pd.Series, ref: "_Reference") -> pd.Series:
    """Dates must fall in the fiscal years the calendar holds; a Buddhist Era year is named as such."""
    reasons = pd.Series("", index=values.index, dtype=object)
    present = values.notna()
    if not present.any():
        return reasons
    years = values.dt.year
    be = present & years.between(*BE_YEARS)
    for year in sorted(years[be].unique()):
        reasons = reasons.mask(be & (years == year), f"the year {year} is a Buddhist Era year: dates are written "
                                                     f"in CE ({year} − 543 = {year - 543})")
    first, last = ref.date_bounds
    outside = present & ~be & ((values.dt.date < first) | (values.dt.date > last)).fillna(False)
    return reasons.mask(outside, f"outside the fiscal years the calendar holds ({first} to {last})")


# --- what rows may refer to -----------------------------------------------------------------------
@dataclass
class _Reference:
    """Loaded once per import (a few hundred thousand small values at most)."""
    subdistricts: set[str]
    districts: set[str]
    fiscal_years: set[int]
    indicators: set[str]
    budgets: dict[str, int]        # PADME project → budget
    project_districts: dict[str, str]
    reported: dict[str, int]       # PADME project → the largest disbursement it has reported

    @property
    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the fiscal years the calendar holds (FY n runs Oct n−544 – Sep n−543)."""
        if not self.fiscal_years:
            return dt.date.min, dt.date.max
        return dt.date(min(self.fiscal_years) - 544, 10, 1), dt.date(max(self.fiscal_years) - 543, 9, 30)

    @classmethod
    def load(cls, conn: Connection, contract: Contract) -> "_Reference":
        p, r = s.padme_project, s.padme_report
        padme = contract.source == "padme"
        projects = conn.execute(select(p.c.project_id, p.c.budget_baht, p.c.dist_code)).all() if padme else []
        return cls(set(conn.execute(select(s.subdistrict.c.subdist_code)).scalars()),
                   set(conn.execute(select(s.district.c.dist_code)).scalars()),
                   set(conn.execute(select(s.fiscal_quarter.c.fiscal_year).distinct()).scalars()),
                   set(conn.execute(select(s.sdg_indicator.c.indicator_code)).scalars()),
                   {row.project_id: row.budget_baht for row in projects},
                   {row.project_id: row.dist_code for row in projects},
                   dict(conn.execute(select(r.c.project_id, func.max(r.c.disb_actual_baht))
                                     .group_by(r.c.project_id)).all()) if padme else {})

    def missing(self, contract: Contract, frame: pd.DataFrame) -> list[tuple[str, pd.Series, str]]:
        """(column, rows that name something that does not exist, reason), in the order checked."""
        known = (("subdist_code", self.subdistricts, "no such subdistrict code"),
                 ("dist_code", self.districts, "no such district code"),
                 ("fiscal_year", self.fiscal_years, "no such fiscal year (BE)"),
                 ("survey_year", self.fiscal_years, "no such fiscal year (BE)"),
                 ("year", self.fiscal_years, "no such year (BE)"),
                 ("indicator_code", self.indicators, "no such SDG indicator"))
        out = []
        for column, values, reason in known:
            if column not in frame:
                continue
            if column in ("fiscal_year", "survey_year", "year"):
                ce = frame[column].between(1900, BE_YEARS[0] - 1).fillna(False) & ~frame[column].isin(list(values))
                out.append((column, ce, "a CE year: years here are Buddhist Era (CE + 543), e.g. "
                                        f"{max(values, default=2570)}"))
            out.append((column, ~frame[column].isin(list(values)), reason))
        if contract.table is s.padme_report:
            out.append(("project_id", ~frame["project_id"].isin(list(self.budgets)),
                        "no such PADME project (import the project first)"))
        return out

    def district_of(self, frame: pd.DataFrame) -> pd.Series:
        """The district whose rollups each row moves."""
        if "subdist_code" in frame:
            return frame["subdist_code"].str[:4]
        if "dist_code" in frame:
            return frame["dist_code"]
        return frame["project_id"].map(self.project_districts)


@dataclass
class _Checked:
    records: pd.DataFrame    # the good rows, parsed (index: row number)
    problems: list[Problem]  # in row order
    total: int               # problems found in the chunk (all of them, even past the cap)


def _validate(contract: Contract, raw: pd.DataFrame, ref: _Reference, cap: int) -> _Checked:
    """Every rule on every row of a chunk: column problems (all of them), then for a row whose cells
    are all good the first missing reference, then the first broken row rule."""
    found: list[tuple[pd.Series, str, pd.Series, str]] = []  # (rows, column, values shown, reason)
    parsed = pd.DataFrame(index=raw.index)
    bad = pd.Series(False, index=raw.index)
    for column in contract.columns:
        text = raw[column.name].astype(str).str.strip() if column.name in raw else pd.Series("", index=raw.index)
        empty = text == ""
        if column.required:
            found.append((empty, column.name, text, "required"))
        reasons = pd.Series("", index=raw.index, dtype=object)
        control = text.str.extract(f"({CONTROL})", expand=False)
        if control.notna().any():
            for char in control.dropna().unique():
                reasons = reasons.mask(control == char, f"contains the control character U+{ord(char):04X} "
                                                        "(invisible; remove it)")
        if column.allowed is not None:
            reasons = reasons.mask((reasons == "") & ~empty & ~text.isin(column.allowed),
                                   f"not one of {', '.join(column.allowed)}")
        values, parse_reasons = _parse(column, text.where(~empty & control.isna(),
                                                          "0" if column.kind in ("int", "range") else ""), ref)
        reasons = reasons.mask((reasons == "") & ~empty, parse_reasons)
        for reason in reasons[reasons != ""].unique():
            found.append((reasons == reason, column.name, text, reason))
        bad |= (reasons != "") | (empty & column.required)
        parsed[column.name] = values.where(~empty, None) if column.kind != "flag" else values
    def shown(column: str) -> pd.Series:  # an optional column may be missing from the file altogether
        return raw[column].astype(str).str.strip() if column in raw else pd.Series("", index=raw.index)
    for column, rows, reason in ref.missing(contract, parsed):
        hit = rows & ~bad
        found.append((hit, column, shown(column), reason))
        bad |= hit
    for check in contract.checks:
        hit = check.breaks(parsed, ref).fillna(False).astype(bool) & ~bad
        found.append((hit, check.column, shown(check.column), check.reason))
        bad |= hit
    order = {c.name: i for i, c in enumerate(contract.columns)}
    total = int(sum(int(rows.sum()) for rows, *_ in found))
    problems = []
    for rows, column, shown, reason in found:
        picked = rows[rows].index[:cap]
        problems += [Problem(int(r), column, str(shown.at[r]), reason) for r in picked]
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return _Checked(parsed[~bad], problems[:cap], total)


def _key_digests(contract: Contract, frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit digest of each row's natural key: 8 bytes a row, whatever the file's size."""
    return pd.util.hash_pandas_object(frame[list(contract.key)].astype(str), index=False).to_numpy()


def _duplicates(contract: Contract, path: Path, digests: list[np.ndarray], ref: _Reference) -> list[Problem]:
    """Rows whose key an earlier row already had. The digests are sorted once; only when two match is
    the file read again, to name the rows (a digest clash alone is no error)."""
    ordered = np.concatenate(digests) if digests else np.empty(0, dtype=np.uint64)
    ordered.sort()
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return []
    problems, first = [], {}
    for raw in read_chunks(path):
        checked = _validate(contract, raw, ref, 0)
        rows = checked.records[np.isin(_key_digests(contract, checked.records), repeated)]
        for row_no, key in zip(rows.index, rows[list(contract.key)].itertuples(index=False, name=None)):
            if key in first:
                problems.append(Problem(int(row_no), ", ".join(contract.key), " / ".join(map(str, key)),
                                        f"duplicate key (first at row {first[key]})"))
            else:
                first[key] = int(row_no)
    return problems


# --- writing ---------------------------------------------------------------------------------------
def _db_values(table: Table, frame: pd.DataFrame) -> list[tuple]:
    """The table's columns in order as plain driver values: ISO text for dates and times (what
    SQLAlchemy stores in SQLite, and what PostgreSQL's COPY reads), 1/0 for flags, None for empty."""
    columns = []
    for column in table.columns:
        values = frame[column.name]
        if isinstance(column.type, DateTime):
            values = values.dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        elif isinstance(column.type, Date):
            values = values.dt.strftime("%Y-%m-%d")
        elif isinstance(column.type, Boolean):
            values = values.astype(int)
        values = values.astype(object)
        columns.append(values.where(values.notna(), None))
    return list(zip(*columns))


def _stage(conn: Connection, table: Table) -> Table:
    """A copy of the table's columns, private to this transaction, that a chunk is COPYed into
    (PostgreSQL); it disappears with the transaction, committed or rolled back."""
    name = f"import_stage_{table.name}"
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE IF NOT EXISTS "{name}" (LIKE "{table.name}") ON COMMIT DROP')
    return Table(name, MetaData(), *(SqlColumn(c.name, c.type) for c in table.columns))


def _updates(table: Table, contract: Contract, stmt, keep: tuple[str, ...] = ()) -> dict:
    """What an upsert sets on a row that exists: every column from the file but those it did not have
    (`keep`: an optional column the file left out keeps what the row holds), and one more revision."""
    out = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in contract.key + keep}
    if "revision" in table.c:  # only a row whose values change (the same file twice moves nothing)
        changed = or_(*(table.c[n].is_distinct_from(stmt.excluded[n]) for n in out if n not in ("updated_at", "revision")))
        # literal_column, not a bound 1: SQLite's executemany takes the rows' parameters only
        out["revision"] = case((changed, table.c.revision + literal_column("1")), else_=table.c.revision)
    return out


def _write(conn: Connection, contract: Contract, records: pd.DataFrame, keep: tuple[str, ...] = ()) -> set[str]:
    """Upsert the chunk; returns the districts its existing rows sat in before (a row may move).
    `keep`: optional columns the file did not have, left as they are on existing rows."""
    table = contract.table
    rows = _db_values(table, records)
    names = [c.name for c in table.columns]
    single_key_dist = "dist_code" in table.c and len(contract.key) == 1
    if conn.dialect.name == "postgresql":
        stage = _stage(conn, table)
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{stage.name}" ({", ".join(names)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        moved = set()
        if single_key_dist:
            key = contract.key[0]
            moved = set(conn.execute(select(table.c.dist_code).distinct()
                                     .join(stage, stage.c[key] == table.c[key])).scalars())
        stmt = postgresql.insert(table).from_select(names, select(*stage.c))
        conn.execute(stmt.on_conflict_do_update(index_elements=list(contract.key),
                                                set_=_updates(table, contract, stmt, keep)))
        conn.execute(stage.delete())
        return moved
    moved = set()
    if single_key_dist:
        key, ids = contract.key[0], records[contract.key[0]].tolist()
        for start in range(0, len(ids), 5_000):  # below SQLite's limit on bound parameters
            moved.update(conn.execute(select(table.c.dist_code).distinct()
                                      .where(table.c[key].in_(ids[start:start + 5_000]))).scalars())
    stmt = sqlite.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(contract.key), set_=_updates(table, contract, stmt, keep))
    compiled = stmt.compile(dialect=conn.dialect, column_keys=names)
    order = [names.index(p) for p in compiled.positiontup]
    conn.exec_driver_sql(str(compiled), [tuple(row[i] for i in order) for row in rows])
    return moved


def _derive(contract: Contract, records: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    out = records.copy()
    if "subdist_code" in out:
        out["dist_code"] = out["subdist_code"].str[:4]
    if "updated_at" in contract.table.c:
        out["updated_at"] = pd.Timestamp(now)
    if "revision" in contract.table.c:
        out["revision"] = 1  # a new row's; an existing row's goes up by one (_updates)
    for column in contract.table.c:  # an optional column a file may leave out
        if column.name not in out and column.nullable:
            out[column.name] = None
    return out


# Where each source's newest event date lives: "data through" is recomputed from these after every
# import (never kept as a running maximum, so a corrected date corrects it).
EVENT_DATES = {
    "padme": ((s.padme_report, ("reported_at",)),),
    "cebrs": ((s.cebrs_project, ("approved_on", "disbursed_on", "completed_on")),),
    "thaiqm": ((s.thaiqm_household, ("started_on", "resolved_on")),),
}


def data_through(conn: Connection, source: str, default: dt.date) -> dt.date:
    """The newest event date the source's tables hold (SDG values have years, not dates: `default`)."""
    found = []
    for table, columns in EVENT_DATES.get(source, ()):
        found += [v for v in conn.execute(select(*(func.max(table.c[c]) for c in columns))).one() if v is not None]
    days = [pd.Timestamp(v).date() for v in found]
    return max(days) if days else default


@dataclass(frozen=True)
class _Fence:
    """An area's own upload (a governor's, a district officer's): every row must lie in their area,
    every changed record's history is kept, and the quarter `period` is marked filed for the
    districts it reported (ThaiQM, CEBRS)."""
    viewer: Viewer
    period: FiscalQuarter | None

    def outside(self, conn: Connection, contract: Contract, ref: "_Reference",
                records: pd.DataFrame) -> list[tuple[str, pd.Series, str]]:
        column = next(c for c in ("subdist_code", "dist_code", "project_id") if c in records)
        new = ref.district_of(records)
        table = contract.table
        old = pd.Series(None, index=records.index, dtype=object)
        if "dist_code" in table.c and len(contract.key) == 1 and contract.key[0] not in ("dist_code",):
            stored = {k[0]: row["dist_code"] for k, row in
                      changes.current(conn, contract, [(changes.plain(v),) for v in records[contract.key[0]]]).items()}
            old = records[contract.key[0]].map(lambda v: stored.get(changes.plain(v)))
        def mine(dist) -> bool:
            return dist is None or (isinstance(dist, str) and access.allowed(self.viewer, "report", Area("district", dist)))
        area = f"{self.viewer.home}"
        return [(column, ~new.map(lambda d: isinstance(d, str) and mine(d)).astype(bool),
                 f"outside your area ({area}): you may report only for it"),
                ("" if column == "project_id" else column, ~old.map(mine).astype(bool),
                 f"this record belongs to a district outside your area ({area}) and cannot be moved into it")]


def import_file(engine: Engine, source: str, path: Path, user: str = "cli", viewer: Viewer | None = None,
                period: FiscalQuarter | None = None) -> dict:
    """Import one file of the kind `source` (a CONTRACTS name); returns a summary, or raises
    ImportRejected with the report (nothing changed; the refusal is in the import and audit logs).
    Every way a file can be wrong ends here as a report, never as another exception.

    With a `viewer` who has an area (a governor, a district officer) the file is that area's own
    upload (docs/ACCESS.md, `report`): only the kinds fieldreports.FIELD_KINDS, every row inside
    their area or the whole file is refused, each record's change kept in its history, and the
    districts' quarter `period` marked filed. An admin's import (no viewer, or a country role) is as before."""
    if source not in CONTRACTS:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(CONTRACTS)}")
    contract, path = CONTRACTS[source], Path(path)
    fence = None
    if viewer is not None and viewer.role not in COUNTRY_ROLES:
        from .fieldreports import FIELD_KINDS
        access.require(viewer, "report", viewer.home)
        user = viewer.name
        if source not in FIELD_KINDS:
            raise ImportRejected(path.name, [Problem(0, "", source, "an area uploads its reports ("
                                                     + ", ".join(FIELD_KINDS) + "); the plan's projects come "
                                                     "from the ministry's import")], 1)
        fence = _Fence(viewer, period)
    elif viewer is not None:
        access.require(viewer, "import")
        user = viewer.name
    if refusal := storecheck.write_refusal(engine):  # the SQLite file read-only, locked, gone or damaged:
        raise _refuse(path, refusal)  # refused before anything is written (its import log cannot take it either)
    started = utcnow()
    n_rows = 0
    try:
        with writelock.source_transaction(engine, contract.source, float(import_limits()["wait_seconds"])) as conn:
            n_rows, districts = _import(conn, contract, path, started, fence)
            rollups.rebuild(conn, contract.source, districts)
            through = data_through(conn, contract.source, started.date())
            versions.bump(conn, contract.source, through)
            rollups.rebuild_to_date(conn, contract.source, through, districts)
            if fence is not None and fence.period is not None:
                changes.file_quarter(conn, contract.source, districts, fence.period, user, started)
            _log(conn, contract.source, path.name, user, started, n_rows, True, f"{contract.name}: {n_rows} rows")
    except writelock.Busy as busy:
        rejected: ImportRejected = ImportBusy(path.name, [Problem(0, "", "", str(busy))], 1)
    except Unreadable as unreadable:
        rejected = ImportRejected(path.name, [unreadable.problem], 1)
    except ImportRejected as refused:
        rejected = refused
    except FileNotFoundError:
        raise
    except (OSError, MemoryError) as exc:  # the file vanished mid-read, a disk error, no memory for it
        rejected = ImportRejected(path.name, [Problem(0, "", "", f"the file could not be read ({type(exc).__name__})")], 1)
    except OperationalError as exc:  # the SQLite file turned read-only, locked or gone mid-import: rolled back
        if (reason := storecheck.write_failure(engine, exc)) is None:
            raise
        raise _refuse(path, reason) from None
    else:
        return {"source": contract.name, "file": path.name, "rows": n_rows, "districts": len(districts)}
    with engine.begin() as conn:  # the data transaction is gone; only the log of the refusal stays
        _log(conn, contract.source, path.name, user, started, n_rows, False, rejected.report())
    raise rejected


def _import(conn: Connection, contract: Contract, path: Path, started: dt.datetime,
            fence: _Fence | None = None) -> tuple[int, set[str]]:
    """Validate and write every chunk inside the caller's transaction; ImportRejected on any problem."""
    problems: list[Problem] = []
    total, n_rows = 0, 0
    districts: set[str] = set()
    digests: list[np.ndarray] = []
    ref = _Reference.load(conn, contract)
    for chunk in readfile.chunks(path, CHUNK_ROWS):
        raw = chunk.frame
        if n_rows == 0 and not problems:
            missing = [c.name for c in contract.columns if c.required and c.name not in raw.columns]
            if missing:
                raise ImportRejected(path.name, [Problem(1, ", ".join(missing), "",
                                                         "required column(s) missing from the header")], 1)
        n_rows += len(raw) + len(chunk.problems)
        problems += chunk.problems[:max(0, MAX_REPORTED - len(problems))]
        total += len(chunk.problems)
        if raw.empty:
            continue
        checked = _validate(contract, raw, ref, MAX_REPORTED)
        if fence is not None:
            checked = _fenced(conn, contract, ref, raw, checked, fence)
        problems += checked.problems[:max(0, MAX_REPORTED - len(problems))]
        total += checked.total
        records = checked.records
        digests.append(_key_digests(contract, records))
        if total:
            continue  # keep validating to report every problem, but write nothing more
        records = records[~records.duplicated(list(contract.key))]  # a repeat is reported at the end
        if records.empty:
            continue
        districts.update(ref.district_of(records).dropna())
        keep = tuple(c.name for c in contract.columns if not c.required and c.name not in raw.columns)
        derived = _derive(contract, records, started)
        before = None if fence is None else changes.current(
            conn, contract, [tuple(changes.plain(v) for v in key) for key in
                             derived[list(contract.key)].itertuples(index=False, name=None)])
        districts.update(_write(conn, contract, derived, keep))
        if fence is not None:
            changes.record(conn, contract, before, derived, fence.viewer.name, "upload", started)
    if n_rows == 0:
        raise ImportRejected(path.name, [Problem(1, "", "", "the file has no data rows")], 1)
    repeats = _duplicates(contract, path, digests, ref)
    total += len(repeats)
    if total:
        problems = sorted(problems + repeats[:MAX_REPORTED], key=lambda p: p.row)
        raise ImportRejected(path.name, problems[:MAX_REPORTED], total)
    return n_rows, districts


def _fenced(conn: Connection, contract: Contract, ref: _Reference, raw: pd.DataFrame, checked: _Checked,
            fence: _Fence) -> _Checked:
    """The chunk's good rows that lie outside the uploader's area become problems too."""
    records, problems, total = checked.records, list(checked.problems), checked.total
    for column, rows, reason in fence.outside(conn, contract, ref, records):
        hit = rows[rows].index.intersection(records.index)
        shown = raw[column] if column in raw else pd.Series("", index=raw.index)
        problems += [Problem(int(r), column, str(shown.at[r]), reason) for r in hit[:MAX_REPORTED]]
        total += len(hit)
        records = records.drop(index=hit, errors="ignore")
    problems.sort(key=lambda p: p.row)
    return _Checked(records, problems[:MAX_REPORTED], total)


def _log(conn, source, name, user, started, n_rows, accepted, report) -> None:
    conn.execute(insert(s.import_log).values(source=source, file_name=name, imported_by=user, started_at=started,
                                             finished_at=utcnow(), n_rows=n_rows, accepted=accepted,
                                             report=report[:20_000]))
    audit.record(conn, user, "import", source, f"{name}: {'accepted' if accepted else 'rejected'}, {n_rows} rows")
