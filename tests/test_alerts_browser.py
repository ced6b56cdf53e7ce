"""Alerts in the browser (issue 19): on a 1024 × 768 touch screen the governor of Nakhon Ratchasima finds
the alert the delivery runner opened for their rule, acknowledges it with a note, and the weekly review
(the meeting's whole-country review, where the governor's acknowledgement reaches the war room) shows
that note under the KPI it is about; the admin page shows the message as its recipient saw it.

One fresh database and one server for the module; every wait is for a state (tests/browser_support.py),
bounded. Screenshots: tests/artifacts/alerts-*.png.
"""
from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, require_chromium, streamlit_app, wait_for_run, wait_until
from ui.i18n import t

pytestmark = pytest.mark.browser

TOUCH = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "device_scale_factor": 1}
NOTE = "Called the district chief; follow-up on Monday"
RULE = {"kind": "alert", "channel": "line", "address": "U" + "0a1b2c3d" * 4, "lang": "en", "rule": "threshold",
        "kpi": "thaiqm_helped_pct", "threshold": 101.0, "direction": "below"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> str:
    from alerts import runner
    from data_access import db, notify
    from data_access.scope import Viewer
    from data_access.seed import seed
    from tests.conftest import AS_OF
    url = f"sqlite:///{tmp_path_factory.mktemp('alerts_browser') / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    governor = Viewer("demo-governor", "governor", prov_code="30")
    notify.add(engine, governor, governor, RULE)
    summary = runner.run(engine, url, demo=True)  # the demo's local delivery: kept in the outbox
    assert summary.held >= 1, summary
    return url


@pytest.fixture(scope="module")
def server(fresh):
    require_chromium()
    with streamlit_app(fresh, "streamlit-alerts.log") as base:
        yield base


def _choose(page, label: str, option: str) -> None:
    page.locator(f'input[aria-label="{label}"]').tap()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=False).first.tap()
    wait_for_run(page)


def _as_demo(page, role: str, province: str | None = None) -> None:
    page.locator('.st-key-demo_chip [data-testid="stPopoverButton"]').tap()
    page.get_by_text(t("demo_banner", "en")).wait_for(timeout=30_000)
    _choose(page, t("role", "en"), t(f"role_{role}", "en"))
    if province:
        _choose(page, t("province", "en"), province)
    page.keyboard.press("Escape")
    wait_until(page, "() => !document.querySelector('[data-testid=\"stPopoverBody\"]')", timeout_ms=10_000)
    wait_for_run(page)


def _text_has(page, text: str, timeout_ms: int = 30_000) -> None:
    wait_until(page, f"() => document.body.innerText.includes({text!r})", timeout_ms=timeout_ms)


def test_a_governor_acknowledges_an_alert_and_the_weekly_review_shows_the_note(server, browser):
    governor = browser.new_context(**TOUCH).new_page()
    governor.goto(f"{server}/alerts?lang=en", wait_until="domcontentloaded")
    wait_for_run(governor)
    _as_demo(governor, "governor", "Nakhon Ratchasima")
    _text_has(governor, t("alerts_not_acknowledged", "en"))
    box = governor.get_by_label(t("alerts_ack_note", "en")).first
    box.tap()
    box.fill(NOTE)
    governor.get_by_role("button", name=t("alerts_ack", "en")).first.tap()
    _text_has(governor, NOTE)
    wait_for_run(governor)
    assert t("alerts_not_acknowledged", "en") not in governor.locator("body").inner_text()
    governor.screenshot(path=str(ARTIFACTS / "alerts-governor-1024x768.png"), full_page=True)

    governor.goto(f"{server}/weekly?lang=en", wait_until="domcontentloaded")
    wait_for_run(governor)
    _text_has(governor, NOTE, timeout_ms=60_000)
    # Under the KPI the alert was about: the smallest block holding the note also holds that KPI's title
    # and no other reviewed KPI's.
    around = governor.evaluate("""(note) => {
        const leaf = [...document.querySelectorAll('p, span, div')].find(
            e => e.children.length === 0 && e.textContent.includes(note));
        let block = leaf;
        while (block && !block.querySelector('h3')) block = block.parentElement;
        return block ? [...block.querySelectorAll('h3')].map(h => h.innerText.trim()) : [];
    }""", NOTE)
    assert around == [t("thaiqm_helped_pct", "en")], around
    governor.screenshot(path=str(ARTIFACTS / "alerts-weekly-1024x768.png"), full_page=True)


def test_the_admin_sees_the_message_as_the_recipient_did(server, browser):
    admin = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    admin.goto(f"{server}/admin?lang=en", wait_until="domcontentloaded")
    wait_for_run(admin)
    admin.locator('.st-key-demo_chip [data-testid="stPopoverButton"]').click()
    admin.get_by_text(t("demo_banner", "en")).wait_for(timeout=30_000)
    admin.locator(f'input[aria-label="{t("role", "en")}"]').click()
    admin.get_by_role("option", name=t("role_admin", "en")).click()
    wait_for_run(admin)
    admin.keyboard.press("Escape")
    wait_for_run(admin)
    _text_has(admin, "LINE")
    _text_has(admin, "War Room · Alert: ")
    admin.screenshot(path=str(ARTIFACTS / "alerts-admin-outbox-1366x768.png"), full_page=True)
