"""Imports of One Data exports: every row validated, all or nothing, rollups and version in the same
transaction.

A file is read in chunks (CSV in UTF-8, UTF-8 with BOM, or TIS-620/CP874 as Thai Excel saves it; or
XLSX), each row checked against the source's contract (docs/DATA_CONTRACT.md), and upserted by the
source's natural key inside one transaction. Any invalid row rejects the whole file: the transaction
is rolled back, so every table and rollup is exactly as before, and the report names the file, row,
column, value and reason of each problem (the first MAX_REPORTED, with the total count). Rows are
numbered as a spreadsheet shows them: the header is row 1.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from . import audit, rollups, schema as s, versions
from .db import utcnow

CHUNK_ROWS = 20_000
MAX_REPORTED = 200
ENCODINGS = ("utf-8-sig", "cp874")  # cp874 is the Windows superset of TIS-620


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


# --- reading ---------------------------------------------------------------------------------------
def _encoding(path: Path) -> str:
    """The first of ENCODINGS that decodes the whole file, checked in blocks (memory stays bounded)."""
    import codecs
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
    raise ImportRejected(path.name, [Problem(0, "", "", "the file is neither UTF-8 nor TIS-620/CP874 text")], 1)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """The file's data rows as {column: text}, in order, streamed (XLSX: the first sheet)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
            for values in rows:
                if values is None or all(v is None for v in values):
                    continue
                yield {h: _cell_text(v) for h, v in zip(header, values)}
        finally:
            book.close()
        return
    with path.open(encoding=_encoding(path), newline="") as fh:
        yield from csv.DictReader(fh)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- contracts -------------------------------------------------------------------------------------
Parser = Callable[[str], object]


def _int(text: str) -> int:
    value = int(text.replace(",", ""))
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _number(text: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError("not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


def _flag(text: str) -> bool:
    """A yes/no cell as Thai Excel exports write it."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "y", "ใช่", "มี"):
        return True
    if lowered in ("0", "false", "no", "n", "ไม่ใช่", "ไม่มี"):
        return False
    raise ValueError("not a yes/no value (1/0, true/false, ใช่/ไม่ใช่)")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser = str
    required: bool = True
    allowed: tuple[str, ...] | None = None


@dataclass
class Contract:
    source: str
    table: object
    key: tuple[str, ...]
    columns: list[Column]
    checks: list[Callable[[dict], tuple[str, str] | None]] = field(default_factory=list)


def _cebrs_checks() -> list:
    def disbursed_within_approved(r):
        if r["disbursed_baht"] > r["approved_baht"]:
            return "disbursed_baht", "disbursed more than approved"
    def disbursed_after_approval(r):
        if r["disbursed_on"] is not None and r["disbursed_on"] < r["approved_on"]:
            return "disbursed_on", "disbursed before it was approved"
    def done_has_completion(r):
        if r["status"] == "done" and r["completed_on"] is None:
            return "completed_on", "a done project needs its completion date"
    def money_needs_date(r):
        if r["disbursed_baht"] > 0 and r["disbursed_on"] is None:
            return "disbursed_on", "a disbursed amount needs its disbursement date"
    return [disbursed_within_approved, disbursed_after_approval, done_has_completion, money_needs_date]


def _thaiqm_checks() -> list:
    def resolved_has_date(r):
        if r["status"] in ("helped", "self_resolved") and r["resolved_on"] is None:
            return "resolved_on", "a helped or self-resolved household needs its resolution date"
    def started_has_date(r):
        if r["status"] in ("in_progress", "helped", "self_resolved") and r["started_on"] is None:
            return "started_on", "work on this household needs its start date"
    def resolved_after_start(r):
        if r["started_on"] and r["resolved_on"] and r["resolved_on"] < r["started_on"]:
            return "resolved_on", "resolved before work started"
    def target_has_a_problem(r):
        if r["status"] != "surveyed" and not any(r[f"p_{d}"] for d in s.THAIQM_DIMENSIONS):
            return "status", "a target household needs a problem in at least one dimension"
    return [resolved_has_date, started_has_date, resolved_after_start, target_has_a_problem]


def _sdg_checks() -> list:
    def positive_weight(r):
        if r["weight"] <= 0:
            return "weight", "the population weight must be above 0"
    return [positive_weight]


CONTRACTS = {
    "cebrs": Contract("cebrs", s.cebrs_project, ("project_id",), [
        Column("project_id"), Column("fiscal_year", _int), Column("subdist_code"),
        Column("category", allowed=s.CEBRS_CATEGORIES), Column("title"),
        Column("approved_baht", _int), Column("disbursed_baht", _int),
        Column("beneficiary_households", _int), Column("beneficiary_people", _int),
        Column("status", allowed=s.CEBRS_STATUSES), Column("approved_on", _date),
        Column("disbursed_on", _date, required=False), Column("completed_on", _date, required=False),
    ], _cebrs_checks()),
    "thaiqm": Contract("thaiqm", s.thaiqm_household, ("household_id",), [
        Column("household_id", _int), Column("survey_year", _int), Column("subdist_code"),
        *(Column(f"p_{d}", _flag) for d in s.THAIQM_DIMENSIONS),
        Column("status", allowed=s.THAIQM_STATUSES),
        Column("started_on", _date, required=False), Column("resolved_on", _date, required=False),
    ], _thaiqm_checks()),
    "sdg": Contract("sdg", s.sdg_value, ("indicator_code", "dist_code", "year"), [
        Column("indicator_code"), Column("dist_code"), Column("year", _int), Column("value", _number),
        Column("weight", _number),
    ], _sdg_checks()),
}


# --- validation ------------------------------------------------------------------------------------
@dataclass
class _Reference:
    subdistricts: set[str]
    districts: set[str]
    fiscal_years: set[int]
    indicators: set[str]

    @classmethod
    def load(cls, conn: Connection) -> "_Reference":
        return cls(set(conn.execute(select(s.subdistrict.c.subdist_code)).scalars()),
                   set(conn.execute(select(s.district.c.dist_code)).scalars()),
                   set(conn.execute(select(s.fiscal_quarter.c.fiscal_year).distinct()).scalars()),
                   set(conn.execute(select(s.sdg_indicator.c.indicator_code)).scalars()))

    def problem(self, record: dict) -> tuple[str, str] | None:
        """The first reference a record names that does not exist: (column, reason)."""
        checks = (("subdist_code", self.subdistricts, "no such subdistrict code"),
                  ("dist_code", self.districts, "no such district code"),
                  ("fiscal_year", self.fiscal_years, "no such fiscal year (BE)"),
                  ("survey_year", self.fiscal_years, "no such fiscal year (BE)"),
                  ("year", self.fiscal_years, "no such year (BE)"),
                  ("indicator_code", self.indicators, "no such SDG indicator"))
        for column, known, reason in checks:
            if column in record and record[column] not in known:
                return column, reason
        return None


def _validate(contract: Contract, raw: dict[str, str], row_no: int, ref: _Reference,
              problems: list[Problem]) -> dict | None:
    record, ok = {}, True
    for column in contract.columns:
        text = (raw.get(column.name) or "").strip()
        if not text:
            if column.required:
                problems.append(Problem(row_no, column.name, "", "required"))
                ok = False
            record[column.name] = None
            continue
        if column.allowed is not None and text not in column.allowed:
            problems.append(Problem(row_no, column.name, text, f"not one of {', '.join(column.allowed)}"))
            ok = False
            continue
        try:
            record[column.name] = column.parse(text)
        except ValueError as exc:
            reason = str(exc) if column.parse in (_flag, _number) or "negative" in str(exc) \
                else f"not a valid {column.parse.__name__.strip('_') or 'value'}"
            problems.append(Problem(row_no, column.name, text, reason))
            ok = False
    if not ok:
        return None
    if missing := ref.problem(record):
        column, reason = missing
        problems.append(Problem(row_no, column, str(record[column]), reason))
        return None
    for check in contract.checks:
        if found := check(record):
            column, reason = found
            problems.append(Problem(row_no, column, str(record[column]), reason))
            return None
    return record


def _upsert(conn: Connection, contract: Contract, records: list[dict]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(contract.table)
    updates = {c.name: stmt.excluded[c.name] for c in contract.table.columns if c.name not in contract.key}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(contract.key), set_=updates), records)


def _derive(contract: Contract, record: dict, now: dt.datetime) -> dict:
    if contract.source in ("cebrs", "thaiqm"):
        return {**record, "dist_code": record["subdist_code"][:4], "updated_at": now}
    return record


def import_file(engine: Engine, source: str, path: Path, user: str = "cli") -> dict:
    """Import one file; returns a summary, or raises ImportRejected with the report (nothing changed)."""
    if source not in CONTRACTS:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(CONTRACTS)}")
    contract, path = CONTRACTS[source], Path(path)
    started, problems, seen, districts = utcnow(), [], {}, set()
    n_rows, latest = 0, None
    try:
        with engine.begin() as conn:
            ref = _Reference.load(conn)
            chunk: list[dict] = []
            rows = read_rows(path)
            for row_no, raw in enumerate(rows, start=2):
                if row_no == 2:
                    missing = [c.name for c in contract.columns if c.required and c.name not in raw]
                    if missing:
                        problems.append(Problem(1, ", ".join(missing), "", "required column(s) missing from the header"))
                        break
                n_rows += 1
                record = _validate(contract, raw, row_no, ref, problems)
                if record is None:
                    continue
                key = tuple(record[k] for k in contract.key)
                if key in seen:
                    problems.append(Problem(row_no, ", ".join(contract.key), " / ".join(map(str, key)),
                                            f"duplicate key (first at row {seen[key]})"))
                    continue
                seen[key] = row_no
                if problems:
                    continue  # keep validating to report every problem, but write nothing more
                chunk.append(_derive(contract, record, started))
                districts.add(chunk[-1].get("dist_code"))
                dates = [v for k, v in record.items() if isinstance(v, dt.date) and k.endswith("_on")]
                latest = max([latest, *dates]) if latest else max(dates, default=None)
                if len(chunk) >= CHUNK_ROWS:
                    _upsert(conn, contract, chunk)
                    chunk = []
            if n_rows == 0 and not problems:
                problems.append(Problem(1, "", "", "the file has no data rows"))
            if problems:
                raise ImportRejected(path.name, problems[:MAX_REPORTED], len(problems))
            if chunk:
                _upsert(conn, contract, chunk)
            rollups.rebuild(conn, source, districts)
            versions.bump(conn, source, latest or started.date())
            _log(conn, source, path.name, user, started, n_rows, True, f"{n_rows} rows")
    except ImportRejected as rejected:
        with engine.begin() as conn:  # the data transaction is gone; only the log of the refusal stays
            _log(conn, source, path.name, user, started, n_rows, False, rejected.report())
        raise
    return {"source": source, "file": path.name, "rows": n_rows, "districts": len(districts)}


def _log(conn, source, name, user, started, n_rows, accepted, report) -> None:
    conn.execute(insert(s.import_log).values(source=source, file_name=name, imported_by=user, started_at=started,
                                             finished_at=utcnow(), n_rows=n_rows, accepted=accepted,
                                             report=report[:20_000]))
    audit.record(conn, user, "import", source, f"{name}: {'accepted' if accepted else 'rejected'}, {n_rows} rows")
