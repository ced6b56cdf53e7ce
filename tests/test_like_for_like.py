"""Every change on screen is like for like (AppTest): the running quarter against the same quarter a
year before to the same day (metrics.fiscal.comparison), in the change's unit, coloured by the KPI's
good direction, saying what it compares. The session's database is seeded as of 20 Nov 2026, day 51
of Q1 2570: the base is Q1 2569 to 20 Nov 2025."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from data_access import db, queries
from data_access.reader import ScopedReader
from data_access.scope import EVERYONE, NATION, Area
from metrics import kpis
from metrics.fiscal import FiscalQuarter
from ui import fmt
from ui.i18n import t
from tests.conftest import map_specs, open_app

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NOW, BASE, CUT = FiscalQuarter(2570, 1), FiscalQuarter(2569, 1), dt.date(2025, 11, 20)
COMPARED = {"th": "เทียบ ไตรมาส 1/2569 ถึง 20 พ.ย. 2568", "en": "vs Q1 FY2569 to 20 Nov 2025"}


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


def run(query: dict) -> AppTest:
    return open_app(query)


def change(url: str, key: str, area: Area, by: str = "total") -> pd.Series:
    """The KPI's like-for-like change per `by` area, from the data layer directly."""
    kpi = kpis.KPIS[key]
    reader = ScopedReader(db.engine_for(url), EVERYONE)
    now = queries.kpi_frame(reader, kpi.source, area, NOW, by).set_index("area_code")[kpi.column]
    then = queries.kpi_frame(reader, kpi.source, area, BASE, by, through=CUT).set_index("area_code")[kpi.column]
    return now - then


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_cards_compare_with_the_same_day_last_year_in_their_units(app_db, lang):
    at = run({"lang": lang})
    cards = {m.label: m for m in at.metric}
    for key, label, unit in (("padme_disbursed_pct", "padme_disbursed_pct", "pct"),
                             ("cebrs_disbursed_pct", "cebrs_disbursed_pct", "pct"),
                             ("thaiqm_helped_pct", "thaiqm_helped_pct", "pct")):
        card = cards[t(label, lang)]
        assert card.proto.delta == fmt.delta(change(app_db, key, NATION).iloc[0], unit), key
        assert card.proto.delta.endswith(" pp") and card.proto.delta_description == COMPARED[lang]
    households = cards[t("thaiqm_target", lang)].proto.delta
    assert households and "." not in households and households.lstrip("+-").replace(",", "").isdigit()
    # A size (the budget) has no good direction: its change is grey; a rate's is green up, red down.
    assert cards[t("padme_budget", lang)].proto.color == MetricProto.GRAY
    for label in ("padme_disbursed_pct", "cebrs_disbursed_pct", "thaiqm_helped_pct"):
        card = cards[t(label, lang)].proto
        assert card.color == (MetricProto.RED if card.delta.startswith("-") else MetricProto.GREEN), label


def test_not_everything_is_red_on_day_51(app_db):
    """Against last year's whole quarter nearly every figure fell; like for like, some rise."""
    moved = change(app_db, "cebrs_disbursed_pct", NATION, "province").dropna()
    moved = pd.concat([moved, change(app_db, "thaiqm_helped_pct", NATION, "province").dropna()])
    assert (moved > 0).any() and (moved < 0).any()


def test_the_ranking_and_the_maps_tooltip_carry_the_same_change(app_db):
    at = run({})
    expected = change(app_db, "padme_disbursed_pct", NATION, "province")
    [spec] = map_specs(at)
    assert spec["values"]["30"]["change"] == fmt.delta(expected["30"], "pct")
    assert any(COMPARED["th"] in str(entry.get("title")) for entry in spec["encoding"]["tooltip"])
    table = next(df for df in at.dataframe if t("col_change") in df.value.columns).value
    ranked = table.set_index(t("col_area"))[t("col_change")]
    assert ranked["นครราชสีมา"] == pytest.approx(expected["30"])


def test_the_ranking_opens_on_the_worst(app_db):
    at = run({})
    table = next(df for df in at.dataframe if t("col_change") in df.value.columns).value
    values = table[t("padme_disbursed_pct")].dropna().tolist()
    assert values == sorted(values)  # higher is better, so the lowest first
    assert table[t("col_rank")].iloc[0] == table[t("col_rank")].max()
