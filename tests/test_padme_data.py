"""PADME project lists agree with the rollups (SQLite and PostgreSQL) and respect scope."""
import pytest

from data_access.reader import ScopedReader
from data_access import padme, queries
from data_access.scope import EVERYONE, NATION, Area, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter


@pytest.mark.parametrize("area", [NATION, Area("province", "30"), Area("region", "north")])
@pytest.mark.parametrize("period", [FiscalQuarter(2569, 2), FiscalQuarter(2570, 1)])
def test_project_list_adds_up_to_the_rollup(engine, area, period):
    rows = padme.projects(ScopedReader(engine, EVERYONE), area, period)
    total = queries.rollup(ScopedReader(engine, EVERYONE), "padme", area, period).iloc[0]
    assert len(rows) == total.n_projects
    assert rows.budget_baht.sum() == total.budget_baht
    assert rows.disb_actual_baht.sum() == total.disb_actual_baht  # same carry-forward as the rollup
    assert rows.status.isin(["late"]).sum() == total.n_late


def test_breakdowns_add_up_to_the_total(engine):
    period = FiscalQuarter(2569, 4)
    total = queries.rollup(ScopedReader(engine, EVERYONE), "padme", NATION, period).iloc[0]
    for by in padme.BREAKDOWNS:
        parts = padme.breakdown(ScopedReader(engine, EVERYONE), NATION, period, by)
        assert parts.n_projects.sum() == total.n_projects and parts.budget_baht.sum() == total.budget_baht
    with pytest.raises(ValueError):
        padme.breakdown(ScopedReader(engine, EVERYONE), NATION, period, "name; DROP TABLE x")


def test_search_narrows_the_list(engine):
    period = FiscalQuarter(2569, 4)
    every = padme.projects(ScopedReader(engine, EVERYONE), Area("province", "30"), period)
    roads = padme.projects(ScopedReader(engine, EVERYONE), Area("province", "30"), period, search="ถนน")
    assert 0 < len(roads) < len(every) and roads.name.str.contains("ถนน").all()


def test_a_record_has_every_quarter_and_respects_scope(engine):
    period = FiscalQuarter(2569, 4)
    pid = padme.projects(ScopedReader(engine, EVERYONE), Area("province", "30"), period).project_id.iloc[0]
    project, reports = padme.record(ScopedReader(engine, EVERYONE), Area("province", "30"), pid)
    assert project["project_id"] == pid and set(reports.quarter) <= {1, 2, 3, 4} and len(reports) >= 3
    with pytest.raises(NotPermitted):  # the governor of another province cannot ask for Korat
        padme.record(ScopedReader(engine, Viewer("g", "governor", "50")), Area("province", "30"), pid)
    with pytest.raises(KeyError):  # nor find Korat's project inside their own province
        padme.record(ScopedReader(engine, Viewer("g", "governor", "50")), Area("province", "50"), pid)
    with pytest.raises(NotPermitted):
        padme.projects(ScopedReader(engine, Viewer("g", "governor", "50", national_totals=True)), NATION, period)
    with pytest.raises(KeyError):
        padme.record(ScopedReader(engine, EVERYONE), NATION, "P0000-00-00000")
