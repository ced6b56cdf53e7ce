"""A demo war room that visibly moves: plausible updates written through the import path.

Every step picks one province (so its view, and the country's, move together), builds one file per
source with the contract's columns, and imports it as the user "simulator": the rows are validated,
the rollups rebuilt and the versions bumped exactly as for a real One Data export, so whatever the app
shows is what an import would have produced.

The simulated clock starts at the data's as-of date (the newest `data_through` of PADME, CEBRS and
ThaiQM, or today) and advances one day a step, but never past today (`clock.today()`, Bangkok's date)
nor past the end of that fiscal quarter: data dated in the future would be "as of" a day that has not
come (the app's freshness, the target due and the weekly review would all read it), and the app offers
the quarters up to the newest `data_through`, so crossing the quarter's end would switch the war room to
a new, almost empty quarter (and a new fiscal year's projects would have to be invented). When the clock
reaches today or the quarter's end it stays there and the figures keep growing towards the year's
targets; a report is never stamped later than this moment, and rows dated after the step's day (a file
imported with future dates) are left alone. A restart continues from where the data stands.

A CEBRS project's money has one date (its latest payment), so topping one up moves that date: only
projects first paid this quarter get more money, and older ones can only complete; earlier quarters'
figures never change.

Only demo data may be simulated: invented figures must never be written into real data.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, and_, func, select

from metrics.fiscal import FiscalQuarter, elapsed_share, fiscal_quarter_of

from . import clock, imports, queries, schema as s, versions
from .seed import CEBRS_MIX, CEBRS_TITLES, PROBLEMS

USER = "simulator"
DAYS_PER_STEP = 1
NEW_CEBRS_CHANCE = 0.6  # how often a step approves 1–3 new relief projects (about one a day, as at demo scale)


class NotDemo(Exception):
    pass


def ensure_demo(engine: Engine, force: bool = False) -> None:
    origin = queries.dataset_meta(engine).get("origin")
    if origin != "demo" and not force:
        raise NotDemo(f"refusing to simulate: the database's origin is {origin!r}, not 'demo', and the simulator "
                      "writes invented figures; pass --force only for a database that holds no real data")


def start_date(engine: Engine) -> dt.date:
    t = s.data_version
    with engine.connect() as conn:
        dates = conn.execute(select(t.c.data_through).where(t.c.source.in_(("padme", "cebrs", "thaiqm")),
                                                            t.c.data_through.is_not(None))).scalars().all()
    return max(dates, default=clock.today())


# --- what exists -----------------------------------------------------------------------------------
def _rows(engine: Engine, stmt) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _provinces(engine: Engine, fy: int) -> list[dict]:
    """Provinces with PADME projects this year (all but Bangkok, which has no provincial plan), else all."""
    p, d, pp = s.province, s.district, s.padme_project
    planned = select(pp.c.project_id).join(d, d.c.dist_code == pp.c.dist_code).where(
        d.c.prov_code == p.c.prov_code, pp.c.fiscal_year == fy).exists()
    stmt = select(p.c.prov_code, p.c.name_en, p.c.region).order_by(p.c.prov_code)
    return _rows(engine, stmt.where(planned)) or _rows(engine, stmt)


def _subdistricts(engine: Engine, prov_code: str) -> list[dict]:
    sd, d = s.subdistrict, s.district
    return _rows(engine, select(sd.c.subdist_code, sd.c.dist_code, sd.c.name_th, sd.c.type_th,
                                d.c.name_th.label("dist_name"), d.c.type_th.label("dist_type"))
                 .join(d, d.c.dist_code == sd.c.dist_code).where(d.c.prov_code == prov_code)
                 .order_by(sd.c.subdist_code))


def _padme_candidates(engine: Engine, fq: FiscalQuarter, dists: list[str]) -> list[dict]:
    """This year's projects not done nor fully paid, with this quarter's report (if any) and the largest
    cumulative figures reported before it."""
    p, r = s.padme_project, s.padme_report
    now = r.alias("now")
    before = (select(r.c.project_id, func.max(r.c.disb_actual_baht).label("prev_actual"),
                     func.max(r.c.committed_baht).label("prev_committed"))
              .where(r.c.quarter < fq.quarter).group_by(r.c.project_id).subquery())
    return _rows(engine, select(p.c.project_id, p.c.budget_baht, p.c.budget_type, p.c.indicator_target,
                                p.c.indicator_unit, now.c.disb_actual_baht, now.c.committed_baht,
                                before.c.prev_actual, before.c.prev_committed)
                 .outerjoin(now, and_(now.c.project_id == p.c.project_id, now.c.quarter == fq.quarter))
                 .outerjoin(before, before.c.project_id == p.c.project_id)
                 .where(p.c.fiscal_year == fq.year, p.c.dist_code.in_(dists),
                        func.coalesce(now.c.status, "") != "done",
                        func.coalesce(now.c.disb_actual_baht, before.c.prev_actual, 0) < p.c.budget_baht)
                 .order_by(p.c.project_id))


def _targets(engine: Engine, fq: FiscalQuarter) -> dict[tuple[int, str], float]:
    """The national cumulative disbursement target (%) by (quarter, budget type), this year."""
    t = s.fiscal_quarter
    out = {}
    for row in _rows(engine, select(t).where(t.c.fiscal_year == fq.year)):
        out[(row["quarter"], "recurrent")] = row["target_recurrent_pct"]
        out[(row["quarter"], "capital")] = row["target_capital_pct"]
    return out


def _open(engine: Engine, name: str, year: str, fy: int, dists: list[str], statuses: tuple[str, ...]) -> list[dict]:
    """This year's rows of contract `name` in the districts with one of `statuses`, as the contract reads them."""
    contract = imports.CONTRACTS[name]
    t = contract.table
    return _rows(engine, select(*(t.c[c.name] for c in contract.columns))
                 .where(t.c[year] == fy, t.c.dist_code.in_(dists), t.c.status.in_(statuses))
                 .order_by(*(t.c[k] for k in contract.key)))


def _dated_by(row: dict, day: dt.date, *columns: str) -> bool:
    """Whether none of the row's dates is after `day` (an update must not move a date before them)."""
    return all(row[c] is None or row[c] <= day for c in columns)


def _cebrs_serial(engine: Engine, fy: int) -> int:
    """How many projects the simulator has approved this year: the next one's serial number."""
    c = s.cebrs_project
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(c.c.project_id.like(f"C{fy}-____-S%"))).scalar_one()


# --- the next figures (plain choices) --------------------------------------------------------------
def _padme_report(rng: random.Random, row: dict, fq: FiscalQuarter, now: dt.date, targets: dict) -> dict:
    budget = row["budget_baht"]
    before = row["disb_actual_baht"] if row["disb_actual_baht"] is not None else row["prev_actual"] or 0
    actual = min(budget, before + int(budget * rng.uniform(0.02, 0.10)))
    committed = max(row["committed_baht"] or 0, row["prev_committed"] or 0, actual)
    committed = min(budget, committed + int((budget - committed) * rng.uniform(0.0, 0.3)))
    # Integer basis points, as the rollups compute a project's target.
    target = budget * round(targets[(fq.quarter, row["budget_type"])] * 100) // 10000
    target_before = budget * round(targets.get((fq.quarter - 1, row["budget_type"]), 0) * 100) // 10000
    due = target_before + (target - target_before) * elapsed_share(fq, now)
    ratio = actual / due if due else 1.0
    status = "done" if actual >= budget else "at_risk" if ratio < 0.6 else "late" if ratio < 0.85 else "on_track"
    share = actual / budget if budget else 1.0
    result = round(row["indicator_target"] * min(1.0, share * rng.uniform(0.9, 1.1)), 2)
    return {"project_id": row["project_id"], "quarter": fq.quarter,
            "result_text": f"ดำเนินการแล้วร้อยละ {round(share * 100)} ของแผน เบิกจ่ายสะสม {actual / 1e6:.4f} ล้านบาท",
            "indicator_result": float(int(result)) if row["indicator_unit"] == "ระดับ" else result,
            "disb_target_baht": target, "disb_actual_baht": actual, "committed_baht": committed,
            "status": status, "problems": rng.choice(PROBLEMS) if status in ("late", "at_risk") else None,
            "reported_at": dt.datetime.combine(now, dt.time(8)) + dt.timedelta(minutes=rng.randrange(600))}


def _cebrs_update(rng: random.Random, row: dict, fq: FiscalQuarter, now: dt.date) -> dict:
    approved, paid, paid_on = row["approved_baht"], row["disbursed_baht"], row["disbursed_on"] or now
    if row["status"] == "approved":
        return {**row, "status": "in_progress", "disbursed_baht": max(paid, int(approved * rng.uniform(0.5, 1.0))),
                "disbursed_on": max(now, row["approved_on"])}
    if paid < approved and paid_on >= fq.start and rng.random() < 0.5:
        return {**row, "disbursed_baht": min(approved, paid + int(approved * rng.uniform(0.1, 0.3))),
                "disbursed_on": max(now, paid_on)}
    return {**row, "status": "done", "completed_on": max(now, paid_on)}


def _cebrs_new(rng: random.Random, fq: FiscalQuarter, now: dt.date, sub: dict, region: str, serial: int) -> dict:
    category = rng.choices(s.CEBRS_CATEGORIES, weights=CEBRS_MIX[region])[0]
    approved = int(min(12.0, max(0.02, rng.lognormvariate(math.log(0.35), 0.9))) * 1000) * 1000
    households = max(1, int(approved / rng.uniform(8_000, 40_000)))
    return {"project_id": f"C{fq.year}-{sub['dist_code']}-S{serial:05d}", "fiscal_year": fq.year,
            "subdist_code": sub["subdist_code"], "category": category,
            "title": rng.choice(CEBRS_TITLES[category]).format(
                sub=f"{sub['type_th']}{sub['name_th']} {sub['dist_type']}{sub['dist_name']}"),
            "approved_baht": approved, "disbursed_baht": 0, "beneficiary_households": households,
            "beneficiary_people": int(households * rng.uniform(2.6, 3.4)), "status": "approved",
            "approved_on": now, "disbursed_on": None, "completed_on": None}


def _thaiqm_update(rng: random.Random, row: dict, now: dt.date) -> dict:
    if row["status"] == "target":
        return {**row, "status": "in_progress", "started_on": now}
    started = row["started_on"] or now
    return {**row, "status": "self_resolved" if rng.random() < 0.1 else "helped", "started_on": started,
            "resolved_on": max(now, started)}


# --- one step --------------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _import(engine: Engine, name: str, records: list[dict], folder: Path, label: str) -> int:
    if not records:
        return 0
    path = folder / f"simulator-{label}-{name}.csv"
    header = [c.name for c in imports.CONTRACTS[name].columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows([_cell(r.get(h)) for h in header] for r in records)
    return imports.import_file(engine, name, path, user=USER)["rows"]


class Simulator:
    """Steps of plausible updates on one database; the same seed and data give the same steps."""

    def __init__(self, engine: Engine, rows: int = 50, seed: int | None = None):
        self.engine, self.rows, self.rng = engine, rows, random.Random(seed)
        self.start = start_date(engine)
        self.quarter = fiscal_quarter_of(min(self.start, clock.today()))
        self.steps = 0

    def day(self) -> dt.date:
        """The next step's day: one on from the last, but never past the quarter's end nor today."""
        next_day = self.start + dt.timedelta(days=(self.steps + 1) * DAYS_PER_STEP)
        return min(next_day, self.quarter.end, clock.today())

    def step(self) -> dict:
        """Write one step; returns the day, the province, the rows written per contract and the versions."""
        fq, rng, n = self.quarter, self.rng, self.rows
        now = self.day()
        province = rng.choice(_provinces(self.engine, fq.year))
        subs = _subdistricts(self.engine, province["prov_code"])
        dists = sorted({sub["dist_code"] for sub in subs})
        candidates = _padme_candidates(self.engine, fq, dists)
        targets = _targets(self.engine, fq)
        reports = [_padme_report(rng, row, fq, now, targets) for row in rng.sample(candidates, min(n, len(candidates)))]
        moment = clock.bangkok_now().replace(tzinfo=None)  # reports carry Bangkok clock times
        reports = [{**r, "reported_at": min(r["reported_at"], moment)} for r in reports]
        open_cebrs = [row for row in _open(self.engine, "cebrs", "fiscal_year", fq.year, dists,
                                           ("approved", "in_progress"))
                      if _dated_by(row, now, "approved_on", "disbursed_on")]
        cebrs = [_cebrs_update(rng, row, fq, now) for row in rng.sample(open_cebrs, min(n, len(open_cebrs)))]
        if subs and rng.random() < NEW_CEBRS_CHANCE:
            serial = _cebrs_serial(self.engine, fq.year)
            cebrs += [_cebrs_new(rng, fq, now, rng.choice(subs), province["region"], serial + k + 1)
                      for k in range(rng.randint(1, 3))]
        households = [row for row in _open(self.engine, "thaiqm", "survey_year", fq.year, dists,
                                           ("target", "in_progress"))
                      if _dated_by(row, now, "started_on")]
        working = [h for h in households if h["status"] == "in_progress"]
        waiting = [h for h in households if h["status"] == "target"]
        resolve = min(len(working), (n + 1) // 2)
        chosen = rng.sample(working, resolve) + rng.sample(waiting, min(len(waiting), n - resolve))
        thaiqm = [_thaiqm_update(rng, row, now) for row in chosen]
        label = f"{now:%Y%m%d}-{province['prov_code']}"
        with tempfile.TemporaryDirectory(prefix="warroom-simulate-") as folder:
            written = {name: _import(self.engine, name, records, Path(folder), label) for name, records in
                       (("padme_reports", reports), ("cebrs", cebrs), ("thaiqm", thaiqm))}
        self.steps += 1  # only whole steps count (Ctrl-C may stop one between its imports)
        return {"step": self.steps, "now": now, "province": province, "written": written,
                "versions": versions.current(self.engine)}


# --- command line ----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--every", type=float, default=10.0, help="seconds between steps (default 10)")
    parser.add_argument("--steps", type=int, default=0, help="how many steps (default 0: until Ctrl-C)")
    parser.add_argument("--rows", type=int, default=50, help="rows per source per step (default 50)")
    parser.add_argument("--seed", type=int, default=None, help="random seed: the same seed, the same steps")
    parser.add_argument("--force", action="store_true", help="allow a database whose origin is not 'demo'")


def line(result: dict) -> str:
    w, v, p = result["written"], result["versions"], result["province"]
    return (f"step {result['step']} · {result['now']:%Y-%m-%d} · {p['prov_code']} {p['name_en']}: "
            f"padme {w['padme_reports']} reports (v{v.get('padme')}), cebrs {w['cebrs']} projects "
            f"(v{v.get('cebrs')}), thaiqm {w['thaiqm']} households (v{v.get('thaiqm')})")


def main(engine: Engine, args: argparse.Namespace) -> int:
    try:
        ensure_demo(engine, args.force)
    except NotDemo as refusal:
        print(refusal, file=sys.stderr)
        return 2
    sim = Simulator(engine, args.rows, args.seed)
    print(f"simulating {sim.quarter.label('en')} from {sim.start}, a step every {args.every:g} s"
          f"{'' if args.steps else ' until Ctrl-C'}", flush=True)
    began = time.monotonic()
    try:
        while not args.steps or sim.steps < args.steps:
            print(line(sim.step()), flush=True)
            if not args.steps or sim.steps < args.steps:
                time.sleep(max(0.0, began + sim.steps * args.every - time.monotonic()))
    except KeyboardInterrupt:
        print(f"stopped after {sim.steps} whole step(s)")
    return 0
