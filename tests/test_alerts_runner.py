"""The delivery runner end to end (alerts/runner.py), against a real SMTP server and a LINE endpoint run
by the test (tests/notify_servers.py): each recipient's own scope in every delivered byte, an alert that
fires once, holds silently and is resolved, mute, the runner run twice and twice at once, servers down
and back, the CLI, and the demo's local outbox."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from alerts import channels, runner
from data_access import accounts, clock, db, notify, queries, schema as s
from data_access.reader import ScopedReader
from data_access.scope import OPERATOR, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF
from tests.notify_servers import line_server, smtp_server

ROOT = Path(__file__).resolve().parent.parent
GOVERNOR = Viewer("gov30", "governor", prov_code="30")
LINE_ID = "U" + "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("runner") / "seeded.db"
    seed(db.engine_for(f"sqlite:///{path}"), "test", AS_OF)
    return path


@pytest.fixture
def store(seeded, tmp_path):
    """A private copy of the seeded store, with the governor of Nakhon Ratchasima's account and no
    subscription yet (the demo's own are removed)."""
    path = tmp_path / "warroom.db"
    shutil.copy(seeded, path)
    url = f"sqlite:///{path}"
    engine = db.engine_for(url)
    with engine.begin() as conn:
        conn.execute(s.subscription.delete())
    accounts.add(engine, "gov30", "governor-pass-30", "governor", "GOV30", "30", None)
    return url, engine


@pytest.fixture
def servers():
    with smtp_server("starttls", username="warroom", password="s3cret-smtp-pass") as smtp, line_server() as line:
        yield smtp, line


def config(smtp, line) -> channels.ChannelConfig:
    return channels.ChannelConfig(delivery="send", smtp=smtp.settings(), line=line.settings(),
                                  base_url="https://warroom.moi.example")


def now() -> dt.datetime:
    return clock.utcnow()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def delivered_text(smtp, line) -> str:
    """Every byte delivered, as text: each e-mail's headers, body and attachments (PDF text, Excel cells)
    and each LINE push's JSON body."""
    parts = []
    for mail in smtp.messages:
        parts.append(str(mail["Subject"]))
        for part in mail.walk():
            if part.is_multipart():
                continue
            content = part.get_payload(decode=True) or b""
            name = part.get_filename() or ""
            if name.endswith(".pdf"):
                parts.append(_pdf_text(content))
            elif name.endswith(".xlsx"):
                parts.append(_xlsx_text(content))
            else:
                parts.append(content.decode(part.get_content_charset() or "utf-8"))
    parts += [json.dumps(push["body"], ensure_ascii=False) for push in line.pushes]
    return "\n".join(parts)


def test_a_governors_brief_and_alerts_hold_nothing_of_another_province(store, servers):
    url, engine = store
    smtp, line = servers
    for lang in ("th", "en"):
        notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "brief", "channel": "email", "address": f"gov30-{lang}@moi.example",
                                                "lang": lang, "formats": "both", "weekday": 4, "hour": 14})  # Friday 14:00: now
        for rule in ("red", "missed_report"):
            notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "channel": "line", "address": LINE_ID,
                                                    "lang": lang, "rule": rule})
        notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "channel": "email", "address": f"gov30-{lang}@moi.example",
                                                "lang": lang, "rule": "threshold", "kpi": "thaiqm_helped_pct",
                                                "threshold": 101, "direction": "below"})
    summary = runner.run(engine, url, demo=False, now=now(), cfg=config(smtp, line))
    assert summary.sent == summary.queued >= 4 and not summary.skipped, summary  # 2 briefs, 2 thresholds at least
    smtp.wait_for(4)
    text = delivered_text(smtp, line)
    assert "นครราชสีมา" in text and "Nakhon Ratchasima" in text  # the province's own figures are there
    index = queries.area_index(engine)
    others = index[index.prov_code != "30"]
    leaked = sorted({n for n in others.prov_name_en if re.search(rf"\b{re.escape(n)}\b", text)}
                    | {n for n in others.prov_name_th if len(n) >= 5 and n in text}
                    | {n for n in others.display_en if re.search(rf"\b{re.escape(n)}\b", text)
                       and n not in set(index[index.prov_code == "30"].display_en)})
    assert not leaked, leaked
    areas = set(re.findall(r"area=(\w+)", text))
    assert areas and all(a.startswith("30") for a in areas), areas
    attached = {part.get_filename() for mail in smtp.messages for part in mail.iter_attachments()}
    assert any(n.endswith(".pdf") for n in attached) and any(n.endswith(".xlsx") for n in attached)


def test_an_alert_fires_once_holds_silently_is_resolved_and_can_be_muted(store, servers):
    url, engine = store
    smtp, line = servers
    cfg = config(smtp, line)
    rule = {"kind": "alert", "channel": "line", "address": LINE_ID, "lang": "th", "rule": "threshold",
            "kpi": "thaiqm_helped_pct", "threshold": 101.0, "direction": "below"}
    sub_id = notify.add(engine, GOVERNOR, GOVERNOR, rule)
    moment = now()
    assert runner.run(engine, url, demo=False, now=moment, cfg=cfg).sent == 1
    first = line.wait_for(1)[0]["body"]
    assert first["to"] == LINE_ID and first["messages"][0]["altText"].startswith("War Room · แจ้งเตือน: ")
    button = first["messages"][0]["contents"]["footer"]["contents"][0]["action"]["uri"]
    assert button.startswith("https://warroom.moi.example/?") and "area=30" in button and "kpi=thaiqm_helped_pct" in button
    for minutes in (1, 2):  # the condition holds: nothing more
        assert runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=minutes), cfg=cfg).queued == 0
    notify.update_subscription(engine, GOVERNOR, sub_id, {**rule, "threshold": -1.0})  # it no longer holds
    assert runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=3), cfg=cfg).sent == 1
    assert line.wait_for(2)[1]["body"]["messages"][0]["altText"].startswith("War Room · กลับสู่ปกติ: ")
    notify.set_muted(engine, GOVERNOR, sub_id, True)
    notify.update_subscription(engine, GOVERNOR, sub_id, {**rule, "threshold": 101.0})
    assert runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=4), cfg=cfg).queued == 0
    notify.set_muted(engine, GOVERNOR, sub_id, False)
    assert runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=5), cfg=cfg).sent == 1
    assert len(line.wait_for(3)) == 3
    with engine.connect() as conn:
        episodes = conn.execute(select(s.alert_state.c.episode, s.alert_state.c.ended_at)
                                .order_by(s.alert_state.c.alert_id)).all()
    assert [e.episode for e in episodes] == [1, 2] and episodes[0].ended_at is not None


def _subscribe_all_kinds(engine):
    notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "brief", "channel": "email", "address": "gov30@moi.example",
                                            "lang": "th", "formats": "pdf", "weekday": 4, "hour": 14})
    notify.add(engine, GOVERNOR, GOVERNOR, {"kind": "alert", "channel": "line", "address": LINE_ID, "lang": "th",
                                            "rule": "threshold", "kpi": "thaiqm_helped_pct", "threshold": 101,
                                            "direction": "below"})


def test_run_twice_in_the_same_minute_and_two_runners_at_once_send_each_message_once(store, servers):
    url, engine = store
    smtp, line = servers
    _subscribe_all_kinds(engine)
    moment = now()
    runs = []
    barrier = threading.Barrier(2)

    def one():
        barrier.wait()
        runs.append(runner.run(engine, url, demo=False, now=moment, cfg=config(smtp, line)))
    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(runs) == 2 and sum(r.sent for r in runs) == 2
    runner.run(engine, url, demo=False, now=moment, cfg=config(smtp, line))  # and once more, the same minute
    smtp.wait_for(1)
    line.wait_for(1)
    assert len(smtp.received) == 1 and len(line.pushes) == 1
    with engine.connect() as conn:
        assert conn.execute(select(s.outbox.c.status)).scalars().all() == ["sent", "sent"]


def test_nothing_is_lost_while_the_servers_are_down(store, servers):
    url, engine = store
    smtp, line = servers
    _subscribe_all_kinds(engine)
    smtp.stop()
    line.stop()
    moment = now()
    down = runner.run(engine, url, demo=False, now=moment, cfg=config(smtp, line))
    assert down.queued == 2 and down.retrying == 2 and down.sent == 0
    failures = notify.deliveries(ScopedReader(engine, OPERATOR))
    assert all(f"127.0.0.1:{port}" in " ".join(failures.last_error) for port in (smtp.port, line.port))
    assert "s3cret-smtp-pass" not in " ".join(failures.last_error) and line.token not in " ".join(failures.last_error)
    assert runner.run(engine, url, demo=False, now=moment, cfg=config(smtp, line)).retrying == 0  # not before backoff
    smtp.restart()
    line.restart()
    back = runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=2), cfg=config(smtp, line))
    assert back.sent == 2
    mail = smtp.wait_for(1)[0]
    assert mail["Subject"].startswith("War Room · สรุปประจำสัปดาห์ · นครราชสีมา")
    assert "สรุปประจำสัปดาห์ของนครราชสีมา" in mail.get_body(("plain",)).get_content()
    assert len(line.wait_for(1)) == 1
    assert runner.run(engine, url, demo=False, now=moment + dt.timedelta(minutes=30), cfg=config(smtp, line)).sent == 0
    with engine.connect() as conn:
        with_audit = conn.execute(select(s.audit_log.c.detail)).scalars().all()
    assert not any("s3cret-smtp-pass" in d or line.token in d for d in with_audit)


def test_the_cli_runs_the_runner_with_settings_from_the_environment(store, servers):
    url, engine = store
    smtp, line = servers
    _subscribe_all_kinds(engine)
    env = {**os.environ, "WARROOM_DB_URL": url, "WARROOM_NOTIFY_DELIVERY": "send",
           "WARROOM_SMTP_HOST": smtp.host, "WARROOM_SMTP_PORT": str(smtp.port), "WARROOM_SMTP_SECURITY": "starttls",
           "WARROOM_SMTP_USERNAME": "warroom", "WARROOM_SMTP_PASSWORD": "s3cret-smtp-pass",
           "WARROOM_SMTP_CAFILE": smtp.ca_path, "WARROOM_LINE_ENDPOINT": line.endpoint, "WARROOM_LINE_TOKEN": line.token}
    done = subprocess.run([sys.executable, "-m", "data_access", "notify"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 queued, 2 sent" in done.stdout
    assert "s3cret-smtp-pass" not in done.stdout + done.stderr and line.token not in done.stdout + done.stderr
    smtp.wait_for(1)
    line.wait_for(1)


def test_the_demo_keeps_every_message_in_the_local_outbox(seeded, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(seeded, path)
    url = f"sqlite:///{path}"
    engine = db.engine_for(url)
    summary = runner.run(engine, url, demo=True, now=now())
    assert summary.held == summary.queued > 0 and summary.sent == 0 and not summary.skipped
    outbox = notify.deliveries(ScopedReader(engine, OPERATOR))
    assert set(outbox.status) == {"held"}
    assert {"demo-executive", "demo-staff", "demo-governor"} <= set(outbox.owner)
    brief = outbox[(outbox.owner == "demo-governor") & (outbox.kind == "brief")].iloc[0]
    row, files = notify.delivery(ScopedReader(engine, OPERATOR), int(brief.message_id))
    assert files[0].filename.endswith(".pdf") and files[0].content.startswith(b"%PDF")
    assert "ข้อมูลสาธิต" in row.body


def _queued(engine, n: int, channel: str = "email") -> None:
    for i in range(n):
        notify.enqueue(engine, dedupe_key=f"probe:{channel}:{i}", sub_id=None, owner="gov30", channel=channel,
                       address="gov30@moi.example" if channel == "email" else LINE_ID, kind="alert",
                       subject=f"ข้อความ {i}", body="ทดสอบ", now=now())


def test_a_server_down_costs_one_try_a_run_and_the_other_channel_still_goes(store, servers):
    url, engine = store
    smtp, line = servers
    _queued(engine, 3, "email")
    _queued(engine, 1, "line")
    smtp.stop()
    summary = runner.run(engine, url, demo=False, now=now(), cfg=config(smtp, line), evaluate=False)
    assert summary.retrying == 1 and summary.sent == 1  # one try at the mail server, then LINE
    outbox = notify.deliveries(ScopedReader(engine, OPERATOR))
    assert sorted(outbox[outbox.channel == "email"].attempts) == [0, 0, 1]
    line.wait_for(1)


def test_a_run_delivers_everything_due_not_only_a_first_batch(store):
    url, engine = store
    _queued(engine, 130)
    local = channels.ChannelConfig(delivery="local", smtp=None, line=None, base_url="http://localhost:8501")
    assert runner.run(engine, url, demo=False, now=now(), cfg=local, evaluate=False).held == 130
