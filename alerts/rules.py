"""What each alert rule sees now, for its recipient: the conditions that hold, one per subject.

Every read goes through the recipient's own context (ui.loaders with a ScopedReader of the recipient's
viewer), so a rule can only ever see what its recipient may see on the pages, and it sees it exactly
as the pages compute it: the exceptions rule of the overview (`ui.panels.lagging`), the health rule
of the data health page (`metrics.freshness` with `[health] stale_after_hours`), the reporting
calendar of the field reports (`report_on_time_pct`: a district with a report missing after its due
date).

A rule returns {subject: Condition}. The runner compares that set with the rule's open episodes: a
new subject fires once, a subject that stays is not repeated, a subject that is gone is resolved.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from data_access import clock, health
from data_access.reader import ScopedReader
from data_access.scope import Area
from metrics import kpis
from metrics.freshness import STALE, freshness
from ui import compliance_view, config, loaders, panels
from ui.shell import Context

RED_KPIS = panels.EXCEPTION_KPIS          # "every headline KPI" of a red rule, as the exceptions panel
ALL_AREAS = 10**6                         # the exceptions rule without the panel's "at most 5"
REPORTING = kpis.KPIS["report_on_time_pct"]


@dataclass(frozen=True)
class Condition:
    subject: str                 # stable while the condition holds: "red:padme_disbursed_pct:province:33"
    rule: str
    area: Area                   # what it is about (the nation for a stale source)
    kpi: str | None              # the KPI it is about, for the weekly review's notes
    facts: dict = field(default_factory=dict)  # JSON-able values the message shows


def _value(value) -> float | None:
    return kpis.value_or_none(value)


def red(ctx: Context, kpi_key: str | None) -> dict[str, Condition]:
    """Areas one level below the recipient's home at least `worse_by` points behind it (or, for the
    reporting KPI, with a report missing or late): each is one condition."""
    home = ctx.viewer.home
    if home.level == "district":
        return {}
    found: dict[str, Condition] = {}
    for key in ([kpi_key] if kpi_key else RED_KPIS):
        kpi = kpis.KPIS[key]
        if kpi.higher_is_better is None:
            continue
        worse_by, _ = config.exception_rule(key)
        behind, reference = panels.lagging(ctx, home, kpi, worse_by, ALL_AREAS)
        for row in behind.itertuples():
            area = Area(home.child_level, row.area_code)
            facts = {"value": _value(getattr(row, kpi.column)), "reference": _value(reference), "worse_by": worse_by}
            if kpi.flagged_by is not None:
                facts |= {"n_missing": int(row.n_missing or 0), "n_late": int(row.n_late or 0)}
            subject = f"red:{key}:{area.level}:{area.code}"
            found[subject] = Condition(subject, "red", area, key, facts)
    return found


def threshold(ctx: Context, kpi_key: str, limit: float, direction: str) -> dict[str, Condition]:
    """The recipient's own area's figure below (or above) the number they set."""
    home, kpi = ctx.viewer.home, kpis.KPIS[kpi_key]
    value = _value(loaders.totals(ctx, kpi.source, home, ctx.period).get(kpi.column))
    if value is None or not (value < limit if direction == "below" else value > limit):
        return {}
    subject = f"threshold:{kpi_key}:{home.level}:{home.code or 'TH'}"
    return {subject: Condition(subject, "threshold", home, kpi_key,
                               {"value": value, "threshold": limit, "direction": direction})}


def stale(ctx: Context) -> dict[str, Condition]:
    """Sources with no write for longer than the data health page allows (country roles only)."""
    status = health.status(ScopedReader(loaders.engine(ctx.url), ctx.viewer))
    now, found = clock.utcnow(), {}
    for row in status.itertuples():
        state = freshness(row.updated_at, int(row.version), now, config.stale_after_hours(row.source))
        if state.state == STALE:
            subject = f"stale:{row.source}"
            found[subject] = Condition(subject, "stale", Area(), None,
                                       {"source": row.source, "age_hours": round(state.age_hours, 1),
                                        "allowed_hours": config.stale_after_hours(row.source)})
    return found


def missed_report(ctx: Context) -> dict[str, Condition]:
    """Areas in the recipient's scope with a report still missing after its due date, for the quarter
    the reporting calendar judges now (a district officer: their own district)."""
    home = ctx.viewer.home
    quarter = compliance_view.judged(ctx)
    if home.level == "district":
        totals = loaders.totals(ctx, kpis.REPORTING, home, ctx.period)
        rows = [(home, totals.get("n_missing"), totals.get("n_late"), totals.get(REPORTING.column))] if totals else []
    else:
        frame = loaders.children(ctx, REPORTING, home, ctx.period)
        rows = [(Area(home.child_level, r.area_code), r.n_missing, r.n_late, getattr(r, REPORTING.column))
                for r in frame.itertuples()]
    found = {}
    for area, n_missing, n_late, on_time in rows:
        if n_missing is None or not n_missing > 0:
            continue
        subject = f"missed:{quarter.year}Q{quarter.quarter}:{area.level}:{area.code}"
        found[subject] = Condition(subject, "missed_report", area, REPORTING.key, {
            "n_missing": int(n_missing), "n_late": int(n_late or 0), "value": _value(on_time),
            "year": quarter.year, "quarter": quarter.quarter})
    return found


def quarter_of(subject: str) -> str | None:
    """The judged quarter a missed-report subject is about ("2569Q4"), None for other rules."""
    return subject.split(":")[1] if subject.startswith("missed:") else None


def conditions(ctx: Context, sub) -> dict[str, Condition]:
    """The conditions of subscription row `sub` that hold now, seen as its recipient (ctx.viewer)."""
    if sub.rule == "red":
        return red(ctx, sub.kpi)
    if sub.rule == "threshold":
        return threshold(ctx, sub.kpi, float(sub.threshold), sub.direction)
    if sub.rule == "stale":
        return stale(ctx)
    if sub.rule == "missed_report":
        return missed_report(ctx)
    raise ValueError(f"unknown rule {sub.rule!r}")
