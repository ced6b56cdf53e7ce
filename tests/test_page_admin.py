"""The admin page's deliveries (AppTest, issue 19) on a database of its own: the outbox's newest messages
are listed; an e-mail is shown as its recipient sees it (header lines, the body as plain text, the link,
each attachment to download), a LINE message as its chat bubbles; a failed message is sent again; the
delivery runs on demand and says what it did. Nobody but an admin reads the outbox."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access import db, notify
from data_access.reader import ScopedReader
from data_access.scope import NotPermitted, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF, open_as
from ui import fmt
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/admin.py"
BODY = "เรียน ผู้ว่าราชการจังหวัด\n**ไม่ใช่ตัวหนา** [ลิงก์](http://evil.example) <b>h</b>\n- ไม่ใช่รายการ"
SUBJECT = "War Room: สรุปรายสัปดาห์ นครราชสีมา **20 พ.ย.**"
LINK = "https://warroom.moi.go.th/weekly?level=province&area=30"
PAYLOAD = [{"type": "text", "text": "นครราชสีมา: เบิกจ่าย 12.5%"},
           {"type": "flex", "altText": "แจ้งเตือน: นครราชสีมา เข้ากลุ่มวิกฤต",
            "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": "ต่ำกว่าค่าทั้งประเทศ 15 จุด", "weight": "bold"},
                {"type": "button", "action": {"type": "uri", "label": "เปิด War Room", "uri": LINK}}]}}}]


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('admin_page') / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    mail = notify.enqueue(engine, dedupe_key="brief:1:2026-11-16", sub_id=None, owner="gov30", channel="email",
                          address="gov30@moi.go.th", kind="brief", subject=SUBJECT, body=BODY, link=LINK,
                          attachments=(notify.Attachment("weekly-province-30.pdf", "application/pdf", b"%PDF-1.4 brief"),))
    line = notify.enqueue(engine, dedupe_key="alert:2:start", sub_id=None, owner="demo-governor", channel="line",
                          address="U" + "ab" * 16, kind="alert", subject="นครราชสีมา เข้ากลุ่มวิกฤต",
                          body="นครราชสีมา: เบิกจ่าย 12.5%", link=LINK, payload=PAYLOAD)
    failed = notify.enqueue(engine, dedupe_key="alert:3:start", sub_id=None, owner="gov30", channel="email",
                            address="gov30@moi.go.th", kind="alert", subject="ไม่สำเร็จ", body="…")
    from data_access.clock import utcnow
    notify.claim(engine, failed, "test", utcnow())
    notify.mark_failed(engine, failed, "test", 1, "550 mailbox unavailable", utcnow(), permanent=True)
    return url, {"mail": mail, "line": line, "failed": failed}


@pytest.fixture(autouse=True)
def app_db(outbox, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", outbox[0])


@pytest.fixture
def downloads(monkeypatch):
    """Every download button the page draws: (label, data, file name, mime)."""
    made = []
    real = st.download_button

    def recording(label, data, file_name=None, mime=None, *args, **kwargs):
        made.append((label, data, file_name, mime))
        return real(label, data, file_name, mime, *args, **kwargs)
    monkeypatch.setattr(st, "download_button", recording)
    return made


def open_page(role: str = "admin", prov: str | None = None, lang: str = "th") -> AppTest:
    return open_as(PAGE, role, prov, None, lang)


def texts(at) -> list[str]:
    return [x.value for x in at.get("text")]


def test_the_outbox_is_listed_and_an_email_shown_as_sent(outbox, downloads):
    url, ids = outbox
    at = open_page()
    table = next(d.value for d in at.dataframe if t("deliveries_col_subject", "th") in d.value.columns)
    assert {ids["mail"], ids["line"], ids["failed"]} <= set(table[t("deliveries_col_id", "th")])
    row = table.set_index(t("deliveries_col_id", "th")).loc[ids["mail"]]
    assert row[t("deliveries_col_subject", "th")] == SUBJECT  # plain text in a table, as typed
    assert row[t("deliveries_col_status", "th")] == t("deliveries_status_pending", "th")
    assert row[t("deliveries_col_to", "th")] == "gov30 · gov30@moi.go.th"
    failed = table.set_index(t("deliveries_col_id", "th")).loc[ids["failed"]]
    assert failed[t("deliveries_col_error", "th")] == "550 mailbox unavailable"
    at.selectbox(key="delivery_pick").set_value(ids["mail"]).run()
    assert not at.exception
    shown = texts(at)
    assert f"{t('deliveries_to', 'th')}: gov30@moi.go.th" in shown
    assert f"{t('deliveries_subject', 'th')}: {SUBJECT}" in shown
    assert f"{t('deliveries_link', 'th')}: {LINK}" in shown
    assert [c.value for c in at.code] == [BODY]  # the body exactly as sent, never Markdown
    assert (fmt.literal("weekly-province-30.pdf", breaks=False), b"%PDF-1.4 brief", "weekly-province-30.pdf",
            "application/pdf") in downloads


def test_a_line_message_shows_its_chat_bubbles(outbox):
    _, ids = outbox
    at = open_page(lang="en")
    at.selectbox(key="delivery_pick").set_value(ids["line"]).run()
    shown = texts(at)
    in_order = ["นครราชสีมา: เบิกจ่าย 12.5%",  # the text message, then the flex: its notification, its bubble
                f"{t('deliveries_line_alt', 'en')}: แจ้งเตือน: นครราชสีมา เข้ากลุ่มวิกฤต",
                "ต่ำกว่าค่าทั้งประเทศ 15 จุด", f"{t('deliveries_link', 'en')}: {LINK}"]
    assert [x for x in shown if x in in_order] == in_order
    assert "เปิด War Room" not in shown and not at.code  # a button's label is not a message text


def test_a_failed_message_is_sent_again(outbox):
    url, ids = outbox
    at = open_page()
    at.selectbox(key="delivery_pick").set_value(ids["failed"]).run()
    at.button(key=f"delivery_retry_{ids['failed']}").click().run()
    assert not at.exception
    row = notify.deliveries(ScopedReader(db.engine_for(url), Viewer("admin", "admin"))).set_index("message_id")
    assert row.at[ids["failed"], "status"] == "pending" and row.at[ids["failed"], "attempts"] == 0


def test_the_delivery_runs_on_demand_and_says_what_it_did(monkeypatch):
    from alerts import runner
    calls = []

    def run(engine, url, *, demo=None, **kwargs):
        calls.append((url, demo))
        return runner.Summary(queued=2, sent=0, held=2, retrying=0, failed=0, skipped=["no account gov99"])
    monkeypatch.setattr(runner, "run", run)
    at = open_page(lang="en")
    at.button(key="deliveries_run").click().run()
    assert not at.exception, [x.message for x in at.exception]
    assert calls and calls[0][1] is True  # demo data: nothing leaves the machine
    said = [x.value for x in at.toast]
    assert any(s.startswith("Queued 2 · sent 0 · kept here 2") and "no account gov99" in s for s in said), said


def test_nobody_but_an_admin_reads_the_outbox(outbox):
    url, _ = outbox
    engine = db.engine_for(url)
    for viewer in (Viewer("demo-governor", "governor", "30"), Viewer("x", "executive"), Viewer("x", "staff")):
        with pytest.raises(NotPermitted):
            notify.deliveries(ScopedReader(engine, viewer))
        with pytest.raises(NotPermitted):
            notify.delivery(ScopedReader(engine, viewer), 1)
    at = open_page("governor", "30")
    assert any(t("not_permitted_page", "th") in e.value for e in at.error)
    assert not at.dataframe and not at.get("text") and not [s for s in at.selectbox if s.key == "delivery_pick"]
