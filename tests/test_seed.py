"""The demo database: complete reference areas, all four sources, realistic shapes, determinism."""
import datetime as dt

import pytest
from sqlalchemy import func, select, text

from data_access import db, schema as s
from data_access.seed import seed
from tests.conftest import AS_OF


def count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_reference_areas_are_complete(engine):
    assert count(engine, s.province) == 77
    assert count(engine, s.district) == 928
    assert count(engine, s.subdistrict) == 7425
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(s.district.c.n_subdistricts))).scalar_one() == 7425
        bangkok = conn.execute(select(s.province.c.name_th).where(s.province.c.prov_code == "10")).scalar_one()
    assert bangkok == "กรุงเทพมหานคร"


def test_all_four_sources_are_populated(engine):
    for table in (s.padme_project, s.padme_report, s.cebrs_project, s.thaiqm_household, s.sdg_value,
                  s.rollup_padme, s.rollup_cebrs, s.rollup_thaiqm):
        assert count(engine, table) > 0, table.name
    assert count(engine, s.sdg_goal) == 17
    assert count(engine, s.data_version) == 4


def test_fiscal_years_2567_to_current_and_current_quarter_partly_reported(engine):
    with engine.connect() as conn:
        years = conn.execute(select(s.padme_project.c.fiscal_year).distinct().order_by(s.padme_project.c.fiscal_year)).scalars().all()
        reported = conn.execute(select(func.count()).select_from(s.padme_report).join(s.padme_project)
                                .where(s.padme_project.c.fiscal_year == 2570, s.padme_report.c.quarter == 1)).scalar_one()
        projects = count(engine, s.padme_project, s.padme_project.c.fiscal_year == 2570)
        later = conn.execute(select(func.count()).select_from(s.padme_report).join(s.padme_project)
                             .where(s.padme_project.c.fiscal_year == 2570, s.padme_report.c.quarter > 1)).scalar_one()
        latest = conn.execute(select(func.max(s.padme_report.c.reported_at))).scalar_one()
    assert years == [2567, 2568, 2569, 2570]
    assert 0 < reported < projects  # some, not all, have reported the current quarter
    assert later == 0  # nothing is reported for a quarter that has not started
    assert latest.date() <= AS_OF


def test_households_helped_rise_through_the_year(engine):
    with engine.connect() as conn:
        rows = conn.execute(select(s.rollup_thaiqm.c.quarter, func.sum(s.rollup_thaiqm.c.n_helped))
                            .where(s.rollup_thaiqm.c.fiscal_year == 2569).group_by(s.rollup_thaiqm.c.quarter)
                            .order_by(s.rollup_thaiqm.c.quarter)).all()
    helped = [r[1] for r in rows]
    assert helped == sorted(helped) and helped[0] < helped[-1]


def test_districts_are_weighted_by_their_subdistricts(engine):
    """Households per district follow the number of subdistricts (the population proxy)."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT d.n_subdistricts, COUNT(h.household_id) FROM district d "
            "LEFT JOIN thaiqm_household h ON h.dist_code = d.dist_code GROUP BY d.dist_code, d.n_subdistricts")).all()
    small = [n for k, n in rows if k <= 4]
    large = [n for k, n in rows if k >= 12]
    assert sum(large) / len(large) > 2.5 * sum(small) / len(small)


def test_money_respects_budget_rules(engine):
    with engine.connect() as conn:
        over = conn.execute(select(func.count()).select_from(s.cebrs_project)
                            .where(s.cebrs_project.c.disbursed_baht > s.cebrs_project.c.approved_baht)).scalar_one()
        bad = conn.execute(select(func.count()).select_from(s.padme_report).join(s.padme_project)
                           .where(s.padme_report.c.disb_actual_baht > s.padme_project.c.budget_baht)).scalar_one()
    assert over == 0 and bad == 0


def test_seed_is_deterministic(tmp_path):
    def fingerprint(url):
        with db.engine_for(url).connect() as conn:
            return conn.execute(text(
                "SELECT (SELECT SUM(budget_baht) FROM padme_project), (SELECT SUM(disb_actual_baht) FROM padme_report),"
                " (SELECT SUM(approved_baht) FROM cebrs_project), (SELECT COUNT(*) FROM thaiqm_household WHERE status='helped'),"
                " (SELECT ROUND(SUM(value), 3) FROM sdg_value)")).one()
    a, b = (f"sqlite:///{tmp_path / n}" for n in ("a.db", "b.db"))
    seed(db.engine_for(a), "test", AS_OF)
    seed(db.engine_for(b), "test", AS_OF)
    assert fingerprint(a) == fingerprint(b)


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        seed(db.engine_for(f"sqlite:///{tmp_path / 'x.db'}"), "galactic", dt.date(2026, 1, 1))
