"""The channels: one message out by e-mail (SMTP) or by LINE (the Messaging API's push), or a DeliveryError.

- **E-mail** goes through the standard library (`smtplib`, `email.message.EmailMessage`): a UTF-8
  subject and body (Thai reads right in any mail client), the link to the exact view on its own line, the
  attachments with their own type and file name, and a `Message-ID` made from the outbox's key, so a
  message sent again after a lost reply is recognisable as the same one. STARTTLS, implicit TLS (SMTPS)
  or, on a trusted relay only, none; `cafile` trusts a private CA.
- **LINE** goes through the official SDK (`linebot.v3.messaging`, imported when a LINE message is sent:
  it takes a second to import). The push carries an `X-Line-Retry-Key` derived from the outbox's key, so a
  retry after a lost reply is answered 409 by LINE and never delivered twice; 409 counts as sent.
  The SDK turns the message dicts into its models and back: a field it does not know would be dropped
  silently, so the JSON it would send is compared with the messages given, and a message the SDK would
  change is refused (permanently) rather than sent different. It may add fields at their defaults
  (`notificationDisabled: false`, an image's `animated: false`), which change nothing.
  The SDK reads no proxy from the environment: `HTTPS_PROXY`/`NO_PROXY` are honoured here.
- **Errors** are a `DeliveryError`: `permanent` when sending again cannot help (a refused recipient, a
  rejected message: an admin can send it again from the admin page), otherwise temporary (the server is
  down, slow, busy, refuses the credentials, or the channel is not configured yet) and the outbox tries
  again later, so a password fixed by an operator lets the waiting messages out. Its `reason` says what happened and where, and never holds a password or a
  token: they are scrubbed from anything a server answers, and nothing here logs them. (The SDK logs
  LINE's response body at DEBUG, never the request's headers; only its `Configuration.debug`, never set
  here, would print them.)

Settings: `[notify]` of .streamlit/warroom.toml, the environment over it, and the two secrets
(WARROOM_SMTP_PASSWORD, WARROOM_LINE_TOKEN) from the environment or from `[notify]` of secrets.toml;
see `channel_config` and docs/DEPLOYMENT.md.
"""
from __future__ import annotations

import base64
import email.policy
import email.utils
import hashlib
import ipaddress
import json
import logging
import os
import smtplib
import socket
import ssl
import tomllib
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage

from data_access import clock, settings
from data_access.notify import Attachment

log = logging.getLogger(__name__)

CHANNELS = ("email", "line")
DELIVERIES = ("auto", "send", "local")
SECURITIES = ("starttls", "tls", "none")
LINE_TEXT_MAX = 5000      # LINE: a text message's text, in UTF-16 code units
LINE_MESSAGES_MAX = 5     # LINE: messages in one push
REASON_MAX = 500          # the outbox keeps the reason; a server's answer can be long

NOTIFY_DEFAULTS = {"delivery": "auto", "base_url": "http://localhost:8501"}
SMTP_DEFAULTS = {"host": "", "port": 587, "security": "starttls", "username": "",
                 "sender": "War Room <warroom@localhost>", "timeout_seconds": 20, "cafile": ""}
LINE_DEFAULTS = {"endpoint": "https://api.line.me", "timeout_seconds": 20}
SECRET_KEYS = {"smtp_password", "line_channel_access_token", "password", "token", "access_token"}
ENV = {  # the environment over warroom.toml: (section, key) -> variable
    ("", "delivery"): "WARROOM_NOTIFY_DELIVERY",
    ("", "base_url"): "WARROOM_BASE_URL",
    ("smtp", "host"): "WARROOM_SMTP_HOST",
    ("smtp", "port"): "WARROOM_SMTP_PORT",
    ("smtp", "security"): "WARROOM_SMTP_SECURITY",
    ("smtp", "username"): "WARROOM_SMTP_USERNAME",
    ("smtp", "sender"): "WARROOM_SMTP_SENDER",
    ("smtp", "cafile"): "WARROOM_SMTP_CAFILE",
    ("line", "endpoint"): "WARROOM_LINE_ENDPOINT",
}
SMTP_PASSWORD_ENV = "WARROOM_SMTP_PASSWORD"
LINE_TOKEN_ENV = "WARROOM_LINE_TOKEN"


# --- the message and the settings ------------------------------------------------------------------
@dataclass(frozen=True)
class Outgoing:
    """One message as the outbox holds it, ready for its channel."""
    channel: str                         # "email" or "line"
    to: str                              # an e-mail address, or a LINE user/group/room ID
    subject: str
    body: str                            # plain text, UTF-8
    link: str | None                     # the exact view of the app
    line_messages: list[dict] | None     # LINE message objects as the API takes them; None: one text message
    attachments: tuple[Attachment, ...]  # data_access.notify.Attachment(filename, mime, content)
    key: str                             # the outbox's dedupe key: the same on every try

    def __post_init__(self):
        if self.channel not in CHANNELS:
            raise ValueError(f"channel {self.channel!r}: one of {', '.join(CHANNELS)}")
        object.__setattr__(self, "attachments", tuple(self.attachments or ()))


class DeliveryError(Exception):
    """Not delivered: `reason` (no secret in it) and whether trying again can help (`permanent`)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"DeliveryError({self.reason!r}, permanent={self.permanent})"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"           # "starttls", "tls" (implicit, SMTPS) or "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = SMTP_DEFAULTS["sender"]
    timeout: float = 20.0
    cafile: str | None = None            # a CA bundle to trust instead of the system's (a private CA)

    def __post_init__(self):
        if self.security not in SECURITIES:
            raise ValueError(f"SMTP security {self.security!r}: one of {', '.join(SECURITIES)}")


@dataclass(frozen=True)
class LineSettings:
    endpoint: str = LINE_DEFAULTS["endpoint"]
    token: str | None = field(default=None, repr=False)
    timeout: float = 20.0


@dataclass(frozen=True)
class ChannelConfig:
    delivery: str                        # "send", or "local": nothing leaves the machine (the outbox holds it)
    smtp: SmtpSettings | None = None     # None: no SMTP host configured
    line: LineSettings | None = None     # None: no LINE channel access token
    base_url: str = NOTIFY_DEFAULTS["base_url"]

    def __post_init__(self):
        if self.delivery not in ("send", "local"):
            raise ValueError(f"delivery {self.delivery!r}: send or local")


# --- settings --------------------------------------------------------------------------------------
def _toml_notify() -> dict:
    path = settings.WARROOM_TOML
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        section = tomllib.load(fh).get("notify", {})
    if not isinstance(section, dict):
        raise ValueError("[notify] of warroom.toml is not a table")
    return section


def _checked(section: dict, defaults: dict, name: str, tables: tuple[str, ...] = ()) -> dict:
    """defaults updated by section; a misspelt key, or a secret in warroom.toml, is an error (its value
    never repeated)."""
    values = dict(defaults)
    for key, value in section.items():
        if key in tables:
            continue
        if key in SECRET_KEYS:
            raise ValueError(f"{name} {key}: a secret belongs in .streamlit/secrets.toml [notify] or the "
                             f"environment ({SMTP_PASSWORD_ENV}, {LINE_TOKEN_ENV}), never in warroom.toml")
        if key not in defaults:
            raise ValueError(f"{name}: unknown setting {key!r}; expected one of {', '.join(defaults)}")
        values[key] = value
    for table in tables:
        if table in section and not isinstance(section[table], dict):
            raise ValueError(f"{name} {table} is not a table")
    return values


def _env(section: str, key: str) -> str | None:
    value = os.environ.get(ENV[(section, key)], "").strip()
    return value or None


def _secrets() -> dict:
    """`[notify]` of the first secrets.toml that exists (the places Streamlit reads)."""
    for path in settings._secrets_files():
        if path.is_file():
            with path.open("rb") as fh:
                section = tomllib.load(fh).get("notify", {})
            return section if isinstance(section, dict) else {}
    return {}


def _number(value, what: str, *, whole: bool = False) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value) if whole else float(value)
        if whole and str(value).strip() != str(number):
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"{what} = {value!r} is not {'a whole number' if whole else 'a number'}") from None
    if number <= 0:
        raise ValueError(f"{what} = {value!r} must be more than 0")
    return number


def channel_config(demo: bool) -> ChannelConfig:
    """The channels as configured now: `[notify]` of .streamlit/warroom.toml, the environment over it
    (WARROOM_NOTIFY_DELIVERY, WARROOM_BASE_URL, WARROOM_SMTP_HOST, _PORT, _SECURITY, _USERNAME, _SENDER,
    _CAFILE, WARROOM_LINE_ENDPOINT), the secrets from the environment (WARROOM_SMTP_PASSWORD,
    WARROOM_LINE_TOKEN) or else from `[notify] smtp_password` and `line_channel_access_token` of the first
    .streamlit/secrets.toml that exists. `delivery = "auto"` is "local" on demo data, else "send". No SMTP
    host: `smtp` is None; no LINE token: `line` is None (`send` then says so, and the message waits)."""
    section = _toml_notify()
    top = _checked(section, NOTIFY_DEFAULTS, "[notify]", tables=("smtp", "line"))
    smtp = _checked(section.get("smtp", {}), SMTP_DEFAULTS, "[notify.smtp]")
    line = _checked(section.get("line", {}), LINE_DEFAULTS, "[notify.line]")
    for (table, key), _var in ENV.items():
        if (value := _env(table, key)) is not None:
            {"": top, "smtp": smtp, "line": line}[table][key] = value

    delivery = str(top["delivery"]).strip().lower()
    if delivery not in DELIVERIES:
        raise ValueError(f"[notify] delivery = {top['delivery']!r}: one of {', '.join(DELIVERIES)}")
    if delivery == "auto":
        delivery = "local" if demo else "send"

    secrets: dict | None = None

    def secret(env_var: str, key: str) -> str | None:
        nonlocal secrets
        if value := os.environ.get(env_var, "").strip():
            return value
        if secrets is None:
            secrets = _secrets()
        value = secrets.get(key)
        return str(value).strip() or None if value is not None else None

    smtp_settings = None
    if host := str(smtp["host"] or "").strip():
        security = str(smtp["security"]).strip().lower()
        if security not in SECURITIES:
            raise ValueError(f"[notify.smtp] security = {smtp['security']!r}: one of {', '.join(SECURITIES)}")
        port = int(_number(smtp["port"], "[notify.smtp] port", whole=True))
        if port > 65535:
            raise ValueError(f"[notify.smtp] port = {port} is not a port number")
        smtp_settings = SmtpSettings(
            host=host, port=port, security=security,
            username=str(smtp["username"] or "").strip() or None,
            password=secret(SMTP_PASSWORD_ENV, "smtp_password"),
            sender=str(smtp["sender"]).strip() or SMTP_DEFAULTS["sender"],
            timeout=_number(smtp["timeout_seconds"], "[notify.smtp] timeout_seconds"),
            cafile=str(smtp["cafile"] or "").strip() or None)

    line_settings = None
    if token := secret(LINE_TOKEN_ENV, "line_channel_access_token"):
        endpoint = str(line["endpoint"]).strip().rstrip("/") or LINE_DEFAULTS["endpoint"]
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise ValueError(f"[notify.line] endpoint = {endpoint!r} is not an http(s) URL")
        line_settings = LineSettings(endpoint=endpoint, token=token,
                                     timeout=_number(line["timeout_seconds"], "[notify.line] timeout_seconds"))

    base_url = str(top["base_url"]).strip().rstrip("/") or NOTIFY_DEFAULTS["base_url"]
    return ChannelConfig(delivery=delivery, smtp=smtp_settings, line=line_settings, base_url=base_url)


# --- sending ---------------------------------------------------------------------------------------
def send(message: Outgoing, config: ChannelConfig) -> None:
    """Deliver one message by its channel, or raise DeliveryError. A "local" configuration sends nothing
    (the runner holds the message instead): calling this with one is refused, temporarily."""
    if config.delivery != "send":
        raise DeliveryError(f"delivery is {config.delivery!r}: nothing leaves this machine")
    if message.channel == "email":
        if config.smtp is None:
            raise DeliveryError("e-mail is not configured: set [notify.smtp] host")
        send_email(message, config.smtp)
    elif message.channel == "line":
        if config.line is None or not config.line.token:
            raise DeliveryError(f"LINE is not configured: set {LINE_TOKEN_ENV} or "
                                "[notify] line_channel_access_token in secrets.toml")
        send_line(message, config.line)
    else:  # Outgoing refuses any other, but a caller may build one by hand
        raise DeliveryError(f"unknown channel {message.channel!r}", permanent=True)


def _scrub(text: str, *secrets: str | None) -> str:
    """text without any of the secrets, nor their base64 forms (SMTP AUTH sends them so), cut short."""
    for secret in filter(None, secrets):
        forms = {secret, base64.b64encode(secret.encode()).decode()}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    text = " ".join(text.split())
    return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"


def _cause(exc: BaseException) -> str:
    """What a network error was, in a few words (no host name lookups, no secrets)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionRefusedError):
            return "connection refused"
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return "timed out"
        if isinstance(exc, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({exc.verify_message or exc.reason})"
        if isinstance(exc, ssl.SSLError):
            return f"TLS error ({exc.reason or exc.__class__.__name__})"
        if isinstance(exc, socket.gaierror):
            return "host name not found"
        if isinstance(exc, ConnectionResetError):
            return "connection reset"
        if isinstance(exc, OSError) and exc.strerror:
            return exc.strerror.lower()
        exc = exc.__cause__ or exc.__context__
    return ""


# --- e-mail ----------------------------------------------------------------------------------------
def message_id_of(key: str) -> str:
    """The Message-ID of the message with this outbox key: the same on every try."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@warroom>"


def _with_link(body: str, link: str | None) -> str:
    """The body, and the link on its own line unless the body has it already."""
    text = body.rstrip()
    if link and link not in body:
        text = f"{text}\n\n{link}" if text else link
    return text + "\n"


def email_of(message: Outgoing, sender: str) -> EmailMessage:
    """The e-mail exactly as it is sent (also the admin page's preview). DeliveryError (permanent) when an
    address or a header cannot be written."""
    mail = EmailMessage(policy=email.policy.default)
    try:
        mail["From"] = sender
        mail["To"] = message.to
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = email.utils.format_datetime(clock.now())
        mail["Message-ID"] = message_id_of(message.key)
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
        text = _with_link(message.body, message.link)
        # Thai in base64: 7-bit clean through any relay, with or without 8BITMIME
        mail.set_content(text, charset="utf-8", cte=None if text.isascii() else "base64")
        for item in message.attachments:
            maintype, _, subtype = str(item.mime).partition("/")
            if not maintype or not subtype or maintype in ("multipart", "message"):
                maintype, subtype = "application", "octet-stream"
            mail.add_attachment(bytes(item.content), maintype=maintype, subtype=subtype, filename=item.filename)
    except (ValueError, TypeError, IndexError) as exc:  # a linefeed in a header, an address that is not one
        raise DeliveryError(f"e-mail cannot be written: {_scrub(str(exc))}", permanent=True) from None
    addresses = mail["To"].addresses
    if len(addresses) != 1 or "@" not in addresses[0].addr_spec or mail["To"].defects:
        raise DeliveryError(f"e-mail cannot be written: {message.to!r} is not one e-mail address", permanent=True)
    return mail


def _smtp_code(exc: smtplib.SMTPResponseException) -> tuple[int, str]:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return int(exc.smtp_code), text


def _permanent_code(code: int) -> bool:
    """5xx is permanent, except 421 (closing) and 45x, which are 4xx anyway; -1 (no code) is not."""
    return 500 <= code <= 599


def send_email(message: Outgoing, settings: SmtpSettings) -> None:
    """Send one e-mail through the configured SMTP server, or raise DeliveryError."""
    where = f"SMTP {settings.host}:{settings.port}"
    mail = email_of(message, settings.sender)
    if settings.username and not settings.password:
        raise DeliveryError(f"{where}: a username is set but no password ({SMTP_PASSWORD_ENV} or "
                            "[notify] smtp_password in secrets.toml)")
    if settings.username and settings.security == "none":
        raise DeliveryError(f"{where}: a password is never sent unencrypted: set [notify.smtp] security to "
                            "starttls or tls, or remove the username for a relay that needs none")
    secret = settings.password

    def fail(text: str, permanent: bool = False) -> DeliveryError:
        return DeliveryError(_scrub(f"{where}: {text}", secret), permanent)

    try:
        context = ssl.create_default_context(cafile=settings.cafile) if settings.security != "none" else None
    except (OSError, ssl.SSLError) as exc:
        raise fail(f"cannot read the CA file {settings.cafile}: {_cause(exc) or exc.__class__.__name__}") from None
    client = None
    sent = False
    try:
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            client.ehlo()
            if not client.has_extn("starttls"):
                raise fail("the server does not offer STARTTLS (see [notify.smtp] security)")
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password)
        refused = client.send_message(mail, to_addrs=[mail["To"].addresses[0].addr_spec])
        if refused:  # one recipient: refused means every one, which send_message raises instead; defensive
            code, text = next(iter(refused.values()))
            raise fail(f"recipient refused: {code} {text!r}", permanent=_permanent_code(code))
        sent = True
    except DeliveryError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
                         for code, reply in exc.recipients.values())
        raise fail(f"recipient {message.to} refused: {text}",
                   permanent=any(_permanent_code(c) for c in codes)) from None
    except smtplib.SMTPAuthenticationError as exc:
        code, text = _smtp_code(exc)
        # A refused sign-in is the server's configuration, not the message's: it waits (and the data health
        # page shows the reason) until an operator fixes the credentials, then it goes out.
        raise fail(f"sign-in as {settings.username} refused: {code} {text}", permanent=False) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise fail(f"not supported by the server: {exc}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, connect or helo error
        code, text = _smtp_code(exc)
        raise fail(f"{code} {text}", permanent=_permanent_code(code)) from None
    except smtplib.SMTPServerDisconnected as exc:
        if _cause(exc.__context__) == "timed out":
            raise fail(f"no answer within {settings.timeout:g} s") from None
        raise fail(f"connection closed by the server ({_cause(exc.__context__) or exc or 'no reply'})") from None
    except smtplib.SMTPException as exc:
        raise fail(f"{exc.__class__.__name__}: {exc}") from None
    except (OSError, ssl.SSLError) as exc:
        cause = _cause(exc) or exc.__class__.__name__
        raise fail(f"no answer within {settings.timeout:g} s" if cause == "timed out" else cause) from None
    finally:
        if client is not None:
            try:
                client.quit() if sent else client.close()
            except (smtplib.SMTPException, OSError):
                client.close()
    log.debug("e-mail %s sent through %s", message_id_of(message.key), where)


# --- LINE ------------------------------------------------------------------------------------------
def retry_key_of(key: str) -> str:
    """The X-Line-Retry-Key of the message with this outbox key: the same on every try."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "warroom:" + key))


def _utf16_cut(text: str, limit: int) -> str:
    """text at most `limit` UTF-16 code units long (how LINE counts), cut at a whole character."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    out, used = [], 0
    for char in text:
        units = 2 if ord(char) > 0xFFFF else 1
        if used + units > limit - 1:
            break
        out.append(char)
        used += units
    return "".join(out) + "…"


def line_text(message: Outgoing) -> str:
    """The one text message sent when there are no LINE messages: subject, body and link, the body cut
    so that the whole fits LINE's 5,000 characters with the subject and the link kept."""
    subject = " ".join(message.subject.split())
    body = message.body.strip()
    link = message.link if message.link and message.link not in body else None
    head, tail = f"{subject}\n\n", f"\n\n{link}" if link else ""
    room = LINE_TEXT_MAX - (len((head + tail).encode("utf-16-le")) // 2)
    if room < 1:
        return _utf16_cut(head + body + tail, LINE_TEXT_MAX)
    return (head + _utf16_cut(body, room) + tail).strip()


def line_messages_of(message: Outgoing) -> list[dict]:
    """The LINE messages pushed for this message (also the admin page's preview)."""
    if message.line_messages is not None:
        return list(message.line_messages)
    return [{"type": "text", "text": line_text(message)}]


def _missing(wanted, sent, path: str = "") -> str | None:
    """The first place where `sent` lacks or changes what `wanted` says (None values in wanted are
    absent; fields sent beyond what was wanted are defaults the SDK adds)."""
    if isinstance(wanted, dict):
        if not isinstance(sent, dict):
            return path or "."
        for key, value in wanted.items():
            if value is None:
                continue
            if key not in sent:
                return f"{path}.{key}"
            if (found := _missing(value, sent[key], f"{path}.{key}")) is not None:
                return found
        return None
    if isinstance(wanted, list):
        if not isinstance(sent, list) or len(sent) != len(wanted):
            return path
        for i, (a, b) in enumerate(zip(wanted, sent)):
            if (found := _missing(a, b, f"{path}[{i}]")) is not None:
                return found
        return None
    same = wanted == sent and type(wanted) is type(sent) or (
        isinstance(wanted, (int, float)) and not isinstance(wanted, bool) and wanted == sent)
    return None if same else path


def _proxy_for(endpoint: str) -> str | None:
    """The proxy of HTTPS_PROXY/HTTP_PROXY for the endpoint, unless NO_PROXY (or loopback) says not."""
    parts = urllib.parse.urlsplit(endpoint)
    host = parts.hostname or ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        if host == "localhost":
            return None
    proxies = urllib.request.getproxies_environment()
    if not proxies or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxies.get(parts.scheme)


def _line_problem(body: bytes | str | None) -> str:
    """LINE's `message` (and its `details`) from an error's JSON body."""
    if not body:
        return ""
    try:
        found = json.loads(body)
    except (ValueError, TypeError):
        return ""
    if not isinstance(found, dict):
        return ""
    text = str(found.get("message") or "")
    details = [f"{d.get('property', '')}: {d.get('message', '')}".strip(": ")
               for d in found.get("details") or [] if isinstance(d, dict)]
    return "; ".join(filter(None, [text, *details]))


TEMPORARY_HTTP = {401, 408, 425, 429}  # 401: a wrong or expired token is fixed by an operator, the message waits


def send_line(message: Outgoing, settings: LineSettings) -> None:
    """Push one message to a LINE user, group or room, or raise DeliveryError."""
    endpoint = settings.endpoint.rstrip("/")
    where = f"LINE {endpoint}"
    token = settings.token

    def fail(text: str, permanent: bool = False) -> DeliveryError:
        return DeliveryError(_scrub(f"{where}: {text}", token), permanent)

    if not token:
        raise DeliveryError(f"LINE is not configured: set {LINE_TOKEN_ENV} or "
                            "[notify] line_channel_access_token in secrets.toml")
    messages = line_messages_of(message)
    if not 1 <= len(messages) <= LINE_MESSAGES_MAX:
        raise fail(f"{len(messages)} messages: a push takes 1 to {LINE_MESSAGES_MAX}", permanent=True)
    wanted = {"to": message.to, "messages": messages}

    import urllib3  # the SDK's transport
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest
    from linebot.v3.messaging.exceptions import ApiException, OpenApiException

    urllib3_logger = logging.getLogger("urllib3")
    level = urllib3_logger.level
    config = Configuration(host=endpoint, access_token=token)  # sets the urllib3 logger to WARNING...
    urllib3_logger.setLevel(level)  # ...which is not the SDK's to decide for the whole process
    config.retries = False  # one try: the outbox retries, with backoff
    config.proxy = _proxy_for(endpoint)
    try:
        request = PushMessageRequest.from_dict(wanted)
    except (ValueError, TypeError, OpenApiException) as exc:  # pydantic's ValidationError is a ValueError
        raise fail(f"the message is not one LINE takes: {' '.join(str(exc).split())}", permanent=True) from None

    with ApiClient(config) as client:
        sent = client.sanitize_for_serialization(request)
        if (where_missing := _missing(wanted, sent)) is not None:
            raise fail(f"the SDK would not send {where_missing or 'the message'} as given", permanent=True)
        try:
            response = MessagingApi(client).push_message_with_http_info(
                request, x_line_retry_key=retry_key_of(message.key),
                _preload_content=False, _request_timeout=settings.timeout)
            status = response.status_code
            raw = response.raw_data
            if hasattr(raw, "drain_conn"):
                raw.drain_conn()
                raw.release_conn()
        except ApiException as exc:
            status = int(exc.status or 0)
            problem = _line_problem(exc.body)
            if status == 409:  # the retry key was accepted before: it went out then
                log.info("LINE push %s was accepted before (409): counted as sent", retry_key_of(message.key))
                return
            if status == 0:  # the SDK's wrapping of a TLS error
                raise fail(f"TLS error ({' '.join(str(exc.reason).split())})") from None
            text = f"{status} {exc.reason or ''}".strip() + (f": {problem}" if problem else "")
            raise fail(text, permanent=not (status in TEMPORARY_HTTP or status >= 500)) from None
        except urllib3.exceptions.HTTPError as exc:
            if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
                exc = exc.reason
            if isinstance(exc, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too, oddly
                raise fail(_cause(exc) or "cannot connect") from None
            if isinstance(exc, urllib3.exceptions.TimeoutError):
                raise fail(f"no answer within {settings.timeout:g} s") from None
            raise fail(_cause(exc) or exc.__class__.__name__) from None
        except OSError as exc:
            raise fail(_cause(exc) or exc.__class__.__name__) from None
        finally:
            client.rest_client.pool_manager.clear()
    if not 200 <= status <= 299:  # the SDK raises for these; defensive
        raise fail(f"{status}", permanent=not (status in TEMPORARY_HTTP or status >= 500))
    log.debug("LINE push %s sent", retry_key_of(message.key))
