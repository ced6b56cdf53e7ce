"""Rebuilds the rollup tables from the source rows, inside the caller's write transaction.

Each rollup row is one district × fiscal quarter (× category for CEBRS), cumulative to the quarter's
end. Every higher level is a plain SUM of these rows, which is what makes district, province, region
and nation reconcile exactly. `dist_codes` limits a rebuild to the districts an import touched.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (BigInteger, Connection, and_, case, cast, delete, func, insert, literal,
                        or_, select)

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


def _cebrs_select():
    c, fq = s.cebrs_project, s.fiscal_quarter
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


def _thaiqm_select():
    h, fq = s.thaiqm_household, s.fiscal_quarter
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
