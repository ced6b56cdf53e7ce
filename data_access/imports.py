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
import hashlib
import io
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select
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
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise ImportRejected(path.name, [Problem(0, "", suffix, "not a CSV or XLSX file (save an .xls as .xlsx)")], 1)
    if suffix == ".xlsx":
        from openpyxl import load_workbook
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ImportRejected(path.name, [Problem(0, "", "", "not a readable Excel workbook (damaged, "
                                                     "password-protected or not .xlsx)")], 1) from None
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
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise ValueError("not a valid whole number") from None
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _between(low: int, high: int) -> Parser:
    def parse(text: str) -> int:
        value = _int(text)
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    parse.bounds = (low, high)
    return parse


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a valid date (YYYY-MM-DD, CE)") from None


def _timestamp(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise ValueError("not a valid date or date-time (YYYY-MM-DD[ HH:MM], CE)") from None


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


KINDS = {str: "text", _int: "int", _number: "number", _date: "date", _timestamp: "timestamp", _flag: "flag"}


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser = str
    required: bool = True
    allowed: tuple[str, ...] | None = None

    @property
    def kind(self) -> str:
        """How the cell is read: text, int, range, number, date, timestamp or flag."""
        return KINDS.get(self.parse, "range" if hasattr(self.parse, "bounds") else "text")

    @property
    def bounds(self) -> tuple[int, int] | None:
        return getattr(self.parse, "bounds", None)


@dataclass
class Contract:
    """One kind of file: `name` is what the CLI and the upload page call it, `source` the data source
    whose rollups and version it moves; `example` is the template's sample row (a valid one)."""
    name: str
    source: str
    table: object
    key: tuple[str, ...]
    columns: list[Column]
    checks: list[Callable[[dict], tuple[str, str] | None]] = field(default_factory=list)
    example: dict[str, str] = field(default_factory=dict)


def _cebrs_checks() -> list:
    def disbursed_within_approved(r, ref):
        if r["disbursed_baht"] > r["approved_baht"]:
            return "disbursed_baht", "disbursed more than approved"
    def disbursed_after_approval(r, ref):
        if r["disbursed_on"] is not None and r["disbursed_on"] < r["approved_on"]:
            return "disbursed_on", "disbursed before it was approved"
    def done_has_completion(r, ref):
        if r["status"] == "done" and r["completed_on"] is None:
            return "completed_on", "a done project needs its completion date"
    def money_needs_date(r, ref):
        if r["disbursed_baht"] > 0 and r["disbursed_on"] is None:
            return "disbursed_on", "a disbursed amount needs its disbursement date"
    return [disbursed_within_approved, disbursed_after_approval, done_has_completion, money_needs_date]


def _thaiqm_checks() -> list:
    def resolved_has_date(r, ref):
        if r["status"] in ("helped", "self_resolved") and r["resolved_on"] is None:
            return "resolved_on", "a helped or self-resolved household needs its resolution date"
    def started_has_date(r, ref):
        if r["status"] in ("in_progress", "helped", "self_resolved") and r["started_on"] is None:
            return "started_on", "work on this household needs its start date"
    def resolved_after_start(r, ref):
        if r["started_on"] and r["resolved_on"] and r["resolved_on"] < r["started_on"]:
            return "resolved_on", "resolved before work started"
    def target_has_a_problem(r, ref):
        if r["status"] != "surveyed" and not any(r[f"p_{d}"] for d in s.THAIQM_DIMENSIONS):
            return "status", "a target household needs a problem in at least one dimension"
    return [resolved_has_date, started_has_date, resolved_after_start, target_has_a_problem]


def _sdg_checks() -> list:
    def positive_weight(r, ref):
        if r["weight"] <= 0:
            return "weight", "the population weight must be above 0"
    return [positive_weight]


def _padme_project_checks() -> list:
    def budget_covers_reports(r, ref):
        if r["budget_baht"] < ref.reported.get(r["project_id"], 0):
            return "budget_baht", "budget below what the project has already reported as disbursed"
    return [budget_covers_reports]


def _padme_report_checks() -> list:
    """Reported money is cumulative to the quarter's end and is checked against the project's budget
    (the project's row as it will be after this import, or as stored)."""
    def committed_covers_disbursed(r, ref):
        if r["committed_baht"] < r["disb_actual_baht"]:
            return "committed_baht", "committed less than disbursed"
    def disbursed_within_budget(r, ref):
        if r["disb_actual_baht"] > ref.projects[r["project_id"]].budget:
            return "disb_actual_baht", "disbursed more than the project's budget"
    def target_within_budget(r, ref):
        if r["disb_target_baht"] > ref.projects[r["project_id"]].budget:
            return "disb_target_baht", "disbursement target above the project's budget"
    return [committed_covers_disbursed, disbursed_within_budget, target_within_budget]


CONTRACTS = {c.name: c for c in (
    Contract("padme_projects", "padme", s.padme_project, ("project_id",), [
        Column("project_id"), Column("fiscal_year", _int), Column("dist_code"), Column("agency"),
        Column("name"), Column("indicator"), Column("indicator_unit"), Column("indicator_target", _number),
        Column("budget_baht", _int), Column("budget_type", allowed=s.PADME_BUDGET_TYPES),
        Column("national_strategy", _between(1, 6)), Column("master_plan"),
        Column("nesdp_milestone", _between(1, 13)), Column("cabinet_policy"), Column("moi_strategy"),
        Column("sdg_goal", _between(1, 17), required=False), Column("new_gov_policy", required=False),
    ], _padme_project_checks(), example={
        "project_id": "P2570-3001-0001", "fiscal_year": "2570", "dist_code": "3001",
        "agency": "สำนักงานจังหวัดนครราชสีมา", "name": "ก่อสร้างระบบประปาหมู่บ้าน ตำบลในเมือง",
        "indicator": "ครัวเรือนมีน้ำประปาใช้", "indicator_unit": "ครัวเรือน", "indicator_target": "350",
        "budget_baht": "2500000", "budget_type": "capital", "national_strategy": "2",
        "master_plan": "โครงสร้างพื้นฐาน ระบบโลจิสติกส์ และดิจิทัล", "nesdp_milestone": "13",
        "cabinet_policy": "การบริหารจัดการน้ำ", "moi_strategy": "เสริมสร้างความเข้มแข็งของชุมชน",
        "sdg_goal": "6", "new_gov_policy": ""}),
    Contract("padme_reports", "padme", s.padme_report, ("project_id", "quarter"), [
        Column("project_id"), Column("quarter", _between(1, 4)), Column("result_text"),
        Column("indicator_result", _number, required=False), Column("disb_target_baht", _int),
        Column("disb_actual_baht", _int), Column("committed_baht", _int),
        Column("status", allowed=s.PADME_STATUSES), Column("problems", required=False),
        Column("reported_at", _timestamp),
    ], _padme_report_checks(), example={
        "project_id": "P2570-3001-0001", "quarter": "1", "result_text": "ลงนามสัญญาจ้างแล้ว อยู่ระหว่างก่อสร้าง",
        "indicator_result": "0", "disb_target_baht": "300000", "disb_actual_baht": "250000",
        "committed_baht": "2400000", "status": "on_track", "problems": "", "reported_at": "2026-11-15 10:30"}),
    Contract("cebrs", "cebrs", s.cebrs_project, ("project_id",), [
        Column("project_id"), Column("fiscal_year", _int), Column("subdist_code"),
        Column("category", allowed=s.CEBRS_CATEGORIES), Column("title"),
        Column("approved_baht", _int), Column("disbursed_baht", _int),
        Column("beneficiary_households", _int), Column("beneficiary_people", _int),
        Column("status", allowed=s.CEBRS_STATUSES), Column("approved_on", _date),
        Column("disbursed_on", _date, required=False), Column("completed_on", _date, required=False),
    ], _cebrs_checks(), example={
        "project_id": "C2570-3001-0001", "fiscal_year": "2570", "subdist_code": "300101", "category": "flood",
        "title": "ช่วยเหลือผู้ประสบอุทกภัย ตำบลในเมือง", "approved_baht": "450000", "disbursed_baht": "300000",
        "beneficiary_households": "40", "beneficiary_people": "120", "status": "in_progress",
        "approved_on": "2026-10-05", "disbursed_on": "2026-10-20", "completed_on": ""}),
    Contract("thaiqm", "thaiqm", s.thaiqm_household, ("household_id",), [
        Column("household_id", _int), Column("survey_year", _int), Column("subdist_code"),
        *(Column(f"p_{d}", _flag) for d in s.THAIQM_DIMENSIONS),
        Column("status", allowed=s.THAIQM_STATUSES),
        Column("started_on", _date, required=False), Column("resolved_on", _date, required=False),
    ], _thaiqm_checks(), example={
        "household_id": "9000000001", "survey_year": "2570", "subdist_code": "300101", "p_health": "0",
        "p_living": "1", "p_education": "0", "p_income": "1", "p_access": "0", "status": "helped",
        "started_on": "2026-10-10", "resolved_on": "2026-11-12"}),
    Contract("sdg", "sdg", s.sdg_value, ("indicator_code", "dist_code", "year"), [
        Column("indicator_code"), Column("dist_code"), Column("year", _int), Column("value", _number),
        Column("weight", _number),
    ], _sdg_checks(), example={
        "indicator_code": "1.a", "dist_code": "3001", "year": "2569", "value": "6.4", "weight": "1"}),
)}


def _column_rule(column: Column) -> str:
    kind = {"int": "whole number ≥ 0", "number": "number", "date": "date YYYY-MM-DD (CE)", "flag": "yes/no (1/0)",
            "timestamp": "date-time YYYY-MM-DD HH:MM (CE)", "text": "text"}.get(column.kind)
    if column.bounds:
        kind = "whole number {} to {}".format(*column.bounds)
    allowed = f"; one of {', '.join(column.allowed)}" if column.allowed else ""
    return f"{'required' if column.required else 'optional'}; {kind}{allowed}"


def template(name: str, fmt: str = "csv") -> bytes:
    """A file to fill in: the contract's header and one valid example row (CSV in UTF-8 with BOM so
    Thai Excel opens it; XLSX with a second sheet describing every column)."""
    contract = CONTRACTS[name]
    header = [c.name for c in contract.columns]
    example = [contract.example.get(h, "") for h in header]
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows([header, example])
        return buffer.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown template format {fmt!r}; csv or xlsx")
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = name
    sheet.append(header)
    sheet.append(example)
    rules = book.create_sheet("columns")
    rules.append(["column", "rule"])
    for column in contract.columns:
        rules.append([column.name, _column_rule(column)])
    rules.append(["(key)", ", ".join(contract.key) + ": unique within the file; importing again updates"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- validation ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Project:
    budget: int
    dist_code: str


@dataclass
class _Reference:
    """What a row may refer to, loaded once per import (a few hundred thousand small values at most)."""
    subdistricts: set[str]
    districts: set[str]
    fiscal_years: set[int]
    indicators: set[str]
    projects: dict[str, _Project]
    reported: dict[str, int]  # the largest disbursement each PADME project has reported

    @classmethod
    def load(cls, conn: Connection, contract: Contract) -> "_Reference":
        p, r = s.padme_project, s.padme_report
        padme = contract.source == "padme"
        return cls(set(conn.execute(select(s.subdistrict.c.subdist_code)).scalars()),
                   set(conn.execute(select(s.district.c.dist_code)).scalars()),
                   set(conn.execute(select(s.fiscal_quarter.c.fiscal_year).distinct()).scalars()),
                   set(conn.execute(select(s.sdg_indicator.c.indicator_code)).scalars()),
                   {row.project_id: _Project(row.budget_baht, row.dist_code) for row in conn.execute(
                       select(p.c.project_id, p.c.budget_baht, p.c.dist_code))} if padme else {},
                   dict(conn.execute(select(r.c.project_id, func.max(r.c.disb_actual_baht))
                                     .group_by(r.c.project_id)).all()) if padme else {})

    def problem(self, contract: Contract, record: dict) -> tuple[str, str] | None:
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
        if contract.table is s.padme_report and record["project_id"] not in self.projects:
            return "project_id", "no such PADME project (import the project first)"
        return None

    def district(self, record: dict) -> str | None:
        """The district whose rollups a record moves."""
        if "subdist_code" in record:
            return record["subdist_code"][:4]
        if "dist_code" in record:
            return record["dist_code"]
        project = self.projects.get(record.get("project_id"))
        return project.dist_code if project else None


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
            problems.append(Problem(row_no, column.name, text, str(exc)))
            ok = False
    if not ok:
        return None
    if missing := ref.problem(contract, record):
        column, reason = missing
        problems.append(Problem(row_no, column, str(record[column]), reason))
        return None
    for check in contract.checks:
        if found := check(record, ref):
            column, reason = found
            problems.append(Problem(row_no, column, str(record[column]), reason))
            return None
    return record


def _latest_date(record: dict) -> dt.date | None:
    """The newest event date in a record (…_on dates, a report's reported_at)."""
    dates = [v.date() if isinstance(v, dt.datetime) else v for k, v in record.items()
             if isinstance(v, dt.date) and (k.endswith("_on") or k == "reported_at")]
    return max(dates, default=None)


# --- writing ---------------------------------------------------------------------------------------
def _upsert(conn: Connection, contract: Contract, records: list[dict]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(contract.table)
    updates = {c.name: stmt.excluded[c.name] for c in contract.table.columns if c.name not in contract.key}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(contract.key), set_=updates), records)


def _previous_districts(conn: Connection, contract: Contract, records: list[dict]) -> set[str]:
    """Districts the chunk's existing rows sit in now: a row that moves leaves a rollup to rebuild."""
    table = contract.table
    if "dist_code" not in table.c or len(contract.key) != 1:
        return set()
    key = table.c[contract.key[0]]
    found: set[str] = set()
    ids = [r[contract.key[0]] for r in records]
    for start in range(0, len(ids), 5_000):  # below every driver's limit on bound parameters
        found.update(conn.execute(select(table.c.dist_code).distinct()
                                  .where(key.in_(ids[start:start + 5_000]))).scalars())
    return found


def _derive(contract: Contract, record: dict, now: dt.datetime) -> dict:
    if "subdist_code" in record:
        record = {**record, "dist_code": record["subdist_code"][:4]}
    if "updated_at" in contract.table.c:
        record = {**record, "updated_at": now}
    return record


def _key_hash(key: tuple) -> int:
    """A signed 64-bit digest of a natural key: 8 bytes a row, whatever the file's size."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _duplicates(contract: Contract, path: Path, hashes: array) -> list[Problem]:
    """Rows whose key an earlier row already had. The file's key digests are sorted once; only when
    two digests collide is the file read again, to name the rows (a digest clash alone is no error)."""
    import numpy as np
    ordered = np.frombuffer(hashes, dtype=np.int64)  # the digests themselves, sorted in place:
    ordered.sort()                                    # sorted() would take 48 bytes a row
    repeated = set(ordered[1:][ordered[1:] == ordered[:-1]].tolist())
    if not repeated:
        return []
    problems, first = [], {}
    for row_no, raw in enumerate(read_rows(path), start=2):
        try:
            key = tuple(c.parse((raw.get(c.name) or "").strip()) for c in contract.columns
                        if c.name in contract.key)
        except ValueError:
            continue
        if _key_hash(key) not in repeated:
            continue
        if key in first:
            problems.append(Problem(row_no, ", ".join(contract.key), " / ".join(map(str, key)),
                                    f"duplicate key (first at row {first[key]})"))
        else:
            first[key] = row_no
    return problems


def import_file(engine: Engine, source: str, path: Path, user: str = "cli") -> dict:
    """Import one file of the kind `source` (a CONTRACTS name); returns a summary, or raises
    ImportRejected with the report (nothing changed)."""
    if source not in CONTRACTS:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(CONTRACTS)}")
    contract, path = CONTRACTS[source], Path(path)
    started, problems, districts = utcnow(), [], set()
    hashes, n_rows, latest = array("q"), 0, None
    try:
        with engine.begin() as conn:
            ref = _Reference.load(conn, contract)
            chunk: dict[tuple, dict] = {}
            for row_no, raw in enumerate(read_rows(path), start=2):
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
                hashes.append(_key_hash(key))
                if problems or key in chunk:
                    continue  # keep validating to report every problem, but write nothing more
                chunk[key] = _derive(contract, record, started)
                districts.add(ref.district(record))
                if (day := _latest_date(record)) and (latest is None or day > latest):
                    latest = day
                if len(chunk) >= CHUNK_ROWS:
                    _write(conn, contract, chunk, districts)
            if n_rows == 0 and not problems:
                problems.append(Problem(1, "", "", "the file has no data rows"))
            if not any(p.row == 1 for p in problems):
                problems = sorted(problems + _duplicates(contract, path, hashes), key=lambda p: p.row)
            if problems:
                raise ImportRejected(path.name, problems[:MAX_REPORTED], len(problems))
            _write(conn, contract, chunk, districts)
            districts.discard(None)
            rollups.rebuild(conn, contract.source, districts)
            versions.bump(conn, contract.source, latest or started.date())
            _log(conn, contract.source, path.name, user, started, n_rows, True, f"{contract.name}: {n_rows} rows")
    except ImportRejected as rejected:
        with engine.begin() as conn:  # the data transaction is gone; only the log of the refusal stays
            _log(conn, contract.source, path.name, user, started, n_rows, False, rejected.report())
        raise
    return {"source": contract.name, "file": path.name, "rows": n_rows, "districts": len(districts)}


def _write(conn: Connection, contract: Contract, chunk: dict[tuple, dict], districts: set) -> None:
    if chunk:
        records = list(chunk.values())
        districts.update(_previous_districts(conn, contract, records))
        _upsert(conn, contract, records)
        chunk.clear()


def _log(conn, source, name, user, started, n_rows, accepted, report) -> None:
    conn.execute(insert(s.import_log).values(source=source, file_name=name, imported_by=user, started_at=started,
                                             finished_at=utcnow(), n_rows=n_rows, accepted=accepted,
                                             report=report[:20_000]))
    audit.record(conn, user, "import", source, f"{name}: {'accepted' if accepted else 'rejected'}, {n_rows} rows")
