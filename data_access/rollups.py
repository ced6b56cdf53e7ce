"""Rebuilds the rollup tables from the source rows, inside the caller's write transaction.

Each rollup row is one district × fiscal quarter (× category for CEBRS), cumulative to the quarter's
end. Every higher level is a plain SUM of these rows, which is what makes district, province, region
and nation reconcile exactly. `dist_codes` limits a rebuild to the districts an import touched.
"""
from __future__ import annotations

from collections.abc import Iterable

import datetime as dt

from sqlalchemy import (BigInteger, Connection, Date, SmallInteger, and_, case, cast, delete, func,
                        insert, literal, or_, select)

from metrics.fiscal import comparison, elapsed_share, fiscal_quarter_of

from . import schema as s


def _sum_if(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _padme_select():
    p, r, fq = s.padme_project, s.padme_report.alias("r"), s.fiscal_quarter
    r_prev = s.padme_report.alias("r_prev")
    latest_quarter = (select(func.max(r_prev.c.quarter))
                      .where(r_prev.c.project_id == p.c.project_id, r_prev.c.quarter <= fq.c.quarter)
                      .correlate(p, fq).scalar_subquery())
    national_pct = case((p.c.budget_type == "capital", fq.c.target_capital_pct),
                        else_=fq.c.target_recurrent_pct)
    # A project that has not reported this quarter yet keeps its last reported (cumulative) figures;
    # its target for the quarter is the national target share of its budget.
    # Integer arithmetic (basis points, truncating division) so SQLite and PostgreSQL agree to the baht.
    basis_points = cast(func.round(national_pct * 100), BigInteger)
    target = case((r.c.quarter == fq.c.quarter, r.c.disb_target_baht),
                  else_=p.c.budget_baht * basis_points // 10000)
    actual = func.coalesce(r.c.disb_actual_baht, 0)
    capital = p.c.budget_type == "capital"
    cols = {
        "dist_code": p.c.dist_code, "fiscal_year": fq.c.fiscal_year, "quarter": fq.c.quarter,
        "n_projects": func.count(),
        "budget_baht": func.sum(p.c.budget_baht),
        "budget_capital_baht": _sum_if(capital, p.c.budget_baht),
        "disb_target_baht": func.sum(target),
        "disb_actual_baht": func.sum(actual),
        "disb_capital_baht": _sum_if(capital, actual),
        "committed_baht": func.sum(func.coalesce(r.c.committed_baht, 0)),
        "n_reported": _sum_if(r.c.quarter == fq.c.quarter),
        "n_indicator_met": _sum_if(r.c.indicator_result >= p.c.indicator_target),
        "n_late": _sum_if(r.c.status == "late"),
        "n_at_risk": _sum_if(r.c.status == "at_risk"),
    }
    frm = (p.join(fq, fq.c.fiscal_year == p.c.fiscal_year)
           .outerjoin(r, and_(r.c.project_id == p.c.project_id, r.c.quarter == latest_quarter)))
    return cols, select(*[c.label(k) for k, c in cols.items()]).select_from(frm), p.c.dist_code, \
        (p.c.dist_code, fq.c.fiscal_year, fq.c.quarter)


def _cebrs_select(fq=s.fiscal_quarter):
    c = s.cebrs_project
    disbursed = and_(c.c.disbursed_on.is_not(None), c.c.disbursed_on <= fq.c.end_date)
    cols = {
        "dist_code": c.c.dist_code, "fiscal_year": fq.c.fiscal_year, "quarter": fq.c.quarter,
        "category": c.c.category,
        "n_projects": func.count(),
        "approved_baht": func.sum(c.c.approved_baht),
        "disbursed_baht": _sum_if(disbursed, c.c.disbursed_baht),
        "beneficiary_households": func.sum(c.c.beneficiary_households),
        "beneficiary_people": func.sum(c.c.beneficiary_people),
        "n_done": _sum_if(and_(c.c.completed_on.is_not(None), c.c.completed_on <= fq.c.end_date)),
    }
    frm = c.join(fq, and_(fq.c.fiscal_year == c.c.fiscal_year, c.c.approved_on <= fq.c.end_date))
    return cols, select(*[v.label(k) for k, v in cols.items()]).select_from(frm), c.c.dist_code, \
        (c.c.dist_code, fq.c.fiscal_year, fq.c.quarter, c.c.category)


def _thaiqm_select(fq=s.fiscal_quarter):
    h = s.thaiqm_household
    end = fq.c.end_date
    resolved_by_end = and_(h.c.resolved_on.is_not(None), h.c.resolved_on <= end)
    cols = {
        "dist_code": h.c.dist_code, "fiscal_year": fq.c.fiscal_year, "quarter": fq.c.quarter,
        "n_surveyed": func.count(),
        "n_target": _sum_if(h.c.status != "surveyed"),
        **{f"n_{d}": _sum_if(h.c[f"p_{d}"] == literal(True)) for d in s.THAIQM_DIMENSIONS},
        "n_in_progress": _sum_if(and_(h.c.started_on.is_not(None), h.c.started_on <= end,
                                      or_(h.c.resolved_on.is_(None), h.c.resolved_on > end))),
        "n_helped": _sum_if(and_(h.c.status == "helped", resolved_by_end)),
        "n_self_resolved": _sum_if(and_(h.c.status == "self_resolved", resolved_by_end)),
    }
    frm = h.join(fq, fq.c.fiscal_year == h.c.survey_year)
    return cols, select(*[v.label(k) for k, v in cols.items()]).select_from(frm), h.c.dist_code, \
        (h.c.dist_code, fq.c.fiscal_year, fq.c.quarter)


_BUILDERS = {"padme": _padme_select, "cebrs": _cebrs_select, "thaiqm": _thaiqm_select}


def rebuild(conn: Connection, source: str, dist_codes: Iterable[str] | None = None) -> None:
    """Replace the source's rollup rows (all, or only those of `dist_codes`)."""
    if source not in _BUILDERS:
        return  # SDG values are stored at the rollup grain already (district × year, weighted)
    table = s.ROLLUPS[source]
    cols, sel, dist_col, group_by = _BUILDERS[source]()
    codes = sorted(set(dist_codes)) if dist_codes is not None else None
    if codes is not None:
        conn.execute(delete(table).where(table.c.dist_code.in_(codes)))
        sel = sel.where(dist_col.in_(codes))
    else:
        conn.execute(delete(table))
    conn.execute(insert(table).from_select(list(cols), sel.group_by(*group_by)))


# --- the comparison's base, to date ----------------------------------------------------------------
# A running quarter is compared with the same quarter of the year before cut at the same day
# (metrics.fiscal.comparison). CEBRS and ThaiQM rows carry their dates, so the cut is exact: the same
# sums as the rollup with the cut day in place of the quarter's end. PADME reports once a quarter, so
# its money (disbursed, committed, the target) is interpolated between the base's previous quarter
# and the base quarter by the share of the quarter elapsed; its counts and budget are the quarter's.
_PADME_FLOWS = ("disb_target_baht", "disb_actual_baht", "disb_capital_baht", "committed_baht")


def _cut(base, through: dt.date):
    return select(literal(base.year, SmallInteger).label("fiscal_year"),
                  literal(base.quarter, SmallInteger).label("quarter"),
                  literal(through, Date).label("end_date")).subquery("cut")


def _padme_to_date(base, through: dt.date):
    r, r0 = s.rollup_padme.alias("r"), s.rollup_padme.alias("r0")
    basis_points = int(round(elapsed_share(base, through) * 10000))
    cols = {}
    for c in s.rollup_padme.c:
        if c.name in _PADME_FLOWS:
            before = func.coalesce(r0.c[c.name], 0)
            cols[c.name] = before + (r.c[c.name] - before) * basis_points // 10000
        else:
            cols[c.name] = r.c[c.name]
    joined = r.outerjoin(r0, and_(r0.c.dist_code == r.c.dist_code, r0.c.fiscal_year == r.c.fiscal_year,
                                  r0.c.quarter == r.c.quarter - 1))
    sel = select(*[v.label(k) for k, v in cols.items()]).select_from(joined).where(
        r.c.fiscal_year == base.year, r.c.quarter == base.quarter)
    return cols, sel, r.c.dist_code, None


def stored_cut(conn: Connection, source: str) -> dt.date | None:
    """The day the source's to-date rows are cut at (None: none stored)."""
    table = s.ROLLUPS_TO_DATE[source]
    found = conn.execute(select(func.max(table.c.through))).scalar()
    return dt.date.fromisoformat(found) if isinstance(found, str) else found


def rebuild_to_date(conn: Connection, source: str, data_through: dt.date | None,
                    dist_codes: Iterable[str] | None = None) -> None:
    """Replace the source's to-date rows with the base of the comparison its newest quarter needs on
    `data_through` (none when that quarter is complete). Only `dist_codes` when the cut is unchanged;
    the PADME cut reads rollup_padme, so it runs after `rebuild`."""
    if source not in s.ROLLUPS_TO_DATE:
        return
    table = s.ROLLUPS_TO_DATE[source]
    cmp = None if data_through is None else comparison(fiscal_quarter_of(data_through), data_through)
    if cmp is None or not cmp.to_date:
        conn.execute(delete(table))
        return
    base, through = cmp.base, cmp.base_through
    if source == "padme":
        cols, sel, dist_col, group_by = _padme_to_date(base, through)
    else:
        cols, sel, dist_col, group_by = _BUILDERS[source](_cut(base, through))
    codes = sorted(set(dist_codes)) if dist_codes is not None and stored_cut(conn, source) == through else None
    if codes is not None:
        conn.execute(delete(table).where(table.c.dist_code.in_(codes)))
        sel = sel.where(dist_col.in_(codes))
    else:
        conn.execute(delete(table))
    if group_by is not None:
        sel = sel.group_by(*group_by)
    sel = sel.add_columns(literal(through, Date).label("through"))
    conn.execute(insert(table).from_select([*cols, "through"], sel))
