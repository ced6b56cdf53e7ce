"""Deterministic demo data at demo or national scale, shaped like the real sources.

Every district is weighted by its real number of subdistricts (the population proxy the geo data
allows). Provinces get a fixed "pace" so that some lag on disbursement and on helping households, the
current quarter is only partly reported on the as-of date, and SDG values move with district trends.
The same (scale, as-of date) always gives the same database.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from metrics.fiscal import FiscalQuarter, elapsed_share, fiscal_quarter_of, fiscal_year_bounds

from . import clock, rollups, schema as s, versions
from .areas import DEFAULT_DISBURSEMENT_TARGETS, load_reference
from .db import create_schema, drop_schema, mark_schema
from .history import fill as fill_history
from .reference import NESDP13_MILESTONES, SDG_GOALS, SDG_INDICATORS

SEED = 2570
FIRST_YEAR = 2567
CHUNK = 50_000
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Scale:
    thaiqm_per_year: int
    padme_per_year: int
    cebrs_per_year: int


SCALES = {
    "test": Scale(thaiqm_per_year=4_000, padme_per_year=400, cebrs_per_year=250),
    "demo": Scale(thaiqm_per_year=75_000, padme_per_year=2_000, cebrs_per_year=750),
    "national": Scale(thaiqm_per_year=750_000, padme_per_year=20_000, cebrs_per_year=7_500),
}

# How much more need a region has than the country (poverty incidence shape, TPMAP-like).
REGION_NEED = {"northeast": 1.45, "north": 1.25, "south": 1.1, "west": 1.0, "east": 0.8, "central": 0.75}
BANGKOK = "10"

PADME_TEMPLATES = [
    # name, agency, indicator, unit, target range, strategy, master plan, NESDP, SDG, MOI strategy, type
    ("ก่อสร้างถนนคอนกรีตเสริมเหล็ก {sub}", "สำนักงานโยธาธิการและผังเมืองจังหวัด{prov}",
     "ระยะทางถนนที่ก่อสร้างแล้วเสร็จ", "กิโลเมตร", (1, 8), 2,
     "โครงสร้างพื้นฐาน ระบบโลจิสติกส์ และดิจิทัล", 5, 9, "การพัฒนาพื้นที่และเมืองน่าอยู่", "capital"),
    ("พัฒนาแหล่งน้ำเพื่อการเกษตร {sub}", "สำนักงานเกษตรจังหวัด{prov}",
     "พื้นที่การเกษตรที่ได้รับประโยชน์", "ไร่", (300, 3000), 5,
     "การเติบโตอย่างยั่งยืน", 11, 6, "การบริหารจัดการสาธารณภัย", "capital"),
    ("ส่งเสริมการท่องเที่ยวชุมชน {dist}", "สำนักงานการท่องเที่ยวและกีฬาจังหวัด{prov}",
     "รายได้จากการท่องเที่ยวชุมชนที่เพิ่มขึ้น", "ร้อยละ", (5, 15), 2,
     "การท่องเที่ยว", 2, 8, "การพัฒนาเศรษฐกิจฐานรากและลดความเหลื่อมล้ำ", "recurrent"),
    ("ยกระดับผลิตภัณฑ์ชุมชน OTOP {dist}", "สำนักงานพัฒนาชุมชนจังหวัด{prov}",
     "ผลิตภัณฑ์ที่ได้รับการพัฒนา", "ผลิตภัณฑ์", (10, 40), 2,
     "ผู้ประกอบการและวิสาหกิจขนาดกลางและขนาดย่อมยุคใหม่", 7, 8,
     "การพัฒนาเศรษฐกิจฐานรากและลดความเหลื่อมล้ำ", "recurrent"),
    ("ขับเคลื่อนการแก้ไขปัญหาความยากจนแบบพุ่งเป้า {dist}", "ที่ทำการปกครองจังหวัด{prov}",
     "ครัวเรือนเป้าหมายที่ได้รับการช่วยเหลือ", "ครัวเรือน", (50, 400), 4,
     "ความเสมอภาคและหลักประกันทางสังคม", 9, 1, "การพัฒนาเศรษฐกิจฐานรากและลดความเหลื่อมล้ำ", "recurrent"),
    ("ส่งเสริมสุขภาพผู้สูงอายุ {dist}", "สำนักงานสาธารณสุขจังหวัด{prov}",
     "ผู้สูงอายุที่ได้รับการคัดกรองสุขภาพ", "ร้อยละ", (80, 95), 3,
     "การพัฒนาศักยภาพคนตลอดช่วงชีวิต", 4, 3, "การเสริมสร้างความเข้มแข็งของชุมชน", "recurrent"),
    ("ขุดลอกคลองและป้องกันน้ำท่วม {sub}", "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัด{prov}",
     "ครัวเรือนที่ลดความเสี่ยงจากอุทกภัย", "ครัวเรือน", (200, 2000), 5,
     "การเติบโตอย่างยั่งยืน", 11, 13, "การบริหารจัดการสาธารณภัย", "capital"),
    ("พัฒนาระบบข้อมูลและบริการประชาชนแบบดิจิทัล จังหวัด{prov}", "สำนักงานจังหวัด{prov}",
     "ระดับความสำเร็จของการพัฒนาระบบ", "ระดับ", (5, 5), 6,
     "การบริการประชาชนและประสิทธิภาพภาครัฐ", 13, 16, "การพัฒนาองค์กรให้พร้อมรับต่อการเปลี่ยนแปลง",
     "recurrent"),
    ("ปลูกป่าและฟื้นฟูพื้นที่ต้นน้ำ {dist}", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด{prov}",
     "พื้นที่ป่าที่ได้รับการฟื้นฟู", "ไร่", (100, 800), 5,
     "การเติบโตอย่างยั่งยืน", 10, 15, "การบริหารจัดการทรัพยากรธรรมชาติ", "recurrent"),
    ("ส่งเสริมเกษตรปลอดภัยและเกษตรแปรรูป {dist}", "สำนักงานเกษตรจังหวัด{prov}",
     "เกษตรกรที่ได้รับการรับรองมาตรฐาน GAP", "ราย", (50, 300), 2,
     "การเกษตร", 1, 2, "การพัฒนาเศรษฐกิจฐานรากและลดความเหลื่อมล้ำ", "recurrent"),
    ("ป้องกันและลดอุบัติเหตุทางถนน {dist}", "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัด{prov}",
     "อัตราการเสียชีวิตจากอุบัติเหตุทางถนนที่ลดลง", "ร้อยละ", (5, 10), 1,
     "ความมั่นคง", 8, 3, "การเสริมสร้างความมั่นคงภายใน", "recurrent"),
    ("พัฒนาทักษะอาชีพและการเรียนรู้ตลอดชีวิต {dist}", "สำนักงานแรงงานจังหวัด{prov}",
     "ผู้ผ่านการฝึกอบรมที่มีงานทำหรือมีรายได้เพิ่ม", "ร้อยละ", (60, 80), 3,
     "การพัฒนาการเรียนรู้", 12, 4, "การเสริมสร้างความเข้มแข็งของชุมชน", "recurrent"),
]
CABINET_POLICIES = ["นโยบายหลักด้านที่ 5 การพัฒนาเศรษฐกิจและการกระจายความเจริญสู่ภูมิภาค",
                    "นโยบายหลักด้านที่ 9 การพัฒนาระบบสาธารณสุขและหลักประกันทางสังคม",
                    "นโยบายหลักด้านที่ 10 การส่งเสริมการพัฒนาระบบเศรษฐกิจฐานราก",
                    "นโยบายหลักด้านที่ 11 การปฏิรูปการบริหารจัดการภาครัฐ"]
NEW_GOV_POLICIES = [None, None, "การแก้ไขปัญหาหนี้สินและความยากจน", "การบริหารจัดการน้ำทั้งระบบ",
                    "การยกระดับการท่องเที่ยว"]
PROBLEMS = ["การจัดซื้อจัดจ้างล่าช้า ผู้รับจ้างส่งมอบงานไม่ทันกำหนด",
            "ฝนตกต่อเนื่องทำให้ดำเนินการก่อสร้างไม่ได้",
            "รอการอนุมัติปรับแผนการดำเนินงานจากส่วนกลาง",
            "ราคากลางไม่สอดคล้องกับราคาตลาด ต้องประกาศประกวดราคาใหม่",
            "กลุ่มเป้าหมายไม่สะดวกเข้าร่วมกิจกรรมตามช่วงเวลาที่กำหนด",
            "งบประมาณได้รับการจัดสรรล่าช้า"]
CEBRS_TITLES = {
    "drought": ["แจกจ่ายน้ำอุปโภคบริโภคช่วยเหลือผู้ประสบภัยแล้ง {sub}", "ขุดเจาะบ่อบาดาลเพื่อการอุปโภค {sub}"],
    "flood": ["ช่วยเหลือผู้ประสบอุทกภัย {sub}", "ซ่อมแซมบ้านเรือนที่เสียหายจากน้ำท่วม {sub}"],
    "roads": ["ซ่อมแซมถนนที่ชำรุดเสียหาย {sub}", "ซ่อมแซมสะพานและทางระบายน้ำ {sub}"],
    "agriculture": ["ฟื้นฟูอาชีพเกษตรกรที่ได้รับผลกระทบ {sub}", "สนับสนุนพันธุ์พืชและปัจจัยการผลิต {sub}"],
    "health": ["จัดหาอุปกรณ์การแพทย์ช่วยเหลือผู้ป่วยติดเตียง {sub}", "ควบคุมโรคระบาดในพื้นที่ {sub}"],
    "housing": ["ซ่อมแซมบ้านผู้ยากไร้ {sub}", "ปรับปรุงที่อยู่อาศัยครัวเรือนเปราะบาง {sub}"],
    "other": ["ช่วยเหลือผู้ประสบอัคคีภัย {sub}", "ช่วยเหลือเร่งด่วนผู้ประสบความเดือดร้อน {sub}"],
}
# Problem mix by six-region: northeast drought, south flood, and so on.
CEBRS_MIX = {
    "northeast": (0.32, 0.14, 0.14, 0.16, 0.08, 0.11, 0.05),
    "north": (0.22, 0.18, 0.18, 0.16, 0.08, 0.12, 0.06),
    "south": (0.08, 0.38, 0.18, 0.12, 0.08, 0.10, 0.06),
    "east": (0.14, 0.26, 0.18, 0.14, 0.10, 0.12, 0.06),
    "west": (0.20, 0.20, 0.18, 0.14, 0.10, 0.12, 0.06),
    "central": (0.12, 0.30, 0.16, 0.12, 0.10, 0.14, 0.06),
}


class _Areas:
    """Area arrays the generator samples from, with each district's weight and province pace."""

    def __init__(self, conn: Connection, rng: np.random.Generator):
        d, p = s.district, s.province
        rows = conn.execute(select(d.c.dist_code, d.c.prov_code, d.c.name_th, d.c.type_th,
                                   d.c.n_subdistricts, p.c.name_th.label("prov_name"), p.c.region)
                            .join(p, p.c.prov_code == d.c.prov_code).order_by(d.c.dist_code)).all()
        self.dist = pd.DataFrame(rows, columns=["dist_code", "prov_code", "name_th", "type_th",
                                                "n_sub", "prov_name", "region"])
        self.dist["need"] = self.dist["region"].map(REGION_NEED)
        self.dist.loc[self.dist.prov_code == BANGKOK, "need"] = 0.45
        self.dist["weight"] = self.dist["n_sub"] / self.dist["n_sub"].sum()
        provs = sorted(self.dist.prov_code.unique())
        pace = np.clip(rng.normal(1.0, 0.1, len(provs)), 0.78, 1.18)
        laggards = rng.choice(len(provs), 9, replace=False)  # the provinces the war room should spot
        pace[laggards] = rng.uniform(0.58, 0.74, len(laggards))
        self.pace = dict(zip(provs, pace))
        self.dist["pace"] = self.dist.prov_code.map(self.pace)
        sub = conn.execute(select(s.subdistrict.c.subdist_code, s.subdistrict.c.dist_code,
                                  s.subdistrict.c.type_th, s.subdistrict.c.name_th)
                           .order_by(s.subdistrict.c.subdist_code)).all()
        self.sub = pd.DataFrame(sub, columns=["subdist_code", "dist_code", "type_th", "name_th"])
        starts = self.sub.groupby("dist_code").cumcount() == 0
        first = pd.Series(np.flatnonzero(starts), index=self.sub.dist_code[starts].values)
        self.sub_offset = first.reindex(self.dist.dist_code).to_numpy()
        self.sub_count = self.dist["n_sub"].to_numpy()

    def pick_subdistricts(self, rng, dist_idx: np.ndarray) -> np.ndarray:
        return self.sub_offset[dist_idx] + (rng.random(len(dist_idx)) * self.sub_count[dist_idx]).astype(int)


def _dates(base: np.ndarray | dt.date, days: np.ndarray) -> np.ndarray:
    return (np.datetime64(base, "D") if isinstance(base, dt.date) else base) + days.astype("timedelta64[D]")


def _py_dates(values: np.ndarray, mask: np.ndarray | None = None) -> list:
    out = pd.to_datetime(values).date.tolist() if len(values) else []
    if mask is not None:
        out = [v if m else None for v, m in zip(out, mask)]
    return out


def _insert(conn: Connection, table, records: list[dict]) -> None:
    for i in range(0, len(records), CHUNK):
        conn.execute(insert(table), records[i:i + CHUNK])


def _padme(conn, rng, areas: _Areas, years, as_of: dt.date, per_year: int) -> None:
    eligible = np.flatnonzero(areas.dist.prov_code.to_numpy() != BANGKOK)  # Bangkok has no provincial plan
    w = areas.dist["weight"].to_numpy()[eligible]
    w = w / w.sum()
    dist_rows = list(areas.dist.itertuples(index=False))
    sub_rows = list(areas.sub.itertuples(index=False))
    as_of_ts = dt.datetime.combine(as_of, dt.time(9, 0))
    projects, reports = [], []
    for year in years:
        idx = eligible[rng.choice(len(eligible), per_year, p=w)]
        subs = areas.pick_subdistricts(rng, idx)
        tmpl = rng.integers(0, len(PADME_TEMPLATES), per_year)
        budget_mb = np.clip(rng.lognormal(np.log(0.9), 1.0, per_year), 0.05, 60.0)
        ach = rng.normal(1.0, 0.15, per_year)
        noise = rng.lognormal(0.0, 0.12, (per_year, 4))
        seq: dict[str, int] = {}
        for i in range(per_year):
            row, sub = dist_rows[idx[i]], sub_rows[subs[i]]
            (name, agency, indicator, unit, (lo, hi), strat, plan, nesdp, sdg, moi, btype) = PADME_TEMPLATES[tmpl[i]]
            seq[row.prov_code] = seq.get(row.prov_code, 0) + 1
            pid = f"P{year}-{row.prov_code}-{seq[row.prov_code]:05d}"
            budget = int(round(budget_mb[i] * 1000)) * 1000
            target = float(lo if lo == hi else rng.integers(lo, hi + 1))
            projects.append({
                "project_id": pid, "fiscal_year": year, "dist_code": row.dist_code,
                "agency": agency.format(prov=row.prov_name),
                "name": name.format(sub=f"{sub.type_th}{sub.name_th} {row.type_th}{row.name_th}",
                                    dist=f"{row.type_th}{row.name_th}", prov=row.prov_name),
                "indicator": indicator, "indicator_unit": unit, "indicator_target": target,
                "budget_baht": budget, "budget_type": btype, "national_strategy": strat,
                "master_plan": plan, "nesdp_milestone": nesdp,
                "cabinet_policy": CABINET_POLICIES[i % len(CABINET_POLICIES)],
                "moi_strategy": moi, "sdg_goal": sdg,
                "new_gov_policy": NEW_GOV_POLICIES[i % len(NEW_GOV_POLICIES)],
                "updated_at": as_of_ts,
            })
            share_prev = share_target_prev = 0.0
            for q in (1, 2, 3, 4):
                fq = FiscalQuarter(year, q)
                if as_of < fq.start:
                    break
                elapsed = elapsed_share(fq, as_of)
                partial = elapsed < 1.0
                # Mid-quarter most projects have filed their figures so far (the ministry's field
                # reporting), fewer in the quarter's first weeks.
                full = 0.97 if row.pace > 0.8 else 0.9
                if rng.random() > (full * min(1.0, 0.4 + elapsed) if partial else full):
                    continue  # not reported (yet)
                tpct = DEFAULT_DISBURSEMENT_TARGETS[q][2 if btype == "capital" else 1] / 100
                share = min(1.0, max(share_prev, tpct * row.pace * noise[i, q - 1]))
                if partial:
                    share = share_prev + (share - share_prev) * elapsed
                actual = int(budget * share)
                committed = min(budget, actual + int((budget - actual) * rng.uniform(0, 0.6 if btype == "capital" else 0.25)))
                disb_target = int(budget * tpct)
                progress = min(1.0, q / 4 * (1 + (ach[i] - 1) * 2)) if not partial else (q - 1 + elapsed) / 4
                result = round(target * min(1.1, max(0.0, progress * ach[i])), 2)
                if unit == "ระดับ":
                    result = float(int(result))
                # Mid-quarter, a project is judged against the share of its target due so far.
                due = budget * share_target_prev + (disb_target - budget * share_target_prev) * elapsed
                ratio = actual / due if due else 1.0
                status = ("done" if q == 4 and share >= 0.95 and not partial else
                          "not_started" if actual == 0 else
                          "at_risk" if ratio < 0.6 else "late" if ratio < 0.85 else "on_track")
                lag_days = rng.integers(3, 25)
                if partial:
                    reported = dt.datetime.combine(fq.start, dt.time(8)) + dt.timedelta(
                        days=float(rng.uniform(0, (as_of - fq.start).days)))
                else:
                    reported = dt.datetime.combine(fq.end, dt.time(16)) + dt.timedelta(days=int(lag_days))
                reported = min(reported, as_of_ts)
                reports.append({
                    "project_id": pid, "quarter": q,
                    "result_text": (f"ดำเนินการแล้วร้อยละ {round(progress * 100)} ของแผน "
                                    f"เบิกจ่ายสะสม {actual / 1e6:.4f} ล้านบาท"),
                    "indicator_result": result, "disb_target_baht": disb_target,
                    "disb_actual_baht": actual, "committed_baht": committed, "status": status,
                    "problems": PROBLEMS[int(rng.integers(len(PROBLEMS)))] if status in ("late", "at_risk") else None,
                    "reported_at": reported,
                })
                share_prev, share_target_prev = share, tpct
    _insert(conn, s.padme_project, projects)
    _insert(conn, s.padme_report, reports)


def _cebrs(conn, rng, areas: _Areas, years, as_of: dt.date, per_year: int) -> None:
    dist = areas.dist
    w = (dist["weight"] * dist["need"]).to_numpy()
    w = w / w.sum()
    cats = list(s.CEBRS_CATEGORIES)
    as_of_ts = dt.datetime.combine(as_of, dt.time(9, 0))
    dist_rows = list(dist.itertuples(index=False))
    sub_rows = list(areas.sub.itertuples(index=False))
    records = []
    for year in years:
        start, end = fiscal_year_bounds(year)
        span = (min(end, as_of) - start).days + 1
        n = int(per_year * min(1.0, span / 365))
        if n <= 0:
            continue
        idx = rng.choice(len(dist), n, p=w)
        subs = areas.pick_subdistricts(rng, idx)
        approved_off = np.sort(rng.integers(0, span, n))
        amount_mb = np.clip(rng.lognormal(np.log(0.35), 0.9, n), 0.02, 12.0)
        pace = dist.pace.to_numpy()[idx]
        lag = (rng.gamma(2.0, 18.0, n) / pace).astype(int) + 3
        work = rng.gamma(2.0, 25.0, n).astype(int) + 7
        for i in range(n):
            row, sub = dist_rows[idx[i]], sub_rows[subs[i]]
            cat = cats[rng.choice(len(cats), p=CEBRS_MIX[row.region])]
            approved_on = start + dt.timedelta(days=int(approved_off[i]))
            disbursed_on = approved_on + dt.timedelta(days=int(lag[i]))
            completed_on = disbursed_on + dt.timedelta(days=int(work[i]))
            approved = int(round(amount_mb[i] * 1000)) * 1000
            disbursed_ok = disbursed_on <= as_of
            done = completed_on <= as_of
            households = max(1, int(approved / rng.uniform(8_000, 40_000)))
            records.append({
                "project_id": f"C{year}-{row.dist_code}-{i:05d}", "fiscal_year": year,
                "subdist_code": sub.subdist_code, "dist_code": row.dist_code, "category": cat,
                "title": CEBRS_TITLES[cat][i % 2].format(sub=f"{sub.type_th}{sub.name_th} {row.type_th}{row.name_th}"),
                "approved_baht": approved,
                "disbursed_baht": int(approved * rng.uniform(0.85, 1.0)) if disbursed_ok else 0,
                "beneficiary_households": households,
                "beneficiary_people": int(households * rng.uniform(2.6, 3.4)),
                "status": "done" if done else "in_progress" if disbursed_ok else "approved",
                "approved_on": approved_on, "disbursed_on": disbursed_on if disbursed_ok else None,
                "completed_on": completed_on if done else None, "updated_at": as_of_ts,
            })
    _insert(conn, s.cebrs_project, records)


def _thaiqm(conn, rng, areas: _Areas, years, as_of: dt.date, per_year: int, progress: Progress) -> None:
    dist = areas.dist
    w = (dist["weight"] * dist["need"]).to_numpy()
    w = w / w.sum()
    as_of_np = np.datetime64(as_of, "D")
    next_id = 1
    for y_i, year in enumerate(years):
        progress(0.35 + 0.45 * y_i / len(years), f"ThaiQM {year}")
        start, _ = fiscal_year_bounds(year)
        idx = np.sort(rng.choice(len(dist), per_year, p=w))
        subs = areas.pick_subdistricts(rng, idx)
        need = dist.need.to_numpy()[idx]
        pace = dist.pace.to_numpy()[idx]
        target = rng.random(per_year) < np.clip(0.45 * need, 0.15, 0.9)
        flags = {d: (rng.random(per_year) < p) & target for d, p in
                 zip(s.THAIQM_DIMENSIONS, (0.22, 0.36, 0.26, 0.58, 0.31))}
        none = target & ~np.any(np.stack(list(flags.values())), axis=0)
        flags["income"] = flags["income"] | none
        # Work on a case starts through the year (slower in lagging provinces); some never start.
        start_day = (rng.beta(1.6, 2.6, per_year) * 420 / pace).astype(int)
        duration = (rng.gamma(2.0, 40.0, per_year) / pace).astype(int) + 10
        started = _dates(start, start_day)
        resolved = started + duration.astype("timedelta64[D]")
        is_started = target & (started <= as_of_np)
        is_resolved = is_started & (resolved <= as_of_np)
        self_res = rng.random(per_year) < 0.1
        status = np.where(~target, "surveyed",
                          np.where(is_resolved, np.where(self_res, "self_resolved", "helped"),
                                   np.where(is_started, "in_progress", "target")))
        updated = np.where(is_resolved, resolved, np.where(is_started, started, np.datetime64(start, "D")))
        sub_codes = areas.sub.subdist_code.to_numpy()[subs]
        dist_codes = dist.dist_code.to_numpy()[idx]
        started_py = _py_dates(started, is_started)
        resolved_py = _py_dates(resolved, is_resolved)
        updated_py = [dt.datetime.combine(d, dt.time(12)) for d in _py_dates(updated)]
        flag_lists = {d: flags[d].tolist() for d in s.THAIQM_DIMENSIONS}
        status_l = status.tolist()
        recs = [{"household_id": next_id + i, "survey_year": year, "subdist_code": sub_codes[i],
                 "dist_code": dist_codes[i], **{f"p_{d}": flag_lists[d][i] for d in s.THAIQM_DIMENSIONS},
                 "status": status_l[i], "started_on": started_py[i], "resolved_on": resolved_py[i],
                 "updated_at": updated_py[i]} for i in range(per_year)]
        next_id += per_year
        _insert(conn, s.thaiqm_household, recs)


def _sdg(conn, rng, areas: _Areas, years) -> None:
    conn.execute(insert(s.sdg_goal), [{"goal": g, "name_th": th, "name_en": en, "colour": c}
                                      for g, th, en, c in SDG_GOALS])
    conn.execute(insert(s.sdg_indicator), [
        {"indicator_code": code, "goal": goal, "name_th": th, "name_en": en, "unit": unit,
         "direction": direction, "target_value": target, "lower_bound": lower}
        for code, goal, th, en, unit, direction, target, _, lower in SDG_INDICATORS])
    dist = areas.dist
    n = len(dist)
    need = dist.need.to_numpy()
    weight = dist.n_sub.to_numpy().astype(float)
    records = []
    for code, _goal, _th, _en, unit, direction, target, level, _lower in SDG_INDICATORS:
        sign = 1 if direction == "higher" else -1
        gap = abs(target - level)
        # Poorer regions start further from the target; each district has its own pace.
        base = level - sign * gap * (need - 1.0) * 1.2 + rng.normal(0, gap * 0.25, n)
        pace = rng.normal(0.09, 0.07, n) * gap  # change per year towards the target
        for k, year in enumerate(years):
            value = base + sign * pace * k + rng.normal(0, gap * 0.03, n)
            if unit == "%":
                value = np.clip(value, 0.0, 100.0)
            value = np.maximum(value, 0.0)
            records += [{"indicator_code": code, "dist_code": dc, "year": year, "value": round(float(v), 3),
                         "weight": wt} for dc, v, wt in zip(dist.dist_code, value, weight)]
    _insert(conn, s.sdg_value, records)


def seed(engine: Engine, scale: str = "demo", as_of: dt.date | None = None,
         progress: Progress = lambda _f, _m: None) -> None:
    """Drop and recreate every table, then fill them. Callers decide whether that is allowed."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    as_of = as_of or clock.today()
    cfg = SCALES[scale]
    years = list(range(FIRST_YEAR, fiscal_quarter_of(as_of).year + 1))
    rng = np.random.default_rng(SEED)
    progress(0.0, "schema")
    drop_schema(engine)
    create_schema(engine)
    with engine.begin() as conn:
        load_reference(conn)
        areas = _Areas(conn, rng)
        progress(0.1, "PADME")
        _padme(conn, rng, areas, years, as_of, cfg.padme_per_year)
        progress(0.25, "CEBRS")
        _cebrs(conn, rng, areas, years, as_of, cfg.cebrs_per_year)
        _thaiqm(conn, rng, areas, years, as_of, cfg.thaiqm_per_year, progress)
        progress(0.8, "SDG")
        _sdg(conn, rng, areas, years)
        mark_schema(conn)
        conn.execute(insert(s.dataset_meta), [{"key": "origin", "value": "demo"},
                                              {"key": "scale", "value": scale},
                                              {"key": "as_of", "value": as_of.isoformat()}])
        progress(0.9, "rollups")
        for source in s.SOURCES:
            rollups.rebuild(conn, source)
            versions.bump(conn, source, as_of)
            rollups.rebuild_to_date(conn, source, as_of)
    fill_history(engine, as_of, progress)  # the weekly review's past weeks (data_access/history.py)
    progress(1.0, "done")


__all__ = ["SCALES", "seed", "NESDP13_MILESTONES"]
