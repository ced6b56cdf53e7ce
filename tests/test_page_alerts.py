"""The alerts page (AppTest) on a database of its own: a governor subscribes to the weekly brief and to
an alert rule through the forms and sees them listed; a wrong address is refused naming the field; a
subscription is muted, resumed and deleted; the rules offered follow the data layer (a governor gets no
"source goes stale"); an admin manages another account's subscriptions; an open alert is acknowledged
with a note; Thai and English both render."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import accounts, db, notify, schema as s
from data_access.clock import utcnow
from data_access.scope import Area, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF, open_as
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/alerts.py"
GOVERNOR = Viewer("demo-governor", "governor", "30")
LINE_USER = "U" + "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('alerts_page') / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    accounts.add(engine, "gov50", "governor-pass-50", "governor", "ผู้ว่าฯ เชียงใหม่", "50")
    return url


@pytest.fixture(autouse=True)
def app_db(fresh, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", fresh)
    return fresh


def open_page(role: str, prov: str | None = None, dist: str | None = None, lang: str = "th") -> AppTest:
    return open_as(PAGE, role, prov, dist, lang)


def subs_of(url: str, owner: Viewer):
    return notify.subscriptions_of(db.engine_for(url), owner, owner)


def shown(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                     + [x.value for x in at.success] + [i.value for i in at.info] + [x.value for x in at.get("text")])


def clear(url: str) -> None:
    with db.engine_for(url).begin() as conn:
        conn.execute(s.alert_state.delete())
        conn.execute(s.subscription.delete())


def test_a_governor_adds_a_weekly_brief_and_an_alert_rule(fresh):
    clear(fresh)
    at = open_page("governor", "30")
    assert t("alerts_none_subscribed", "th") in shown(at) and t("alerts_none_open", "th") in shown(at)
    at.text_input(key="sub_brief_address").input("governor30@moi.go.th")
    at.segmented_control(key="sub_brief_formats").set_value("both")
    at.selectbox(key="sub_brief_weekday").set_value(0)
    at.selectbox(key="sub_brief_hour").set_value(7)
    at.button(key="sub_brief_add").click().run()
    assert not at.exception, [x.message for x in at.exception]
    at.selectbox(key="sub_alert_rule").set_value("threshold").run()
    at.selectbox(key="sub_alert_kpi").set_value("padme_disbursed_pct")
    at.number_input(key="sub_alert_threshold").set_value(40.0)
    at.segmented_control(key="sub_alert_direction").set_value("below")
    at.segmented_control(key="sub_alert_channel").set_value("line")
    at.text_input(key="sub_alert_address").input(LINE_USER)
    at.segmented_control(key="sub_alert_lang").set_value("en")
    at.button(key="sub_alert_add").click().run()
    assert not at.exception, [x.message for x in at.exception]
    rows = subs_of(fresh, GOVERNOR)
    brief, alert = rows.iloc[0], rows.iloc[1]
    assert (brief.kind, brief.channel, brief.address, brief.lang, brief.formats, brief.weekday, brief.hour) == (
        "brief", "email", "governor30@moi.go.th", "th", "both", 0, 7)
    assert (alert.kind, alert.rule, alert.kpi, alert.threshold, alert.direction, alert.channel, alert.address,
            alert.lang) == ("alert", "threshold", "padme_disbursed_pct", 40.0, "below", "line", LINE_USER, "en")
    assert (brief.owner, brief.role, brief.prov_code) == ("demo-governor", "governor", "30")
    text = shown(at)
    plain = [x.value for x in at.get("text")]  # addresses as typed, in elements that read no Markdown
    assert f"{t('alerts_channel_email', 'th')}: governor30@moi.go.th" in plain and f"LINE: {LINE_USER}" in plain
    schedule = t("alerts_schedule", "th").format(day=t("alerts_weekday_0", "th"), hour="07:00 น.")
    assert f"{t('alerts_format_both', 'th')} · {schedule}" in text
    assert t("alerts_words_below", "th").format(kpi=t("padme_disbursed_pct", "th"), value="40.0%") in text
    assert at.text_input(key="sub_brief_address").value == ""  # the next one starts empty


def test_a_wrong_address_is_refused_naming_the_field(fresh):
    clear(fresh)
    at = open_page("governor", "30")
    at.text_input(key="sub_brief_address").input("governor30 at moi")
    at.button(key="sub_brief_add").click().run()
    assert not at.exception and subs_of(fresh, GOVERNOR).empty
    assert len(at.error) == 1
    assert f"{t('alerts_field_address', 'th')}: {t('alerts_problem_address_email', 'th')}" in at.error[0].value
    at = open_page("governor", "30", lang="en")
    at.segmented_control(key="sub_alert_channel").set_value("line")
    at.text_input(key="sub_alert_address").input("U123")
    at.button(key="sub_alert_add").click().run()
    assert subs_of(fresh, GOVERNOR).empty
    assert at.error[0].value.startswith(f"**{t('alerts_refused', 'en')}**")
    assert f"{t('alerts_field_address', 'en')}: a LINE user, group or room ID" in at.error[0].value


def test_mute_resume_and_delete(fresh):
    clear(fresh)
    engine = db.engine_for(fresh)
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "rule": "missed_report", "channel": "email",
                                                     "address": "g30@moi.go.th", "lang": "th"})
    at = open_page("governor", "30")
    assert t("alerts_words_missed_report", "th") in shown(at)
    at.button(key=f"sub_mute_{sub_id}").click().run()
    assert bool(subs_of(fresh, GOVERNOR).iloc[0].muted) is True
    assert at.button(key=f"sub_mute_{sub_id}").label == t("alerts_resume", "th")
    at.button(key=f"sub_mute_{sub_id}").click().run()
    assert bool(subs_of(fresh, GOVERNOR).iloc[0].muted) is False
    at.button(key=f"sub_delete_{sub_id}").click().run()
    assert not at.exception and subs_of(fresh, GOVERNOR).empty
    assert t("alerts_none_subscribed", "th") in shown(at)


def test_the_rules_offered_are_the_data_layers():
    labels = lambda at: set(at.selectbox(key="sub_alert_rule").options)  # noqa: E731
    governor = open_page("governor", "30")
    assert t("alerts_rule_stale", "th") not in labels(governor) and t("alerts_rule_red", "th") in labels(governor)
    executive = open_page("executive")
    assert t("alerts_rule_stale", "th") in labels(executive)
    officer = open_page("district_officer", "30", "3001")
    assert labels(officer) == {t(f"alerts_rule_{r}", "th") for r in notify.rules_for(
        Viewer("demo-district_officer", "district_officer", "30", "3001"))}
    assert t("alerts_rule_red", "th") not in labels(officer)  # a district has no areas below it
    assert not [b for b in governor.selectbox if b.key == "alerts_owner"]  # only an admin picks whose


def test_an_admin_manages_another_accounts_subscriptions(fresh):
    clear(fresh)
    at = open_page("admin")
    assert at.selectbox(key="alerts_owner").value == "demo-admin"
    at.selectbox(key="alerts_owner").set_value("gov50").run()
    assert not at.exception and any("gov50" in i.value for i in at.info)
    at.text_input(key="sub_brief_address").input("gov50@moi.go.th")
    at.button(key="sub_brief_add").click().run()
    owner = Viewer("gov50", "governor", "50")
    rows = subs_of(fresh, owner)
    assert list(rows.address) == ["gov50@moi.go.th"] and rows.iloc[0].created_by == "demo-admin"
    assert subs_of(fresh, Viewer("demo-admin", "admin")).empty
    at.button(key=f"sub_mute_{int(rows.iloc[0].sub_id)}").click().run()
    assert bool(subs_of(fresh, owner).iloc[0].muted) is True


def test_an_open_alert_is_acknowledged_with_a_note(fresh):
    clear(fresh)
    engine = db.engine_for(fresh)
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "rule": "red", "kpi": "cebrs_disbursed_pct",
                                                     "channel": "email", "address": "g30@moi.go.th", "lang": "th"})
    alert_id = notify.open_episode(engine, sub_id, "red:cebrs_disbursed_pct:district:3001", Area("district", "3001"),
                                   "cebrs_disbursed_pct", {"value": 12.5}, utcnow())
    at = open_page("governor", "30")
    text = shown(at)
    assert t("alerts_not_acknowledged", "th") in text and "12.5%" in text
    assert t("alerts_rule_red", "th") in text and "อำเภอเมืองนครราชสีมา" in text
    at.text_input(key=f"ack_note_{alert_id}").input("นายอำเภอกำลังเร่งเบิกจ่าย")
    at.button(key=f"ack_{alert_id}").click().run()
    assert not at.exception
    with engine.connect() as conn:
        row = conn.execute(select(s.alert_state).where(s.alert_state.c.alert_id == alert_id)).mappings().first()
    assert (row["acknowledged_by"], row["ack_note"]) == ("demo-governor", "นายอำเภอกำลังเร่งเบิกจ่าย")
    assert row["acknowledged_at"] is not None
    text = shown(at)
    assert "✓ " + t("alerts_acknowledged", "th").format(who="demo-governor", when="20 พ.ย. 2569 14:00") + \
        ": นายอำเภอกำลังเร่งเบิกจ่าย" in [x.value for x in at.get("text")]
    assert not [b for b in at.button if b.key == f"ack_{alert_id}"]  # acknowledged once


@pytest.mark.parametrize("lang", ["th", "en"])
def test_both_languages_render_every_part(fresh, lang):
    from tests.test_every_figure_formatted import check
    clear(fresh)
    engine = db.engine_for(fresh)
    notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "brief", "channel": "line", "address": LINE_USER, "lang": "en",
                                            "formats": "pdf", "weekday": 4, "hour": 16})
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "rule": "red", "kpi": None, "channel": "email",
                                                     "address": "g30@moi.go.th", "lang": "th"})
    notify.open_episode(engine, sub_id, "red:padme_gap_pp:district:3002", Area("district", "3002"), "padme_gap_pp",
                        {"value": -12.0}, utcnow())
    ended = notify.open_episode(engine, sub_id, "red:padme_gap_pp:district:3003", Area("district", "3003"),
                                "padme_gap_pp", {}, utcnow())
    notify.close_episode(engine, ended, utcnow())
    at = open_page("governor", "30", lang=lang)
    for rule in notify.rules_for(GOVERNOR):
        at.selectbox(key="sub_alert_rule").set_value(rule).run()
        assert not at.exception, [x.message for x in at.exception]
    at.selectbox(key="sub_alert_rule").set_value("threshold").run()
    text = shown(at)
    assert t("alerts_words_red_all", lang) in text and t("alerts_schedule", lang).format(
        day=t("alerts_weekday_4", lang), hour=t("alerts_hour_value", lang).format(hour=16)) in text
    resolved = next(d.value for d in at.dataframe if t("alerts_col_ended", lang) in d.value.columns)
    assert len(resolved) == 1
    problems = check(at, f"alerts ({lang})", lang)
    assert not problems, "\n".join(problems)
