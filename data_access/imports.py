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

import codecs
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import (Boolean, Column as SqlColumn, Connection, Date, DateTime, Engine, MetaData, Table, func,
                        insert, select)
from sqlalchemy.dialects import postgresql, sqlite

from . import audit, rollups, schema as s, versions
from .contracts import CONTRACTS, Column, Contract, template  # noqa: F401  (the import API in one place)
from .clock import utcnow

CHUNK_ROWS = 20_000
MAX_REPORTED = 200
ENCODINGS = ("utf-8-sig", "cp874")  # cp874 is the Windows superset of TIS-620
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
YES = {"1", "true", "yes", "y", "ใช่", "มี"}
NO = {"0", "false", "no", "n", "ไม่ใช่", "ไม่มี"}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}, value {self.value!r}: {self.reason}"


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


def _refuse(path: Path, reason: str, value: str = "") -> ImportRejected:
    return ImportRejected(path.name, [Problem(0, "", value, reason)], 1)


# --- reading ---------------------------------------------------------------------------------------
def _encoding(path: Path) -> str:
    """The first of ENCODINGS that decodes the whole file, checked in blocks (memory stays bounded)."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _refuse(path, "the file is neither UTF-8 nor TIS-620/CP874 text")


def read_chunks(path: Path, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The file's data rows as frames of text ('' for an empty cell), CHUNK_ROWS at a time, in order;
    the index is the spreadsheet row number (the header is row 1). XLSX: the first sheet."""
    rows = rows or CHUNK_ROWS
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise _refuse(path, "not a CSV or XLSX file (save an .xls as .xlsx)", suffix)
    first = 2
    for chunk in (_xlsx_chunks(path, rows) if suffix == ".xlsx" else _csv_chunks(path, rows)):
        chunk.index = pd.RangeIndex(first, first + len(chunk))
        first += len(chunk)
        yield chunk


def _csv_chunks(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding=_encoding(path),
                         chunksize=rows, skip_blank_lines=True)
    with reader:
        for chunk in reader:
            yield chunk.fillna("")


def _xlsx_chunks(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _refuse(path, "not a readable Excel workbook (damaged, password-protected or not .xlsx)") from None
    try:
        cells = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(cells, ())]
        batch: list[list[str]] = []
        for values in cells:
            if values is None or all(v is None for v in values):
                continue
            batch.append([_cell_text(v) for v in values[:len(header)]] + [""] * (len(header) - len(values)))
            if len(batch) >= rows:
                yield pd.DataFrame(batch, columns=header, dtype=str)
                batch = []
        if batch:
            yield pd.DataFrame(batch, columns=header, dtype=str)
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- parsing, a column at a time --------------------------------------------------------------------
def _parse(column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(values, reasons) for the non-empty cells of one column: a reason is '' when the cell is good."""
    ok = pd.Series("", index=text.index, dtype=object)
    if column.kind == "text":
        return text, ok
    if column.kind in ("int", "range"):
        cleaned = text.str.translate(THAI_DIGITS).str.replace(",", "", regex=False)
        whole = cleaned.str.fullmatch(r"[+-]?[0-9]+").astype(bool)
        values = pd.to_numeric(cleaned.where(whole), errors="coerce").astype("Int64")
        reasons = ok.mask(~whole, "not a valid whole number").mask(whole & (values < 0).fillna(False),
                                                                 "must not be negative")
        if column.bounds:
            low, high = column.bounds
            outside = whole & (values >= 0).fillna(False) & ~values.between(low, high).fillna(False)
            reasons = reasons.mask(outside, f"must be between {low} and {high}")
        return values, reasons
    if column.kind == "number":
        cleaned = text.str.translate(THAI_DIGITS).str.replace(",", "", regex=False)
        values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
        spelled_nan = cleaned.str.strip().str.lower().str.lstrip("+-").isin(("nan", "inf", "infinity"))
        reasons = ok.mask(values.isna() & ~spelled_nan, "not a number")
        reasons = reasons.mask(spelled_nan | np.isinf(values.fillna(0)), "not a finite number")
        return values, reasons
    if column.kind == "date":
        values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return values, ok.mask(values.isna(), "not a valid date (YYYY-MM-DD, CE)")
    if column.kind == "timestamp":
        bare = text.str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True).str.replace("T", " ", regex=False)
        values = pd.to_datetime(bare, format="ISO8601", errors="coerce")
        return values, ok.mask(values.isna(), "not a valid date or date-time (YYYY-MM-DD[ HH:MM], CE)")
    lowered = text.str.strip().str.lower()
    values = lowered.isin(YES)
    return values, ok.mask(~values & ~lowered.isin(NO), "not a yes/no value (1/0, true/false, ใช่/ไม่ใช่)")


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
        out = [(column, ~frame[column].isin(list(values)), reason)
               for column, values, reason in known if column in frame]
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
        if column.allowed is not None:
            reasons = reasons.mask(~empty & ~text.isin(column.allowed), f"not one of {', '.join(column.allowed)}")
        values, parse_reasons = _parse(column, text.where(~empty, "0" if column.kind in ("int", "range") else ""))
        reasons = reasons.mask((reasons == "") & ~empty, parse_reasons)
        for reason in reasons[reasons != ""].unique():
            found.append((reasons == reason, column.name, text, reason))
        bad |= (reasons != "") | (empty & column.required)
        parsed[column.name] = values.where(~empty, None) if column.kind != "flag" else values
    for column, rows, reason in ref.missing(contract, parsed):
        hit = rows & ~bad
        found.append((hit, column, raw[column].astype(str).str.strip(), reason))
        bad |= hit
    for check in contract.checks:
        hit = check.breaks(parsed, ref).fillna(False).astype(bool) & ~bad
        found.append((hit, check.column, raw[check.column].astype(str).str.strip(), check.reason))
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


def _write(conn: Connection, contract: Contract, records: pd.DataFrame) -> set[str]:
    """Upsert the chunk; returns the districts its existing rows sat in before (a row may move)."""
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
                                                set_={n: stmt.excluded[n] for n in names if n not in contract.key}))
        conn.execute(stage.delete())
        return moved
    moved = set()
    if single_key_dist:
        key, ids = contract.key[0], records[contract.key[0]].tolist()
        for start in range(0, len(ids), 5_000):  # below SQLite's limit on bound parameters
            moved.update(conn.execute(select(table.c.dist_code).distinct()
                                      .where(table.c[key].in_(ids[start:start + 5_000]))).scalars())
    stmt = sqlite.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(contract.key),
                                      set_={n: stmt.excluded[n] for n in names if n not in contract.key})
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
    return out


def _latest_date(records: pd.DataFrame) -> dt.date | None:
    """The newest event date among the rows (…_on dates, a report's reported_at)."""
    columns = [c for c in records if c.endswith("_on") or c == "reported_at"]
    if not columns or records.empty:
        return None
    latest = records[columns].max().max()
    return None if pd.isna(latest) else pd.Timestamp(latest).date()


def import_file(engine: Engine, source: str, path: Path, user: str = "cli") -> dict:
    """Import one file of the kind `source` (a CONTRACTS name); returns a summary, or raises
    ImportRejected with the report (nothing changed)."""
    if source not in CONTRACTS:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(CONTRACTS)}")
    contract, path = CONTRACTS[source], Path(path)
    started = utcnow()
    problems: list[Problem] = []
    total, n_rows, latest = 0, 0, None
    districts: set[str] = set()
    digests: list[np.ndarray] = []
    try:
        with engine.begin() as conn:
            ref = _Reference.load(conn, contract)
            header_ok = True
            for raw in read_chunks(path):
                if n_rows == 0:
                    missing = [c.name for c in contract.columns if c.required and c.name not in raw.columns]
                    if missing:
                        problems.append(Problem(1, ", ".join(missing), "", "required column(s) missing from the header"))
                        total, header_ok = 1, False
                        break
                n_rows += len(raw)
                checked = _validate(contract, raw, ref, MAX_REPORTED)
                problems += checked.problems[:max(0, MAX_REPORTED - len(problems))]
                total += checked.total
                records = checked.records
                digests.append(_key_digests(contract, records))
                if total:
                    continue  # keep validating to report every problem, but write nothing more
                records = records[~records.duplicated(list(contract.key))]  # a repeat is reported at the end
                districts.update(ref.district_of(records).dropna())
                districts.update(_write(conn, contract, _derive(contract, records, started)))
                day = _latest_date(records)
                latest = day if latest is None or (day and day > latest) else latest
            if n_rows == 0 and header_ok:
                problems, total = [Problem(1, "", "", "the file has no data rows")], 1
            if header_ok and n_rows:
                repeats = _duplicates(contract, path, digests, ref)
                total += len(repeats)
                problems = sorted(problems + repeats[:MAX_REPORTED], key=lambda p: p.row)
            if total:
                raise ImportRejected(path.name, problems[:MAX_REPORTED], total)
            rollups.rebuild(conn, contract.source, districts)
            versions.bump(conn, contract.source, latest or started.date())
            _log(conn, contract.source, path.name, user, started, n_rows, True, f"{contract.name}: {n_rows} rows")
    except ImportRejected as rejected:
        with engine.begin() as conn:  # the data transaction is gone; only the log of the refusal stays
            _log(conn, contract.source, path.name, user, started, n_rows, False, rejected.report())
        raise
    return {"source": contract.name, "file": path.name, "rows": n_rows, "districts": len(districts)}


def _log(conn, source, name, user, started, n_rows, accepted, report) -> None:
    conn.execute(insert(s.import_log).values(source=source, file_name=name, imported_by=user, started_at=started,
                                             finished_at=utcnow(), n_rows=n_rows, accepted=accepted,
                                             report=report[:20_000]))
    audit.record(conn, user, "import", source, f"{name}: {'accepted' if accepted else 'rejected'}, {n_rows} rows")
