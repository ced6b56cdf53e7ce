"""What each kind of One Data file must hold: its columns, allowed values, natural key and row rules.

The rules are written column-wise (a check gets the chunk's parsed columns and returns the rows that
break it), because the import engine validates a chunk of tens of thousands of rows at a time.
docs/DATA_CONTRACT.md describes the same rules for the people who produce the files; `template`
writes a file to fill in whose example row is valid (a test imports every template).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from . import schema as s

KINDS = ("text", "int", "range", "number", "date", "timestamp", "flag")
# The largest amount of money one row may hold: more than any single project or relief grant (the
# whole national budget is about 3.7 × 10^12 baht), small enough that the sums the rollups and the
# national totals take of 9 million such rows still fit a BIGINT on SQLite and PostgreSQL.
MAX_AMOUNT = 10**12
MAX_WHOLE = 10**15  # any other whole number (identifiers, counts): well inside a BIGINT
MAX_NUMBER = 1e12   # any number with decimals (indicator targets and values, weights)


@dataclass(frozen=True)
class Column:
    """`kind` says how a cell is read: text, int (whole number ≥ 0), range (a whole number within
    `bounds`), number (finite), date (YYYY-MM-DD), timestamp (date with an optional time) or flag
    (yes/no as Thai Excel writes it)."""
    name: str
    kind: str = "text"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    bounds: tuple[int, int] | None = None
    maximum: int = MAX_WHOLE  # int: the largest value allowed

    def __post_init__(self) -> None:
        if self.kind not in KINDS or (self.kind == "range") != (self.bounds is not None):
            raise ValueError(f"column {self.name}: kind {self.kind!r} with bounds {self.bounds}")


def _range(name: str, low: int, high: int, required: bool = True) -> Column:
    return Column(name, "range", required, bounds=(low, high))


def _baht(name: str) -> Column:
    return Column(name, "int", maximum=MAX_AMOUNT)


@dataclass(frozen=True)
class Check:
    """A row rule: `breaks(frame, ref)` is True on the rows that break it; `column` is blamed."""
    column: str
    reason: str
    breaks: Callable[[pd.DataFrame, object], pd.Series]


@dataclass
class Contract:
    """One kind of file: `name` is what the CLI and the upload page call it, `source` the data source
    whose rollups and version it moves; `example` is the template's sample row (a valid one)."""
    name: str
    source: str
    table: object
    key: tuple[str, ...]
    columns: list[Column]
    checks: list[Check] = field(default_factory=list)
    example: dict[str, str] = field(default_factory=dict)


def _budget(frame: pd.DataFrame, ref) -> pd.Series:
    return frame["project_id"].map(ref.budgets).astype("float64")


CEBRS_CHECKS = [
    Check("disbursed_baht", "disbursed more than approved", lambda f, ref: f.disbursed_baht > f.approved_baht),
    Check("disbursed_on", "disbursed before it was approved", lambda f, ref: f.disbursed_on < f.approved_on),
    Check("completed_on", "a done project needs its completion date",
          lambda f, ref: (f.status == "done") & f.completed_on.isna()),
    Check("disbursed_on", "a disbursed amount needs its disbursement date",
          lambda f, ref: (f.disbursed_baht > 0) & f.disbursed_on.isna()),
]
THAIQM_CHECKS = [
    Check("resolved_on", "a helped or self-resolved household needs its resolution date",
          lambda f, ref: f.status.isin(("helped", "self_resolved")) & f.resolved_on.isna()),
    Check("started_on", "work on this household needs its start date",
          lambda f, ref: f.status.isin(("in_progress", "helped", "self_resolved")) & f.started_on.isna()),
    Check("resolved_on", "resolved before work started", lambda f, ref: f.resolved_on < f.started_on),
    Check("status", "a target household needs a problem in at least one dimension",
          lambda f, ref: (f.status != "surveyed") & ~f[[f"p_{d}" for d in s.THAIQM_DIMENSIONS]].any(axis=1)),
]
SDG_CHECKS = [Check("weight", "the population weight must be above 0", lambda f, ref: f.weight <= 0)]
PADME_PROJECT_CHECKS = [
    Check("budget_baht", "budget below what the project has already reported as disbursed",
          lambda f, ref: f.budget_baht < f.project_id.map(ref.reported).astype("float64").fillna(0)),
]
# Reported money is cumulative to the quarter's end, checked against the project's stored budget.
PADME_REPORT_CHECKS = [
    Check("committed_baht", "committed less than disbursed", lambda f, ref: f.committed_baht < f.disb_actual_baht),
    Check("disb_actual_baht", "disbursed more than the project's budget",
          lambda f, ref: f.disb_actual_baht > _budget(f, ref)),
    Check("disb_target_baht", "disbursement target above the project's budget",
          lambda f, ref: f.disb_target_baht > _budget(f, ref)),
]

CONTRACTS = {c.name: c for c in (
    Contract("padme_projects", "padme", s.padme_project, ("project_id",), [
        Column("project_id"), Column("fiscal_year", "int"), Column("dist_code"), Column("agency"),
        Column("name"), Column("indicator"), Column("indicator_unit"), Column("indicator_target", "number"),
        _baht("budget_baht"), Column("budget_type", allowed=s.PADME_BUDGET_TYPES),
        _range("national_strategy", 1, 6), Column("master_plan"), _range("nesdp_milestone", 1, 13),
        Column("cabinet_policy"), Column("moi_strategy"), _range("sdg_goal", 1, 17, required=False),
        Column("new_gov_policy", required=False),
    ], PADME_PROJECT_CHECKS, example={
        "project_id": "P2570-3001-0001", "fiscal_year": "2570", "dist_code": "3001",
        "agency": "สำนักงานจังหวัดนครราชสีมา", "name": "ก่อสร้างระบบประปาหมู่บ้าน ตำบลในเมือง",
        "indicator": "ครัวเรือนมีน้ำประปาใช้", "indicator_unit": "ครัวเรือน", "indicator_target": "350",
        "budget_baht": "2500000", "budget_type": "capital", "national_strategy": "2",
        "master_plan": "โครงสร้างพื้นฐาน ระบบโลจิสติกส์ และดิจิทัล", "nesdp_milestone": "13",
        "cabinet_policy": "การบริหารจัดการน้ำ", "moi_strategy": "เสริมสร้างความเข้มแข็งของชุมชน",
        "sdg_goal": "6", "new_gov_policy": ""}),
    Contract("padme_reports", "padme", s.padme_report, ("project_id", "quarter"), [
        Column("project_id"), _range("quarter", 1, 4), Column("result_text"),
        Column("indicator_result", "number", required=False), _baht("disb_target_baht"),
        _baht("disb_actual_baht"), _baht("committed_baht"),
        Column("status", allowed=s.PADME_STATUSES), Column("problems", required=False),
        Column("reported_at", "timestamp"),
    ], PADME_REPORT_CHECKS, example={
        "project_id": "P2570-3001-0001", "quarter": "1", "result_text": "ลงนามสัญญาจ้างแล้ว อยู่ระหว่างก่อสร้าง",
        "indicator_result": "0", "disb_target_baht": "300000", "disb_actual_baht": "250000",
        "committed_baht": "2400000", "status": "on_track", "problems": "", "reported_at": "2026-11-15 10:30"}),
    Contract("cebrs", "cebrs", s.cebrs_project, ("project_id",), [
        Column("project_id"), Column("fiscal_year", "int"), Column("subdist_code"),
        Column("category", allowed=s.CEBRS_CATEGORIES), Column("title"),
        _baht("approved_baht"), _baht("disbursed_baht"),
        Column("beneficiary_households", "int"), Column("beneficiary_people", "int"),
        Column("status", allowed=s.CEBRS_STATUSES), Column("approved_on", "date"),
        Column("disbursed_on", "date", required=False), Column("completed_on", "date", required=False),
    ], CEBRS_CHECKS, example={
        "project_id": "C2570-3001-0001", "fiscal_year": "2570", "subdist_code": "300101", "category": "flood",
        "title": "ช่วยเหลือผู้ประสบอุทกภัย ตำบลในเมือง", "approved_baht": "450000", "disbursed_baht": "300000",
        "beneficiary_households": "40", "beneficiary_people": "120", "status": "in_progress",
        "approved_on": "2026-10-05", "disbursed_on": "2026-10-20", "completed_on": ""}),
    Contract("thaiqm", "thaiqm", s.thaiqm_household, ("household_id",), [
        Column("household_id", "int"), Column("survey_year", "int"), Column("subdist_code"),
        *(Column(f"p_{d}", "flag") for d in s.THAIQM_DIMENSIONS),
        Column("status", allowed=s.THAIQM_STATUSES),
        Column("started_on", "date", required=False), Column("resolved_on", "date", required=False),
        Column("help_given", required=False),
    ], THAIQM_CHECKS, example={
        "household_id": "9000000001", "survey_year": "2570", "subdist_code": "300101", "p_health": "0",
        "p_living": "1", "p_education": "0", "p_income": "1", "p_access": "0", "status": "helped",
        "started_on": "2026-10-10", "resolved_on": "2026-11-12",
        "help_given": "ส่งต่อเข้าโครงการฝึกอาชีพของ อบต. ได้งานรับจ้างประจำ"}),
    Contract("sdg", "sdg", s.sdg_value, ("indicator_code", "dist_code", "year"), [
        Column("indicator_code"), Column("dist_code"), Column("year", "int"), Column("value", "number"),
        Column("weight", "number"),
    ], SDG_CHECKS, example={
        "indicator_code": "1.a", "dist_code": "3001", "year": "2569", "value": "6.4", "weight": "1"}),
)}


def column_rule(column: Column) -> str:
    kind = {"int": f"whole number 0 to {column.maximum:,}", "number": f"number up to ±{MAX_NUMBER:,.0f}", "date": "date YYYY-MM-DD (CE)", "flag": "yes/no (1/0)",
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
        rules.append([column.name, column_rule(column)])
    rules.append(["(key)", ", ".join(contract.key) + ": unique within the file; importing again updates"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
