"""Rollups equal the source rows they summarise, and a partial rebuild equals a full one."""
from sqlalchemy import func, select, text

from data_access import rollups, schema as s


def rollup_rows(conn, table):
    return sorted(tuple(r) for r in conn.execute(select(table)).all())


def test_padme_rollup_matches_the_raw_reports_of_a_district(engine):
    with engine.connect() as conn:
        dist = conn.execute(select(s.padme_project.c.dist_code).group_by(s.padme_project.c.dist_code)
                            .order_by(func.count().desc()).limit(1)).scalar_one()
        raw = conn.execute(text(
            "SELECT COUNT(*), SUM(p.budget_baht), SUM(COALESCE(r.disb_actual_baht, 0)) FROM padme_project p "
            "LEFT JOIN padme_report r ON r.project_id = p.project_id AND r.quarter = 3 "
            "WHERE p.dist_code = :d AND p.fiscal_year = 2569"), {"d": dist}).one()
        rolled = conn.execute(select(s.rollup_padme.c.n_projects, s.rollup_padme.c.budget_baht,
                                     s.rollup_padme.c.disb_actual_baht)
                              .where(s.rollup_padme.c.dist_code == dist, s.rollup_padme.c.fiscal_year == 2569,
                                     s.rollup_padme.c.quarter == 3)).one()
    # Every 2569 project that reported Q3 is compared; a project missing Q3 carries Q2 forward, so the
    # rollup can only be greater or equal to the Q3-only sum.
    assert rolled[0] == raw[0] and rolled[1] == raw[1]
    assert rolled[2] >= raw[2]


def test_thaiqm_rollup_counts_households_by_quarter_end(engine):
    with engine.connect() as conn:
        raw = conn.execute(text(
            "SELECT COUNT(*), SUM(CASE WHEN status <> 'surveyed' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN status = 'helped' AND resolved_on <= :end THEN 1 ELSE 0 END) "
            "FROM thaiqm_household WHERE survey_year = 2569"), {"end": "2026-03-31"}).one()
        rolled = conn.execute(select(func.sum(s.rollup_thaiqm.c.n_surveyed), func.sum(s.rollup_thaiqm.c.n_target),
                                     func.sum(s.rollup_thaiqm.c.n_helped))
                              .where(s.rollup_thaiqm.c.fiscal_year == 2569, s.rollup_thaiqm.c.quarter == 2)).one()
    assert tuple(int(x) for x in rolled) == tuple(int(x) for x in raw)


def test_cebrs_rollup_final_quarter_counts_what_was_disbursed_by_year_end(engine):
    with engine.connect() as conn:
        raw = conn.execute(text(
            "SELECT COUNT(*), SUM(approved_baht),"
            " SUM(CASE WHEN disbursed_on <= :end THEN disbursed_baht ELSE 0 END) FROM cebrs_project "
            "WHERE fiscal_year = 2568"), {"end": "2025-09-30"}).one()
        rolled = conn.execute(select(func.sum(s.rollup_cebrs.c.n_projects), func.sum(s.rollup_cebrs.c.approved_baht),
                                     func.sum(s.rollup_cebrs.c.disbursed_baht))
                              .where(s.rollup_cebrs.c.fiscal_year == 2568, s.rollup_cebrs.c.quarter == 4)).one()
    assert tuple(int(x) for x in rolled) == tuple(int(x) for x in raw)


def test_partial_rebuild_equals_full_rebuild(engine):
    """Rebuilding only some districts (as an import will) leaves the same rows as a full rebuild."""
    for source in ("padme", "cebrs", "thaiqm"):
        table = s.ROLLUPS[source]
        with engine.begin() as conn:
            before = rollup_rows(conn, table)
            rollups.rebuild(conn, source, ["3001", "3002", "1001", "9999"])
            assert rollup_rows(conn, table) == before, source
            rollups.rebuild(conn, source)
            assert rollup_rows(conn, table) == before, source


# --- the comparison's base to date (metrics.fiscal.comparison) ---------------------------------------
# The session's databases are seeded as of 20 Nov 2026 (day 51 of Q1 2570): the base is Q1 2569 to
# 20 Nov 2025.
BASE_THROUGH = "2025-11-20"


def _cut(conn, table):
    return {str(d) for d in conn.execute(select(table.c.through).distinct()).scalars()}


def test_the_to_date_rows_hold_last_years_quarter_cut_at_the_same_day(engine):
    with engine.connect() as conn:
        for source, table in s.ROLLUPS_TO_DATE.items():
            assert _cut(conn, table) == {BASE_THROUGH}, source
            periods = set(conn.execute(select(table.c.fiscal_year, table.c.quarter).distinct()).all())
            assert periods == {(2569, 1)}, source


def test_thaiqm_and_cebrs_to_date_count_exactly_what_their_dates_say(engine):
    with engine.connect() as conn:
        raw = conn.execute(text(
            "SELECT COUNT(*), SUM(CASE WHEN status = 'helped' AND resolved_on <= :cut THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN started_on <= :cut AND (resolved_on IS NULL OR resolved_on > :cut) THEN 1 ELSE 0 END) "
            "FROM thaiqm_household WHERE survey_year = 2569"), {"cut": BASE_THROUGH}).one()
        t = s.rollup_thaiqm_to_date
        rolled = conn.execute(select(func.sum(t.c.n_surveyed), func.sum(t.c.n_helped), func.sum(t.c.n_in_progress))).one()
        assert tuple(int(x) for x in rolled) == tuple(int(x) for x in raw)
        whole = conn.execute(select(func.sum(s.rollup_thaiqm.c.n_helped)).where(
            s.rollup_thaiqm.c.fiscal_year == 2569, s.rollup_thaiqm.c.quarter == 1)).scalar()
        assert int(rolled[1]) < int(whole)  # to the day is less than the whole quarter: the point of it
        raw = conn.execute(text(
            "SELECT COUNT(*), SUM(approved_baht), SUM(CASE WHEN disbursed_on <= :cut THEN disbursed_baht ELSE 0 END) "
            "FROM cebrs_project WHERE fiscal_year = 2569 AND approved_on <= :cut"), {"cut": BASE_THROUGH}).one()
        c = s.rollup_cebrs_to_date
        rolled = conn.execute(select(func.sum(c.c.n_projects), func.sum(c.c.approved_baht), func.sum(c.c.disbursed_baht))).one()
        assert tuple(int(x) for x in rolled) == tuple(int(x) for x in raw)


def test_padme_to_date_is_the_quarter_pro_rata_to_the_day(engine):
    """PADME reports quarterly: Q1's money to day 51 of 92 is 51/92 of Q1's (Q1 starts from zero);
    its projects and budget are the quarter's."""
    share = 51 / 92
    with engine.connect() as conn:
        r, td = s.rollup_padme, s.rollup_padme_to_date
        whole = conn.execute(select(r.c.dist_code, r.c.budget_baht, r.c.disb_actual_baht, r.c.n_projects).where(
            r.c.fiscal_year == 2569, r.c.quarter == 1).order_by(r.c.dist_code)).all()
        cut = conn.execute(select(td.c.dist_code, td.c.budget_baht, td.c.disb_actual_baht, td.c.n_projects)
                           .order_by(td.c.dist_code)).all()
    assert [w[0] for w in whole] == [c[0] for c in cut]
    for w, c in zip(whole, cut):
        assert (c[1], c[3]) == (w[1], w[3])
        assert abs(c[2] - w[2] * share) <= 1 + w[2] * 1e-4  # integer basis points, truncated


def test_an_import_moves_the_cut_with_the_data_and_a_complete_quarter_needs_none(engine):
    """The cut follows the source's data-through day; on the quarter's last day there is none."""
    import datetime as dt
    try:
        with engine.begin() as conn:
            rollups.rebuild_to_date(conn, "cebrs", dt.date(2026, 12, 6))
            assert _cut(conn, s.rollup_cebrs_to_date) == {"2025-12-06"}
            partial = rollup_rows(conn, s.rollup_cebrs_to_date)
            rollups.rebuild_to_date(conn, "cebrs", dt.date(2026, 12, 6), ["3001", "3002"])
            assert rollup_rows(conn, s.rollup_cebrs_to_date) == partial  # a partial rebuild equals a full one
            rollups.rebuild_to_date(conn, "cebrs", dt.date(2026, 12, 31))
            assert conn.execute(select(func.count()).select_from(s.rollup_cebrs_to_date)).scalar() == 0
            raise RuntimeError("roll back: the session's database stays as seeded")
    except RuntimeError:
        pass
