"""Field reports: a governor or a district officer files their own area's figures.

Three forms (ui/report_view.py) end here: a PADME project's quarterly report, ThaiQM case progress
(one household or many), a CEBRS relief project's status and disbursement. One engine with the
import: an edit becomes the row an upload of the same kind would hold (text cells under the import
contract's columns, data_access/contracts.py), validated by imports' own rules with their messages
(field, value, reason), and written by imports' own writer, all or nothing, with the rollups, the
data version and the reporting calendar in the same transaction. So an open war-room page shows a
report within its refresh interval, exactly as it shows an import.

Every edit names the record's revision it was opened at; a record that moved since (another report,
an upload, an import) refuses the whole filing with `Conflict`, which carries both versions. Every
change is kept in `record_change` (data_access/changes.py). Who may report where is the permission
model's `report` action (docs/ACCESS.md): asked for each record's district before anything is read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, select

from metrics.fiscal import BANGKOK, FiscalQuarter

from . import access, audit, changes, imports, rollups, schema as s, versions, writelock
from .clock import utcnow
from .contracts import CONTRACTS, Contract
from .reader import ByDistrict, ScopedReader
from .readfile import Problem
from .scope import Area, NotPermitted, Viewer
from .settings import import_limits

# What each form may change; everything else of the record (a project's identity and budget, a
# household's survey and problems, a relief project's approval) stays as the plan or survey has it.
EDITABLE = {
    "padme_reports": ("result_text", "indicator_result", "disb_target_baht", "disb_actual_baht", "committed_baht",
                      "status", "problems"),
    "thaiqm": ("status", "started_on", "resolved_on", "help_given"),
    "cebrs": ("status", "disbursed_baht", "disbursed_on", "completed_on", "beneficiary_households",
              "beneficiary_people"),
}
# The files an area may upload itself (docs/ACCESS.md): its reports, not the plan's projects.
FIELD_KINDS = ("padme_reports", "cebrs", "thaiqm", "sdg")


@dataclass(frozen=True)
class Edit:
    """One record's change: its key (the contract's key, in order), the revision the form showed
    (None: the record did not exist, e.g. a quarter's first report) and the new values of EDITABLE
    fields (a date, a number, text; None or "" clears an optional field)."""
    key: tuple
    revision: int | None
    values: dict


@dataclass(frozen=True)
class Changed:
    """A record someone else changed since the form was opened: both versions, and who and when."""
    key: str
    mine: dict
    theirs: dict | None  # None: the record was deleted
    by: str
    at: dt.datetime | None


class Conflict(Exception):
    def __init__(self, changed: list[Changed]):
        self.changed = changed
        super().__init__(f"{len(changed)} record(s) changed since the form was opened: "
                         + ", ".join(c.key for c in changed))


class Refused(Exception):
    """The report breaks the import contract's rules: nothing was written. Problems name the record
    (its key), the field, the value and the reason, as an import names row, column, value and reason."""

    def __init__(self, problems: list[tuple[str, Problem]]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {p}" for key, p in problems))


@dataclass
class Receipt:
    kind: str
    records: int
    changed: int
    districts: list[str] = field(default_factory=list)
    at: dt.datetime | None = None


def _text(value) -> str:
    """A form's value as a cell of the uploaded file would hold it."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value).strip()


def bangkok_now() -> dt.datetime:
    """Now as PADME writes its report times: Bangkok wall-clock time, no zone."""
    return utcnow().replace(tzinfo=dt.timezone.utc).astimezone(BANGKOK).replace(tzinfo=None)


def _district_of(conn, contract: Contract, key: tuple, stored: dict | None) -> str | None:
    if stored is not None and stored.get("dist_code"):
        return stored["dist_code"]
    if contract.name == "padme_reports":
        p = s.padme_project
        return conn.execute(select(p.c.dist_code).where(p.c.project_id == key[0])).scalar()
    return None


def _new_padme_row(key: tuple) -> dict:
    """A quarter's first report starts empty; `reported_at` is its filing time (kept by corrections)."""
    return {"project_id": key[0], "quarter": key[1], "reported_at": bangkok_now()}


def file(engine: Engine, viewer: Viewer, kind: str, edits: list[Edit], period: FiscalQuarter | None = None) -> Receipt:
    """File `edits` of one kind (EDITABLE) as `viewer`, all or nothing: NotPermitted (a record outside
    their area: nothing read, nothing written), Conflict (someone changed a record since), Refused
    (a rule of the import contract), or the receipt. `period`: the quarter the filing reports (ThaiQM
    and CEBRS mark the districts' quarter filed, docs/DATA_CONTRACT.md "Reporting calendar")."""
    if kind not in EDITABLE:
        raise ValueError(f"no report form for {kind!r}; one of {', '.join(EDITABLE)}")
    if not edits:
        raise ValueError("nothing to file")
    contract = CONTRACTS[kind]
    for edit in edits:
        extra = set(edit.values) - set(EDITABLE[kind])
        if extra:
            raise ValueError(f"{kind}: {', '.join(sorted(extra))} cannot be changed by a report")
    keys = [tuple(changes.plain(k) for k in edit.key) for edit in edits]
    if len(set(keys)) != len(keys):
        raise ValueError("the same record twice in one filing")
    now = utcnow()
    with writelock.source_transaction(engine, contract.source, float(import_limits()["wait_seconds"])) as conn:
        stored = changes.current(conn, contract, keys)
        districts = {}
        for key in keys:  # the permission first: a record outside the area is not even compared
            dist = _district_of(conn, contract, key, stored.get(key))
            if dist is None:
                raise NotPermitted(f"{viewer.name} may not report {kind} {changes.key_text(key)}: no such record")
            access.require(viewer, "report", Area("district", dist))
            districts[key] = dist
        conflicts = []
        for key, edit in zip(keys, edits):
            now_rev = (stored.get(key) or {}).get("revision")
            if now_rev != edit.revision:
                last = changes.last_change(conn, contract.source, changes.key_text(key)) or {}
                theirs = stored.get(key)
                conflicts.append(Changed(changes.key_text(key), dict(edit.values), theirs,
                                         last.get("actor") or "import", last.get("at") or (theirs or {}).get("updated_at")))
        if conflicts:
            raise Conflict(conflicts)
        rows = []
        for key, edit in zip(keys, edits):
            base = dict(stored.get(key) or _new_padme_row(key))
            base.update(edit.values)
            rows.append({c.name: _text(base.get(c.name)) for c in contract.columns})
        raw = pd.DataFrame(rows, index=range(1, len(rows) + 1), dtype=object)
        checked = imports._validate(contract, raw, imports._Reference.load(conn, contract), imports.MAX_REPORTED)
        if checked.total:
            raise Refused([(changes.key_text(keys[p.row - 1]), p) for p in checked.problems])
        records = imports._derive(contract, checked.records, now)
        moved = imports._write(conn, contract, records)
        n_changed = changes.record(conn, contract, stored, records, viewer.name, "form", now)
        touched = set(districts.values()) | moved
        _after_write(conn, contract, touched, now)
        if period is not None:
            changes.file_quarter(conn, contract.source, touched, period, viewer.name, now)
        audit.record(conn, viewer.name, "report", ", ".join(f"district {d}" for d in sorted(touched))[:500],
                     f"{kind}: {len(edits)} record(s), {n_changed} changed")
    return Receipt(kind, len(edits), n_changed, sorted(touched), now)


def _after_write(conn, contract: Contract, districts: set[str], now: dt.datetime) -> None:
    """What every write of a source does next, as an import does it: rollups, version, comparison base."""
    rollups.rebuild(conn, contract.source, districts)
    through = imports.data_through(conn, contract.source, now.date())
    versions.bump(conn, contract.source, through)
    rollups.rebuild_to_date(conn, contract.source, through, districts)


def confirm(engine: Engine, viewer: Viewer, source: str, dist_code: str, period: FiscalQuarter) -> Receipt:
    """A district's quarterly report of `source` with nothing to change ("as it stands"): marks the
    quarter filed, moves the version so the war room's calendar shows it."""
    if source not in changes.FILED_SOURCES:
        raise ValueError(f"{source} is filed record by record, not confirmed")
    access.require(viewer, "report", Area("district", dist_code))
    now = utcnow()
    with writelock.source_transaction(engine, source, float(import_limits()["wait_seconds"])) as conn:
        changes.file_quarter(conn, source, [dist_code], period, viewer.name, now)
        through = imports.data_through(conn, source, now.date())
        versions.bump(conn, source, through)
        audit.record(conn, viewer.name, "report", f"district {dist_code}",
                     f"{source}: {period.year} Q{period.quarter} confirmed as it stands")
    return Receipt(source, 0, 0, [dist_code], now)


# --- what the forms open (scoped reads) ---------------------------------------------------------
def padme_quarter(reader: ScopedReader, area: Area, project_id: str, quarter: int) -> tuple[dict, dict | None, dict | None]:
    """A project of the area (identity and budget), its report for `quarter` (None: not filed yet)
    and the report before it (None: the first quarter or never filed), with their revisions."""
    p, r = s.padme_project, s.padme_report
    frm = (r.join(p, p.c.project_id == r.c.project_id).join(s.district, s.district.c.dist_code == p.c.dist_code)
           .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
    project = reader.frame(select(p, s.district.c.name_th.label("dist_name_th"), s.district.c.name_en.label("dist_name_en"))
                           .select_from(p.join(s.district, s.district.c.dist_code == p.c.dist_code)
                                        .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
                           .where(p.c.project_id == project_id), area, ByDistrict(p.c.dist_code))
    if project.empty:
        raise KeyError(project_id)
    reports = reader.frame(select(r).select_from(frm).where(r.c.project_id == project_id, r.c.quarter <= quarter)
                           .order_by(r.c.quarter), area, ByDistrict(p.c.dist_code))
    rows = {int(q): row for q, row in zip(reports["quarter"], reports.to_dict("records"))}
    previous = max((q for q in rows if q < quarter), default=None)
    return project.iloc[0].to_dict(), rows.get(quarter), rows.get(previous) if previous else None


def padme_projects(reader: ScopedReader, area: Area, period: FiscalQuarter) -> pd.DataFrame:
    """The area's projects of the fiscal year with whether their report for the quarter is filed:
    project_id, name, dist_code, budget_baht, reported_at (NaT: not yet), status."""
    p, r = s.padme_project, s.padme_report
    frm = (p.join(s.district, s.district.c.dist_code == p.c.dist_code)
           .join(s.province, s.province.c.prov_code == s.district.c.prov_code)
           .outerjoin(r, and_(r.c.project_id == p.c.project_id, r.c.quarter == period.quarter)))
    stmt = (select(p.c.project_id, p.c.name, p.c.dist_code, s.district.c.name_th.label("dist_name_th"),
                   s.district.c.name_en.label("dist_name_en"), p.c.budget_baht, r.c.reported_at, r.c.status)
            .select_from(frm).where(p.c.fiscal_year == period.year).order_by(r.c.reported_at.is_not(None), p.c.project_id))
    return reader.frame(stmt, area, ByDistrict(p.c.dist_code))


THAIQM_CASE_COLUMNS = ("household_id", "subdist_code", "subdist_name_th", "subdist_name_en",
                       *(f"p_{d}" for d in s.THAIQM_DIMENSIONS), "status", "started_on", "resolved_on",
                       "help_given", "revision")


def thaiqm_cases(reader: ScopedReader, dist_code: str, year: int, statuses: tuple[str, ...] | None = None,
                 subdist_code: str | None = None, dimension: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Households of one district and survey year that a field report may move on (the target ones by
    default: not merely surveyed), filtered, in household order, at most `limit` (an indexed slice)."""
    h, sub = s.thaiqm_household, s.subdistrict
    statuses = statuses or ("target", "in_progress", "helped", "self_resolved")
    stmt = (select(h.c.household_id, h.c.subdist_code, sub.c.name_th.label("subdist_name_th"),
                   sub.c.name_en.label("subdist_name_en"), *(h.c[f"p_{d}"] for d in s.THAIQM_DIMENSIONS),
                   h.c.status, h.c.started_on, h.c.resolved_on, h.c.help_given, h.c.revision)
            .select_from(h.join(sub, sub.c.subdist_code == h.c.subdist_code)
                         .join(s.district, s.district.c.dist_code == h.c.dist_code)
                         .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
            .where(h.c.survey_year == year, h.c.status.in_(statuses)))
    if subdist_code:
        stmt = stmt.where(h.c.subdist_code == subdist_code)
    if dimension:
        stmt = stmt.where(h.c[f"p_{dimension}"].is_(True))
    return reader.frame(stmt.order_by(h.c.household_id).limit(limit), Area("district", dist_code),
                        ByDistrict(h.c.dist_code))


def subdistricts(reader: ScopedReader, dist_code: str) -> pd.DataFrame:
    """subdist_code, name_th, name_en of one district's subdistricts (reference data), in code order."""
    sub = s.subdistrict
    return reader.reference(select(sub.c.subdist_code, sub.c.name_th, sub.c.name_en)
                            .where(sub.c.dist_code == dist_code).order_by(sub.c.subdist_code))


def cebrs_open(reader: ScopedReader, area: Area, year: int) -> pd.DataFrame:
    """The area's relief projects of the fiscal year with their revision: not done first, newest first."""
    c, sub = s.cebrs_project, s.subdistrict
    stmt = (select(c.c.project_id, c.c.title, c.c.dist_code, c.c.subdist_code, sub.c.name_th.label("subdist_name_th"),
                   sub.c.name_en.label("subdist_name_en"), c.c.category, c.c.approved_baht, c.c.disbursed_baht,
                   c.c.beneficiary_households, c.c.beneficiary_people, c.c.status, c.c.approved_on,
                   c.c.disbursed_on, c.c.completed_on, c.c.revision)
            .select_from(c.join(sub, sub.c.subdist_code == c.c.subdist_code)
                         .join(s.district, s.district.c.dist_code == c.c.dist_code)
                         .join(s.province, s.province.c.prov_code == s.district.c.prov_code))
            .where(c.c.fiscal_year == year)
            .order_by((c.c.status == "done"), c.c.approved_on.desc(), c.c.project_id))
    return reader.frame(stmt, area, ByDistrict(c.c.dist_code))


def upload(engine: Engine, viewer: Viewer, kind: str, path, period: FiscalQuarter | None) -> dict:
    """An area's own file (the same CSV/XLSX as the ministry's import): imports.import_file with the
    viewer, so every row must lie in their area or nothing of the file is imported."""
    if viewer.role not in ("governor", "district_officer"):
        raise NotPermitted(f"{viewer.name} may not upload an area's report", page=True)
    return imports.import_file(engine, kind, path, viewer=viewer, period=period)
