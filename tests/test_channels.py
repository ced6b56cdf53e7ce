"""alerts/channels.py against real servers on 127.0.0.1 (tests/notify_servers.py): e-mail over STARTTLS and
implicit TLS with AUTH, LINE's push endpoint checked as LINE's API reference describes it. What arrives is
what was sent (Thai subject, body and file names, attachments byte for byte, LINE's JSON as given); what
fails says why and whether trying again can help; no password or token ever shows in a reason or a log."""
from __future__ import annotations

import base64
import contextlib
import email.utils
import logging
import socket
import uuid

import pytest

from alerts import channels
from alerts.channels import (ChannelConfig, DeliveryError, LineSettings, Outgoing, SmtpSettings, channel_config,
                             send, send_email, send_line)
from data_access import settings
from data_access.notify import Attachment
from tests.notify_servers import HOST, LineServer, SmtpServer, line_server, smtp_server

PASSWORD = "Quartz-Mango-7731!pw"          # the SMTP server's; distinctive, so that a leak is found
WRONG_PASSWORD = "Zebra-Lantern-4409!pw"
TOKEN = "tok-Ocelot-Sapphire-5521-abcdef"  # the LINE channel access token
WRONG_TOKEN = "tok-Walrus-Granite-8812-zyxwvu"
LINE_USER = "U" + "4af4980629" * 3 + "ab"
SUBJECT = "แจ้งเตือน: นครราชสีมา"
BODY = "ตัวชี้วัด PADME ของจังหวัดนครราชสีมาต่ำกว่าเกณฑ์\nเบิกจ่ายแล้ว 42.0%\n"
LINK = "http://localhost:8501/?lang=th&fy=2570&q=1&level=province&area=30&kpi=padme_disbursed_pct"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
XLSX = b"PK\x03\x04" + bytes(range(255, -1, -1)) * 30
ATTACHMENTS = (Attachment("สรุปรายสัปดาห์ นครราชสีมา.pdf", "application/pdf", PDF),
               Attachment("weekly-brief.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          XLSX))
NOTIFY_ENV = [*channels.ENV.values(), channels.SMTP_PASSWORD_ENV, channels.LINE_TOKEN_ENV]


def email_message(to="governor.30@moi.go.th", key="alert:17:start", **changes) -> Outgoing:
    values = dict(channel="email", to=to, subject=SUBJECT, body=BODY, link=LINK, line_messages=None,
                  attachments=ATTACHMENTS, key=key)
    return Outgoing(**{**values, **changes})


def line_message(key="alert:18:start", **changes) -> Outgoing:
    values = dict(channel="line", to=LINE_USER, subject=SUBJECT, body=BODY, link=LINK, line_messages=None,
                  attachments=(), key=key)
    return Outgoing(**{**values, **changes})


def flex(alt: str = "แจ้งเตือน: นครราชสีมา ต่ำกว่าเกณฑ์") -> dict:
    """A bubble as alerts/compose.py builds them: header, body lines, a button to the exact view."""
    return {"type": "flex", "altText": alt, "contents": {
        "type": "bubble",
        "header": {"type": "box", "layout": "vertical", "backgroundColor": "#B71C1C", "contents": [
            {"type": "text", "text": SUBJECT, "wrap": True, "weight": "bold", "color": "#FFFFFF"}]},
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            {"type": "text", "text": line, "wrap": True, "size": "sm"} for line in BODY.splitlines()]},
        "footer": {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "style": "primary", "action": {"type": "uri", "label": "เปิด War Room", "uri": LINK}}]},
    }}


def secret_forms(*secrets: str) -> list[str]:
    """Each secret and its base64 forms (SMTP AUTH PLAIN and LOGIN send them so)."""
    forms = []
    for secret in secrets:
        forms += [secret, base64.b64encode(secret.encode()).decode(),
                  base64.b64encode(f"\0ops\0{secret}".encode()).decode()]
    return forms


def assert_nothing_shows(texts: list[str], *secrets: str):
    for text in texts:
        for form in secret_forms(*secrets):
            assert form not in text, f"a secret shows in: {text[:300]!r}"


@contextlib.contextmanager
def silent_server():
    """A port that accepts connections and never says a word (a hung server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((HOST, 0))
        listener.listen(8)
        yield listener.getsockname()[1]


# --- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(params=["starttls", "tls"])
def smtp(request):
    """An SMTP server that requires AUTH over TLS: STARTTLS on submission, or implicit TLS (SMTPS)."""
    with smtp_server(request.param, username="ops", password=PASSWORD) as server:
        yield server


@pytest.fixture
def starttls_smtp():
    with smtp_server("starttls", username="ops", password=PASSWORD) as server:
        yield server


@pytest.fixture
def line():
    with line_server(TOKEN) as server:
        yield server


@pytest.fixture
def notify_env(monkeypatch, tmp_path):
    """No [notify] settings or secrets but the test's own: warroom.toml and secrets.toml under tmp_path."""
    for var in NOTIFY_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(settings, "WARROOM_TOML", tmp_path / "warroom.toml")
    monkeypatch.setattr(settings, "_secrets_files", lambda: [tmp_path / "nowhere" / "secrets.toml",
                                                             tmp_path / "secrets.toml"])
    return tmp_path


# --- e-mail ----------------------------------------------------------------------------------------
def test_an_email_arrives_over_tls_with_thai_text_and_its_attachments_intact(smtp):
    send_email(email_message(), smtp.settings())
    (got,) = smtp.wait_for(1)
    received = smtp.received[0]
    assert received.tls and received.login == "ops"
    assert received.mail_from == "warroom@localhost" and received.rcpt_tos == ["governor.30@moi.go.th"]
    assert got["Subject"] == SUBJECT
    assert got["To"] == "governor.30@moi.go.th" and email.utils.parseaddr(got["From"])[1] == "warroom@localhost"
    assert got["Message-ID"] == channels.message_id_of("alert:17:start")
    assert got["Auto-Submitted"] == "auto-generated"
    text = got.get_body(("plain",))
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == BODY.rstrip() + "\n\n" + LINK + "\n"
    files = [(part.get_filename(), part.get_content_type(), part.get_content()) for part in got.iter_attachments()]
    assert files == [(a.filename, a.mime, a.content) for a in ATTACHMENTS]


def test_the_link_is_on_its_own_line_once_and_no_link_no_line(starttls_smtp):
    with_link = BODY + f"\nเปิดดู: {LINK}\n"
    send_email(email_message(body=with_link, attachments=()), starttls_smtp.settings())
    send_email(email_message(key="k2", link=None, attachments=()), starttls_smtp.settings())
    first, second = starttls_smtp.wait_for(2)
    assert first.get_content().count(LINK) == 1 and first.get_content() == with_link
    assert second.get_content() == BODY and not second.is_multipart()


def test_the_message_id_follows_the_key_so_a_retry_is_recognisable(starttls_smtp):
    send_email(email_message(key="brief:3:2026-W47"), starttls_smtp.settings())
    send_email(email_message(key="brief:3:2026-W47"), starttls_smtp.settings())
    send_email(email_message(key="brief:3:2026-W48"), starttls_smtp.settings())
    ids = [m["Message-ID"] for m in starttls_smtp.wait_for(3)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0] == channels.message_id_of("brief:3:2026-W47") == channels.email_of(
        email_message(key="brief:3:2026-W47"), "War Room <warroom@localhost>")["Message-ID"]


def test_an_email_without_tls_reaches_a_trusted_relay():
    with smtp_server("none") as relay:
        send_email(email_message(attachments=()), relay.settings())
        (got,) = relay.wait_for(1)
        assert got["Subject"] == SUBJECT and not relay.received[0].tls


def test_a_password_is_never_sent_unencrypted():
    with smtp_server("none") as relay:
        with pytest.raises(DeliveryError) as caught:
            send_email(email_message(), relay.settings(username="ops", password=PASSWORD))
        assert not caught.value.permanent and "unencrypted" in caught.value.reason
        assert relay.received == []


def test_a_refused_recipient_is_permanent(starttls_smtp):
    starttls_smtp.refuse = {"nobody@moi.go.th"}
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(to="nobody@moi.go.th"), starttls_smtp.settings())
    assert caught.value.permanent
    assert "nobody@moi.go.th" in caught.value.reason and "550" in caught.value.reason
    assert starttls_smtp.received == []


@pytest.mark.parametrize("reply, permanent", [("451 4.3.0 Try again later", False),
                                              ("554 5.6.0 Message content rejected", True)])
def test_a_refused_message_is_temporary_or_permanent_by_its_code(starttls_smtp, reply, permanent):
    starttls_smtp.data_reply = reply
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(), starttls_smtp.settings())
    assert caught.value.permanent is permanent and reply.split()[0] in caught.value.reason


def test_a_server_that_is_down_is_temporary_and_named_then_it_goes_out_once_back(smtp):
    smtp.stop()
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(), smtp.settings())
    assert not caught.value.permanent
    assert caught.value.reason == f"SMTP 127.0.0.1:{smtp.port}: connection refused"
    smtp.restart()
    send_email(email_message(), smtp.settings())
    assert smtp.wait_for(1)[0]["Subject"] == SUBJECT


def test_a_hung_server_is_a_temporary_timeout():
    with silent_server() as port:
        for security in ("starttls", "tls"):
            with pytest.raises(DeliveryError) as caught:
                send_email(email_message(), SmtpSettings(HOST, port, security, timeout=0.5))
            assert not caught.value.permanent and "no answer within 0.5 s" in caught.value.reason


def test_a_certificate_the_client_does_not_trust_is_temporary(smtp):
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(), smtp.settings(cafile=None))  # the system's CAs: not the test CA
    assert not caught.value.permanent and "certificate" in caught.value.reason
    assert smtp.received == []


def test_a_wrong_password_is_refused_and_never_shows(smtp, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(), smtp.settings(password=WRONG_PASSWORD))
    assert not caught.value.permanent and "535" in caught.value.reason and "ops" in caught.value.reason  # waits for a fix
    send_email(email_message(), smtp.settings())  # the right one, to see it does not show either
    smtp.wait_for(1)
    out, err = capfd.readouterr()
    assert_nothing_shows([caught.value.reason, str(caught.value), repr(caught.value), caplog.text, out, err,
                          repr(smtp.settings())], WRONG_PASSWORD, PASSWORD)


def test_a_username_without_a_password_waits_for_one(starttls_smtp):
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(), starttls_smtp.settings(password=None))
    assert not caught.value.permanent and "WARROOM_SMTP_PASSWORD" in caught.value.reason


@pytest.mark.parametrize("to", ["governor@moi.go.th\nBcc: everyone@moi.go.th", "a@moi.go.th, b@moi.go.th",
                                "not an address"])
def test_an_address_that_is_not_one_address_is_permanent_and_nothing_is_sent(starttls_smtp, to):
    with pytest.raises(DeliveryError) as caught:
        send_email(email_message(to=to), starttls_smtp.settings())
    assert caught.value.permanent and starttls_smtp.received == []


def test_unconfigured_email_waits_in_the_outbox():
    with pytest.raises(DeliveryError) as caught:
        send(email_message(), ChannelConfig("send", smtp=None, line=None))
    assert caught.value.reason == "e-mail is not configured: set [notify.smtp] host"
    assert not caught.value.permanent


def test_local_delivery_sends_nothing(starttls_smtp, line):
    config = ChannelConfig("local", smtp=starttls_smtp.settings(), line=line.settings())
    for message in (email_message(), line_message()):
        with pytest.raises(DeliveryError):
            send(message, config)
    assert starttls_smtp.received == [] and line.requests == []


def test_send_dispatches_by_channel(starttls_smtp, line):
    config = ChannelConfig("send", smtp=starttls_smtp.settings(), line=line.settings())
    send(email_message(), config)
    send(line_message(), config)
    assert len(starttls_smtp.wait_for(1)) == 1 and len(line.wait_for(1)) == 1


# --- LINE ------------------------------------------------------------------------------------------
def test_a_text_push_arrives_as_lines_api_reference_says(line):
    send_line(line_message(), line.settings())
    (push,) = line.wait_for(1)
    headers = push["headers"]
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["content-type"].split(";")[0] == "application/json"
    assert headers["x-line-retry-key"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "warroom:alert:18:start"))
    assert line.requests[0]["method"] == "POST" and line.requests[0]["path"] == "/v2/bot/message/push"
    body = dict(push["body"])
    assert body.pop("notificationDisabled", False) is False
    assert body == {"to": LINE_USER, "messages": [{"type": "text", "text": f"{SUBJECT}\n\n{BODY.strip()}\n\n{LINK}"}]}


def test_a_flex_push_arrives_exactly_as_given(line):
    messages = [flex(), {"type": "text", "text": "ข้อความที่สอง"}]
    send_line(line_message(line_messages=messages, key="alert:19:start"), line.settings())
    (push,) = line.wait_for(1)
    assert push["body"]["messages"] == messages and push["body"]["to"] == LINE_USER
    assert push["retry_key"] == channels.retry_key_of("alert:19:start")


def test_a_retry_is_answered_409_by_line_and_counts_as_sent(line, caplog):
    caplog.set_level(logging.INFO, logger="alerts.channels")
    send_line(line_message(), line.settings())
    send_line(line_message(), line.settings())  # the reply to the first was "lost": the runner tries again
    assert [r["status"] for r in line.requests] == [200, 409]
    assert len(line.pushes) == 1
    keys = {r["headers"]["x-line-retry-key"] for r in line.requests}
    assert keys == {channels.retry_key_of("alert:18:start")}
    assert "409" in caplog.text


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failing_or_busy_line_is_temporary(line, status):
    line.status_override = status
    with pytest.raises(DeliveryError) as caught:
        send_line(line_message(), line.settings())
    assert not caught.value.permanent and str(status) in caught.value.reason
    assert line.pushes == []
    line.status_override = None
    send_line(line_message(), line.settings())  # the same retry key: it was never accepted, so it goes now
    assert len(line.wait_for(1)) == 1


def test_a_message_line_rejects_is_permanent_with_lines_own_words(line):
    too_long = [{"type": "text", "text": "ก" * 5001}]
    with pytest.raises(DeliveryError) as caught:
        send_line(line_message(line_messages=too_long), line.settings())
    assert caught.value.permanent
    assert "400" in caught.value.reason and "The request body has 1 error(s)" in caught.value.reason
    assert "messages[0].text" in caught.value.reason
    with pytest.raises(DeliveryError) as caught:
        send_line(line_message(to="U123"), line.settings())
    assert caught.value.permanent and "to:" in caught.value.reason
    assert line.pushes == []


def test_a_wrong_token_waits_for_a_fix_and_never_shows(line, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as caught:
        send_line(line_message(), line.settings(token=WRONG_TOKEN))
    assert not caught.value.permanent and "401" in caught.value.reason
    send_line(line_message(), line.settings())
    line.wait_for(1)
    out, err = capfd.readouterr()
    assert_nothing_shows([caught.value.reason, repr(caught.value), caplog.text, out, err,
                          repr(line.settings()), repr(ChannelConfig("send", line=line.settings()))],
                         WRONG_TOKEN, TOKEN)


def test_line_down_is_temporary_then_it_goes_out_once_back(line):
    line.stop()
    with pytest.raises(DeliveryError) as caught:
        send_line(line_message(), line.settings())
    assert not caught.value.permanent
    assert caught.value.reason == f"LINE http://127.0.0.1:{line.port}: connection refused"
    line.restart()
    send_line(line_message(), line.settings())
    assert len(line.wait_for(1)) == 1


def test_a_hung_line_endpoint_is_a_temporary_timeout():
    with silent_server() as port:
        with pytest.raises(DeliveryError) as caught:
            send_line(line_message(), LineSettings(f"http://{HOST}:{port}", TOKEN, timeout=0.5))
    assert not caught.value.permanent and "no answer within 0.5 s" in caught.value.reason


def test_the_text_message_fits_lines_limit_and_keeps_subject_and_link(line):
    long_body = "รายงานที่ยังไม่ได้ส่ง อำเภอเมืองนครราชสีมา\n" * 400  # about 17,000 characters
    send_line(line_message(body=long_body), line.settings())
    (push,) = line.wait_for(1)
    text = push["body"]["messages"][0]["text"]
    assert len(text) <= 5000 and text.startswith(SUBJECT + "\n\n") and text.endswith("\n\n" + LINK)
    assert "…" in text


def test_what_the_sdk_would_drop_or_more_than_five_messages_is_refused_before_sending(line):
    for messages in ([{"type": "text", "text": "x", "notAField": 1}], [{"type": "text", "text": "x"}] * 6, []):
        with pytest.raises(DeliveryError) as caught:
            send_line(line_message(line_messages=messages), line.settings())
        assert caught.value.permanent
    assert line.requests == []


def test_unconfigured_line_waits_in_the_outbox():
    for config in (ChannelConfig("send"), ChannelConfig("send", line=LineSettings(token=None))):
        with pytest.raises(DeliveryError) as caught:
            send(line_message(), config)
        assert not caught.value.permanent and caught.value.reason.startswith("LINE is not configured")


def test_a_proxy_is_used_for_line_unless_no_proxy_or_loopback_says_not(monkeypatch):
    for var in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    assert channels._proxy_for("https://api.line.me") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.moi.go.th:3128")
    assert channels._proxy_for("https://api.line.me") == "http://proxy.moi.go.th:3128"
    assert channels._proxy_for("http://127.0.0.1:8080") is None
    monkeypatch.setenv("NO_PROXY", ".line.me")
    assert channels._proxy_for("https://api.line.me") is None


# --- settings --------------------------------------------------------------------------------------
def test_nothing_configured_means_local_on_demo_data_and_no_channel(notify_env):
    assert channel_config(demo=True) == ChannelConfig("local", smtp=None, line=None, base_url="http://localhost:8501")
    assert channel_config(demo=False).delivery == "send"


def test_warroom_toml_then_the_environment_over_it(notify_env, monkeypatch):
    (notify_env / "warroom.toml").write_text("""
[notify]
delivery = "send"
base_url = "https://warroom.moi.go.th/"
[notify.smtp]
host = "smtp.moi.go.th"
port = 465
security = "tls"
username = "warroom"
sender = "War Room <warroom@moi.go.th>"
timeout_seconds = 15
[notify.line]
endpoint = "https://api.line.me"
timeout_seconds = 12
""", encoding="utf-8")
    monkeypatch.setenv("WARROOM_LINE_TOKEN", TOKEN)
    config = channel_config(demo=True)
    assert config.delivery == "send" and config.base_url == "https://warroom.moi.go.th"
    assert config.smtp == SmtpSettings("smtp.moi.go.th", 465, "tls", "warroom", None, "War Room <warroom@moi.go.th>",
                                       15.0, None)
    assert config.line == LineSettings("https://api.line.me", TOKEN, 12.0)
    for var, value in {"WARROOM_NOTIFY_DELIVERY": "local", "WARROOM_BASE_URL": "https://wr.example.org",
                       "WARROOM_SMTP_HOST": "127.0.0.1", "WARROOM_SMTP_PORT": "2525",
                       "WARROOM_SMTP_SECURITY": "starttls", "WARROOM_SMTP_USERNAME": "ops",
                       "WARROOM_SMTP_SENDER": "Ops <ops@example.org>", "WARROOM_SMTP_CAFILE": "/etc/ssl/moi-ca.pem",
                       "WARROOM_LINE_ENDPOINT": "http://127.0.0.1:9/"}.items():
        monkeypatch.setenv(var, value)
    config = channel_config(demo=False)
    assert config.delivery == "local" and config.base_url == "https://wr.example.org"
    assert config.smtp == SmtpSettings("127.0.0.1", 2525, "starttls", "ops", None, "Ops <ops@example.org>", 15.0,
                                       "/etc/ssl/moi-ca.pem")
    assert config.line.endpoint == "http://127.0.0.1:9"


def test_secrets_come_from_secrets_toml_unless_the_environment_has_them(notify_env, monkeypatch):
    (notify_env / "warroom.toml").write_text('[notify.smtp]\nhost = "smtp.moi.go.th"\nusername = "warroom"\n')
    (notify_env / "secrets.toml").write_text(
        f'[connections.warroom]\nurl = "sqlite://"\n[notify]\nsmtp_password = "{PASSWORD}"\n'
        f'line_channel_access_token = "{TOKEN}"\n')
    config = channel_config(demo=False)
    assert config.smtp.password == PASSWORD and config.line.token == TOKEN
    assert_nothing_shows([repr(config), str(config), repr(config.smtp), repr(config.line)], PASSWORD, TOKEN)
    monkeypatch.setenv("WARROOM_SMTP_PASSWORD", WRONG_PASSWORD)
    monkeypatch.setenv("WARROOM_LINE_TOKEN", WRONG_TOKEN)
    config = channel_config(demo=False)
    assert config.smtp.password == WRONG_PASSWORD and config.line.token == WRONG_TOKEN


@pytest.mark.parametrize("toml, words", [
    ('[notify]\ndelivery = "sometimes"\n', "delivery"),
    ('[notify.smtp]\nhost = "smtp.moi.go.th"\nsecurity = "ssl"\n', "security"),
    ('[notify.smtp]\nhost = "smtp.moi.go.th"\nport = "twenty-five"\n', "port"),
    ('[notify.smtp]\nhots = "smtp.moi.go.th"\n', "'hots'"),
    (f'[notify]\nsmtp_password = "{PASSWORD}"\n', "secrets.toml"),
    (f'[notify.smtp]\npassword = "{PASSWORD}"\n', "secrets.toml"),
])
def test_a_misspelt_setting_or_a_secret_in_warroom_toml_is_an_error_that_repeats_no_secret(notify_env, toml, words):
    (notify_env / "warroom.toml").write_text(toml)
    with pytest.raises(ValueError) as caught:
        channel_config(demo=False)
    assert words in str(caught.value) and PASSWORD not in str(caught.value)


def test_the_projects_warroom_toml_gives_the_documented_defaults(monkeypatch):
    for var in NOTIFY_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(settings, "_secrets_files", lambda: [])
    config = channel_config(demo=True)
    assert config == ChannelConfig("local", smtp=None, line=None, base_url="http://localhost:8501")
    monkeypatch.setenv("WARROOM_SMTP_HOST", "smtp.example.org")
    smtp = channel_config(demo=False).smtp
    assert (smtp.port, smtp.security, smtp.sender, smtp.timeout) == (587, "starttls", "War Room <warroom@localhost>",
                                                                     20.0)


def test_servers_started_here_keep_their_port_across_a_restart():
    server = SmtpServer("starttls")
    lines = LineServer(TOKEN)
    try:
        server.start(), lines.start()
        ports = server.port, lines.port
        server.restart(), lines.restart()
        assert (server.port, lines.port) == ports and server.running and lines.running
    finally:
        server.close()
        lines.stop()
    assert not server.running and not lines.running
