"""Field reporting in the browser (issue 18): on a 1024 × 768 touch screen a district officer moves a
ThaiQM household on and a governor files a PADME quarterly report; an executive's overview, open all
the while on a desktop, shows both figures change without a reload (the live refresh, 2 s here).

One fresh database and one server for the module; every wait is for a state (tests/browser_support.py),
bounded. Screenshots: tests/artifacts/report-*.png.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser_support import (ARTIFACTS, require_chromium, streamlit_app, wait_for_metric_change, wait_for_run,
                                   wait_until)
from ui.i18n import t

pytestmark = pytest.mark.browser

TOUCH = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "device_scale_factor": 1}
DISTRICT = "3001"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> str:
    from data_access import db
    from data_access.seed import seed
    from tests.conftest import AS_OF
    url = f"sqlite:///{tmp_path_factory.mktemp('report_browser') / 'warroom.db'}"
    seed(db.engine_for(url), "test", AS_OF)
    return url


@pytest.fixture(scope="module")
def server(fresh):
    require_chromium()
    with streamlit_app(fresh, "streamlit-report.log", WARROOM_REFRESH_SECONDS="2") as base:
        yield base


def _choose(page, label: str, option: str) -> None:
    """Tap a select box, type to narrow its list, tap the option; wait for the rerun."""
    page.locator(f'input[aria-label="{label}"]').tap()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=False).first.tap()
    wait_for_run(page)


def _as_demo(page, role: str, province: str, district: str | None = None) -> None:
    chip = page.locator('.st-key-demo_chip [data-testid="stPopoverButton"]')
    chip.tap()
    page.get_by_text(t("demo_banner", "en")).wait_for(timeout=30_000)
    _choose(page, t("role", "en"), t(f"role_{role}", "en"))
    _choose(page, t("province", "en"), province)
    if district:
        _choose(page, t("district", "en"), district)
    page.keyboard.press("Escape")
    wait_until(page, "() => !document.querySelector('[data-testid=\"stPopoverBody\"]')", timeout_ms=10_000)
    wait_for_run(page)


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def _project_in(url: str, dist: str) -> tuple[str, int]:
    from data_access import db, schema as s
    p = s.padme_project
    with db.engine_for(url).connect() as conn:
        row = conn.execute(select(p.c.project_id, p.c.budget_baht).where(p.c.dist_code == dist, p.c.fiscal_year == 2570)
                           .order_by(p.c.budget_baht.desc())).first()
    return row.project_id, row.budget_baht


def test_field_reports_reach_an_open_overview_without_a_reload(fresh, server, browser):
    # The executive's overview of the district, open on a desktop throughout.
    desk = browser.new_context(viewport={"width": 1366, "height": 768})
    overview = desk.new_page()
    overview.goto(f"{server}/?level=district&area={DISTRICT}&lang=en", wait_until="domcontentloaded")
    wait_for_run(overview)
    overview.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    padme_label, thaiqm_label = t("padme_disbursed_pct", "en"), t("thaiqm_helped_pct", "en")
    before = {label: _metric(overview, label) for label in (padme_label, thaiqm_label)}
    overview.evaluate("window.__sameDocument = 'yes'")
    overview.screenshot(path=str(ARTIFACTS / "report-overview-before.png"))

    # A district officer on a tablet: ThaiQM, tap a household, "Helped", what was done, save.
    officer = browser.new_context(**TOUCH).new_page()
    officer.goto(f"{server}/report?lang=en", wait_until="domcontentloaded")
    wait_for_run(officer)
    _as_demo(officer, "district_officer", "Nakhon Ratchasima", "Mueang Nakhon Ratchasima")
    officer.get_by_role("tab", name=t("report_tab_thaiqm", "en")).tap()
    table = officer.locator('.stTabs [data-testid="stDataFrame"]').first
    table.wait_for(timeout=30_000)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    officer.touchscreen.tap(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    wait_until(officer, "() => document.body.innerText.includes('1 household(s) selected')", timeout_ms=30_000)
    action = officer.locator('[data-testid="stForm"]').filter(has_text="household(s) selected")
    action.get_by_role("radio", name=t("thaiqm_stage_helped", "en")).tap()
    action.get_by_label(t("report_field_help_given", "en")).fill("Roof repaired by the subdistrict")
    action.get_by_role("button", name="Save 1 household(s)").tap()
    wait_until(officer, "() => document.body.innerText.includes('Saved: 1 record(s)')", timeout_ms=30_000)
    officer.screenshot(path=str(ARTIFACTS / "report-officer-thaiqm-1024x768.png"), full_page=True)

    # A governor on a tablet: PADME, the district's largest project, this quarter's report.
    pid, budget = _project_in(fresh, DISTRICT)
    governor = browser.new_context(**TOUCH).new_page()
    governor.goto(f"{server}/report?lang=en", wait_until="domcontentloaded")
    wait_for_run(governor)
    _as_demo(governor, "governor", "Nakhon Ratchasima")
    _choose(governor, t("report_pick_project", "en"), pid)
    form = governor.locator('[data-testid="stForm"]').filter(has_text=t("report_form_padme", "en").format(quarter="Q1"))
    form.get_by_label(t("report_field_result_text", "en"), exact=True).fill("Contract signed; works 90% done")
    for field, value in (("committed_baht", budget), ("disb_actual_baht", int(budget * 0.9))):
        box = form.get_by_label(t(f"report_field_{field}", "en"), exact=True)
        box.fill(str(value))
    form.get_by_role("button", name=t("report_save", "en")).tap()
    wait_until(governor, "() => document.body.innerText.includes('Saved: 1 record(s)')", timeout_ms=30_000)
    governor.screenshot(path=str(ARTIFACTS / "report-governor-padme-1024x768.png"), full_page=True)

    # The executive's page moved on both, by itself.
    for label in (padme_label, thaiqm_label):
        wait_for_metric_change(overview, label, before[label], timeout_ms=30_000)
    wait_for_run(overview)
    overview.screenshot(path=str(ARTIFACTS / "report-overview-after.png"))
    assert overview.evaluate("window.__sameDocument") == "yes"
    assert all(_metric(overview, label) != before[label] for label in before)
