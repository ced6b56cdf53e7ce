"""Real servers on 127.0.0.1 for the channels' tests: an SMTP server (aiosmtpd) and LINE's push endpoint
(http.server), each on a free port of its own, each able to stop and start again on the same port.

Reusable from any test file (they are plain classes and context managers, not pytest fixtures):

    from tests.notify_servers import smtp_server, line_server

    with smtp_server("starttls", username="ops", password="pw") as smtp:   # SmtpServer, started
        cfg = ChannelConfig("send", smtp=smtp.settings(), line=None)       # trusts smtp.ca_path
        ...
        smtp.wait_for(1)                       # bounded: AssertionError after `timeout` seconds
        smtp.messages[0]["Subject"]            # email.message.EmailMessage (policy.default)
    with line_server(token="T") as line:       # LineServer, started
        cfg = ChannelConfig("send", smtp=None, line=line.settings())
        line.wait_for(1); line.pushes[0]["body"]

`stop()` then `start()` (or `restart()`) keep the port, the messages and the pushes: "the server is down,
then back". Both accept only what a real one would: the LINE server checks every request as LINE's API
reference describes it and answers as LINE does (400 with a `message`, 401 for another token, 409 for a
retry key already accepted).
"""
from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
_CA: trustme.CA | None = None  # one CA per test session: making keys takes a moment
_CA_LOCK = threading.Lock()


def free_port() -> int:
    """A port nothing listens on now (bind to port 0 and let the kernel choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def shared_ca() -> trustme.CA:
    global _CA
    with _CA_LOCK:
        if _CA is None:
            _CA = trustme.CA()
        return _CA


class _Waiter:
    """Bounded waiting on a list that another thread appends to (no fixed sleeps)."""

    def __init__(self):
        self._changed = threading.Condition()

    def _notify(self):
        with self._changed:
            self._changed.notify_all()

    def _wait(self, count, n: int, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        with self._changed:
            while count() < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{what}: {count()} after {timeout:g} s, expected {n}")
                self._changed.wait(left)


# --- SMTP ------------------------------------------------------------------------------------------
@dataclass
class Received:
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]
    login: str | None          # the user it authenticated as, if it did
    tls: bool                  # whether the session was encrypted (STARTTLS or implicit TLS)
    data: bytes                # the message as it came over the wire


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in {a.lower() for a in self.server.refuse}:
            return f"550 5.1.1 <{address}>: recipient address rejected: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.server.username is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.data_reply is not None:
            return self.server.data_reply
        data = envelope.original_content or envelope.content
        login = getattr(session.auth_data, "login", None)
        login = login.decode() if isinstance(login, bytes) else login
        tls = server._tls_protocol is not None or self.server.mode == "tls"
        self.server._received(Received(message_from_bytes(data, policy=policy.default), envelope.mail_from,
                                       list(envelope.rcpt_tos), login, tls, data))
        return "250 2.0.0 OK: queued"


class SmtpServer(_Waiter):
    """A real SMTP server on 127.0.0.1. `mode`: "starttls" (STARTTLS required before MAIL), "tls" (implicit
    TLS, SMTPS) or "none". With `username`, AUTH (PLAIN, LOGIN) with that password is required.
    `refuse`: recipients answered 550; `data_reply`: an answer to DATA instead of accepting ("451 4.3.0 ...")."""

    def __init__(self, mode: str = "starttls", *, username: str | None = None, password: str | None = None,
                 port: int | None = None):
        super().__init__()
        assert mode in ("starttls", "tls", "none"), mode
        self.mode = mode
        self.username, self.password = username, password
        self.port = port or free_port()
        self.host = HOST
        self.refuse: set[str] = set()
        self.data_reply: str | None = None
        self.received: list[Received] = []
        self.auth_failures = 0
        self._controller: Controller | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="warroom-smtp-")
        ca = shared_ca()
        self.ca_path = str(Path(self._dir.name) / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)
        self._cert = ca.issue_cert(HOST, "localhost")

    # what was received
    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def _received(self, item: Received):
        self.received.append(item)
        self._notify()

    def wait_for(self, n: int, timeout: float = 10) -> list[EmailMessage]:
        self._wait(lambda: len(self.received), n, timeout, f"SMTP {self.host}:{self.port} messages")
        return self.messages

    # the client's side
    def settings(self, **changes):
        """SmtpSettings that reach this server (trusting its CA), with the server's own credentials."""
        from alerts.channels import SmtpSettings
        values = dict(host=self.host, port=self.port, security=self.mode, username=self.username,
                      password=self.password, sender="War Room <warroom@localhost>", timeout=5.0,
                      cafile=self.ca_path if self.mode != "none" else None)
        return SmtpSettings(**{**values, **changes})

    # running
    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.username
              and auth_data.password.decode() == self.password)
        if not ok:
            self.auth_failures += 1
        return AuthResult(success=ok, handled=False, auth_data=auth_data)  # not handled: aiosmtpd answers 535

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context

    def start(self) -> "SmtpServer":
        assert self._controller is None, "already running"
        kwargs: dict = {"hostname": self.host, "port": self.port, "server_hostname": "warroom-test-smtp",
                        "ready_timeout": 10}
        if self.mode == "starttls":
            kwargs.update(tls_context=self._context(), require_starttls=True)
        elif self.mode == "tls":
            kwargs.update(ssl_context=self._context())
        if self.username is not None:
            # AUTH is required (MAIL before it is answered 530) and only over TLS. aiosmtpd's own
            # auth_require_tls knows only STARTTLS: implicit TLS, encrypted from the first byte, is let
            # through it. "none" with AUTH would send a password in clear: refused here.
            assert self.mode != "none", "AUTH over an unencrypted connection"
            kwargs.update(authenticator=self._authenticate, auth_require_tls=self.mode == "starttls")
        controller = Controller(_Handler(self), **kwargs)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()

    def restart(self) -> "SmtpServer":
        self.stop()
        return self.start()

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    @property
    def running(self) -> bool:
        return self._controller is not None


@contextlib.contextmanager
def smtp_server(mode: str = "starttls", **kwargs):
    """A started SmtpServer, stopped (and its CA file removed) afterwards."""
    server = SmtpServer(mode, **kwargs)
    try:
        yield server.start()
    finally:
        server.close()


# --- LINE ------------------------------------------------------------------------------------------
LINE_PUSH = "/v2/bot/message/push"
LINE_TO = re.compile(r"[UCR][0-9a-f]{32}")
LINE_TYPES = {"text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex",
              "coupon"}
LINE_BODY_KEYS = {"to", "messages", "notificationDisabled", "customAggregationUnits"}
TEXT_MAX, ALT_TEXT_MAX, MESSAGES_MAX = 5000, 1500, 5
STATUS_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    404: "Not found",
    409: "The retry key is already accepted",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
    503: "Service unavailable",
}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def line_problems(body) -> list[str]:
    """What LINE's API reference says is wrong with a push request's body (empty: nothing)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    problems = [f"unknown property {k!r}" for k in body if k not in LINE_BODY_KEYS]
    if not isinstance(body.get("to"), str) or not LINE_TO.fullmatch(body["to"]):
        problems.append("to: must be a user, group or room ID (U, C or R and 32 hexadecimal digits)")
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= MESSAGES_MAX:
        return problems + [f"messages: must be an array of 1 to {MESSAGES_MAX} message objects"]
    if "notificationDisabled" in body and not isinstance(body["notificationDisabled"], bool):
        problems.append("notificationDisabled: must be a boolean")
    for i, m in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict) or m.get("type") not in LINE_TYPES:
            problems.append(f"{where}.type: unknown message type")
            continue
        if m["type"] == "text":
            text = m.get("text")
            if not isinstance(text, str) or not text:
                problems.append(f"{where}.text: may not be empty")
            elif _utf16_len(text) > TEXT_MAX:
                problems.append(f"{where}.text: length must be between 0 and {TEXT_MAX}")
        if m["type"] == "flex":
            alt = m.get("altText")
            if not isinstance(alt, str) or not alt:
                problems.append(f"{where}.altText: may not be empty")
            elif _utf16_len(alt) > ALT_TEXT_MAX:
                problems.append(f"{where}.altText: length must be between 0 and {ALT_TEXT_MAX}")
            contents = m.get("contents")
            if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
                problems.append(f"{where}.contents: must be a bubble or a carousel")
    return problems


class LineServer(_Waiter):
    """LINE's push endpoint on 127.0.0.1. `pushes`: every accepted push, {"headers", "body", "retry_key"};
    `requests`: every request, answered or not. `status_override` (e.g. 500, 429): answer that instead,
    accepting nothing."""

    def __init__(self, token: str = "test-channel-access-token", *, port: int | None = None):
        super().__init__()
        self.token = token
        self.port = port or free_port()
        self.host = HOST
        self.pushes: list[dict] = []
        self.requests: list[dict] = []
        self.status_override: int | None = None
        self._accepted_keys: dict[str, str] = {}  # retry key -> the request id it was accepted as
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def settings(self, **changes):
        from alerts.channels import LineSettings
        return LineSettings(**{"endpoint": self.endpoint, "token": self.token, "timeout": 5.0, **changes})

    def wait_for(self, n: int, timeout: float = 10) -> list[dict]:
        self._wait(lambda: len(self.pushes), n, timeout, f"LINE {self.endpoint} pushes")
        return self.pushes

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict, dict]:
        """(status, JSON body, extra headers), as LINE would answer."""
        if path != LINE_PUSH:
            return 404, {"message": STATUS_MESSAGES[404]}, {}
        if method != "POST":
            return 405, {"message": "Method not allowed"}, {}
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"message": STATUS_MESSAGES[401]}, {}
        if self.status_override is not None:
            return self.status_override, {"message": STATUS_MESSAGES.get(self.status_override, "error")}, {}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 400, {"message": "The request's Content-Type must be application/json"}, {}
        retry_key = headers.get("x-line-retry-key")
        if retry_key is not None:
            try:
                if str(uuid.UUID(retry_key)) != retry_key.lower():
                    raise ValueError
            except ValueError:
                return 400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}, {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"message": "The request body could not be parsed as JSON"}, {}
        if problems := line_problems(body):
            return 400, {"message": f"The request body has {len(problems)} error(s)",
                         "details": [{"message": p.split(": ", 1)[-1], "property": p.split(": ", 1)[0]}
                                     for p in problems]}, {}
        with self._lock:
            if retry_key is not None and retry_key.lower() in self._accepted_keys:
                accepted = self._accepted_keys[retry_key.lower()]
                return 409, {"message": STATUS_MESSAGES[409], "sentMessages": []}, \
                    {"x-line-accepted-request-id": accepted}
            request_id = str(uuid.uuid4())
            if retry_key is not None:
                self._accepted_keys[retry_key.lower()] = request_id
            self.pushes.append({"headers": headers, "body": body, "retry_key": retry_key, "request_id": request_id})
        self._notify()
        return 200, {"sentMessages": [{"id": str(461230966842064897 + len(self.pushes) * 10 + i),
                                       "quoteToken": uuid.uuid4().hex} for i in range(len(body["messages"]))]}, \
            {"x-line-request-id": request_id}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body, extra = server._answer(self.command, self.path, headers, raw)
                with server._lock:
                    server.requests.append({"method": self.command, "path": self.path, "headers": headers,
                                            "raw": raw, "status": status})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET = do_PUT = do_DELETE = _handle

            def log_message(self, *args):  # quiet
                pass

        return Handler

    def start(self) -> "LineServer":
        assert self._httpd is None, "already running"
        httpd = ThreadingHTTPServer((self.host, self.port), self._handler())
        httpd.daemon_threads = True
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._httpd = httpd
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            httpd, self._httpd = self._httpd, None
            httpd.shutdown()
            httpd.server_close()
            self._thread.join(timeout=10)
            self._thread = None

    def restart(self) -> "LineServer":
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self._httpd is not None


@contextlib.contextmanager
def line_server(token: str = "test-channel-access-token", **kwargs):
    """A started LineServer, stopped afterwards."""
    server = LineServer(token, **kwargs)
    try:
        yield server.start()
    finally:
        server.stop()
