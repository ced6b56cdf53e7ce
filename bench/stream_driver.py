"""A load driver that speaks Streamlit's own websocket protocol, so that many War Room sessions can be held
open against the servers without a browser eating the CPU being measured.

Each simulated session does what a governor's browser does, through the front (nginx):
1. GET the page, keeping every cookie the answers set (nginx's `warroom_route`, which pins the browser to
   one replica, and Streamlit's `_streamlit_xsrf`);
2. signs in through the sign-in form (GET /sign-in for the CSRF token, POST with this site's Origin),
   which sets the durable session cookie `warroom_session`;
3. opens `/_stcore/stream` as Streamlit's frontend does (Streamlit 1.67, streamlit/web/server/starlette/
   starlette_websocket.py): the subprotocol header carries "streamlit", then the XSRF cookie's value; the
   Origin is the site's; the cookies go along, as a browser sends them;
4. asks for a run (BackMsg rerun_script with a ClientState: query string, page script hash, widget states)
   and waits for the ForwardMsg script_finished that ends it; then reruns, as a click or the live refresh
   does.

Each run records the server time (rerun asked → script_finished received), every exception element and
every error banner the run drew, and the text elements (so a caller can check whose figures were drawn).
The replica that served a session is told by the caller (nginx's access log, or `which` below).

    from bench import stream_driver
    results = asyncio.run(stream_driver.run_sessions(base, n=20, reruns=3, ...))
"""
from __future__ import annotations

import asyncio
import dataclasses
import http.cookies
import re
import ssl
import time
import urllib.parse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

XSRF_COOKIE = "_streamlit_xsrf"
# Element types whose text a caller may want to read (the rest: charts, tables, widgets, kept out).
_TEXT_TYPES = {"markdown": "body", "heading": "body", "text": "body", "alert": "body", "metric": "label",
               "exception": "message"}  # st.badge and st.caption arrive as markdown
_ERROR_FORMAT = 1  # Alert.Format.ERROR in streamlit/proto/Alert.proto


class DriverError(RuntimeError):
    """A session could not do what a browser does (sign in, connect, finish a run)."""


@dataclasses.dataclass
class Run:
    seconds: float                  # rerun asked → script_finished received
    status: str                     # ForwardMsg.ScriptFinishedStatus name
    exceptions: list[str]           # the messages of exception elements the run drew
    errors: list[str]               # the bodies of error banners (st.error) the run drew
    texts: list[str]                # markdown (captions, badges), headings, metric labels, alerts: in arrival order


@dataclasses.dataclass
class SessionResult:
    index: int
    route: str = ""                 # the warroom_route cookie nginx gave this browser
    signed_in: bool = False
    first: Run | None = None        # the session's first run (its page drawn for the first time)
    runs: list[Run] = dataclasses.field(default_factory=list)
    problem: str = ""               # what went wrong, if anything (then the session stopped there)


class Session:
    """One browser's session: its cookies, its sign-in, its websocket."""

    def __init__(self, base: str, index: int = 0, client_address: str | None = None,
                 ssl_context: ssl.SSLContext | None = None, user_agent: str = "warroom-stream-driver"):
        self.base = base.rstrip("/")
        self.index = index
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.page_script_hash = ""
        self.address = client_address  # sent as X-Forwarded-For: each simulated governor has their own
        self.ssl = ssl_context
        self.user_agent = user_agent
        parts = urllib.parse.urlsplit(self.base)
        self.host, self.port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        self.secure = parts.scheme == "https"

    # ---- plain HTTP, as a browser does it, over asyncio streams (no extra thread per session) ----
    async def http(self, method: str, path: str, body: bytes = b"",
                   headers: dict | None = None) -> tuple[int, dict, bytes]:
        reader, writer = await asyncio.open_connection(self.host, self.port, ssl=self.ssl if self.secure else None,
                                                       server_hostname=self.host if self.secure else None)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close",
                     f"User-Agent: {self.user_agent}", "Accept: text/html", "Accept-Encoding: identity"]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if self.address:
                lines.append(f"X-Forwarded-For: {self.address}")
            for key, value in (headers or {}).items():
                lines.append(f"{key}: {value}")
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ssl.SSLError):
                pass
        head, _, payload = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        answer: dict[str, list[str]] = {}
        for line in header_lines:
            key, _, value = line.partition(":")
            answer.setdefault(key.strip().lower(), []).append(value.strip())
        for cookie in answer.get("set-cookie", []):
            jar = http.cookies.SimpleCookie()
            jar.load(cookie)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        if "chunked" in ",".join(answer.get("transfer-encoding", [])).lower():
            payload = _unchunk(payload)
        return status, answer, payload

    async def open_page(self, path: str = "/") -> None:
        status, _, _ = await self.http("GET", path)
        if status != 200:
            raise DriverError(f"GET {path} answered {status}")

    async def sign_in(self, username: str, password: str, next_path: str = "/") -> None:
        status, _, page = await self.http("GET", "/sign-in")
        found = re.search(rb'name="csrf" value="([^"]+)"', page)
        if status != 200 or not found:
            raise DriverError(f"GET /sign-in answered {status} without the form's CSRF field")
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf": found.group(1).decode(),
                                       "next": next_path}).encode()
        status, _, page = await self.http("POST", "/sign-in", form, {
            "Origin": self.base, "Content-Type": "application/x-www-form-urlencoded"})
        if status != 303 or "warroom_session" not in self.cookies:
            text = re.sub(rb"<[^>]+>", b" ", page).decode("utf-8", "replace")
            raise DriverError(f"sign-in as {username} answered {status}: {' '.join(text.split())[:200]}")

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        # The frontend asks the server's health first (its answer sets the XSRF cookie), then connects.
        status, _, _ = await self.http("GET", "/_stcore/health")
        if status != 200:
            raise DriverError(f"GET /_stcore/health answered {status}")
        scheme = "wss" if self.secure else "ws"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "User-Agent": self.user_agent}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        # Streamlit's frontend: subprotocols "streamlit", then the XSRF token (the cookie's value), then the
        # id of the session it held before a reconnect (none here).
        self.ws = await connect(f"{scheme}://{self.host}:{self.port}/_stcore/stream",
                                subprotocols=["streamlit", self.cookies.get(XSRF_COOKIE, "")], origin=self.base,
                                additional_headers=headers, ssl=self.ssl if self.secure else None,
                                max_size=None, compression="deflate", open_timeout=30, ping_interval=None,
                                user_agent_header=None)

    async def run(self, query: str = "", page_name: str = "", timeout: float = 120.0) -> Run:
        """Ask for a run of the page and read every message until it finishes."""
        state = ClientState(query_string=query, page_script_hash=self.page_script_hash, page_name=page_name)
        message = BackMsg(rerun_script=state)
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        exceptions, errors, texts = [], [], []
        deadline = started + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise DriverError(f"no script_finished within {timeout:.0f} s")
            data = await asyncio.wait_for(self.ws.recv(), timeout=left)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            elif kind == "page_info_changed":
                pass
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                etype = element.WhichOneof("type")
                if etype in _TEXT_TYPES:
                    value = getattr(getattr(element, etype), _TEXT_TYPES[etype])
                    texts.append(value)
                    if etype == "exception":
                        exceptions.append(f"{element.exception.type}: {value}")
                    elif etype == "alert" and element.alert.format == _ERROR_FORMAT:
                        errors.append(value)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY":
                    continue  # a fragment's own run (the live badge), not the one asked for
                return Run(time.perf_counter() - started, status, exceptions, errors, texts)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


def _unchunk(payload: bytes) -> bytes:
    out, rest = b"", payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


async def drive(base: str, index: int, username: str, password: str, reruns: int, ready: asyncio.Event | None = None,
                hold: asyncio.Event | None = None, path: str = "/", query: str = "",
                ssl_context: ssl.SSLContext | None = None, finished: asyncio.Event | None = None,
                release: asyncio.Event | None = None) -> SessionResult:
    """One whole session: page, sign-in, websocket, the first run, then `reruns` reruns. With `ready` and
    `hold`, the session signals after its first run and waits for `hold` before its reruns (so that N
    sessions are open at once while their reruns are measured); with `finished` and `release`, it signals
    after its reruns and keeps its websocket open until `release` (so that memory is read with them open)."""
    result = SessionResult(index)
    # A distinct client address per simulated browser (nginx passes it on in X-Forwarded-For, as it would a
    # real governor's office): the sign-in's per-address limit is meant for one office, not the whole test.
    session = Session(base, index, f"10.{20 + index // 250}.{index % 250}.{1 + index % 200}", ssl_context)
    try:
        await session.open_page(path + (f"?{query}" if query else ""))
        result.route = session.cookies.get("warroom_route", "")
        await session.sign_in(username, password, path)
        result.signed_in = True
        await session.connect()
        result.first = await session.run(query)
        if ready is not None:
            ready.set()
        if hold is not None:
            await hold.wait()
        for _ in range(reruns):
            result.runs.append(await session.run(query))
        if finished is not None:
            finished.set()
        if release is not None:
            await release.wait()
    except Exception as exc:  # noqa: BLE001  (a session's failure is a figure of the run, not a crash of it)
        result.problem = f"{type(exc).__name__}: {exc}"
    finally:
        for event in (ready, finished):
            if event is not None:
                event.set()
        try:
            await session.close()
        except Exception:  # noqa: BLE001  (the session is over either way)
            pass
    return result


async def run_sessions(base: str, n: int, username: str, password: str, reruns: int = 3, path: str = "/",
                       query: str = "", ssl_context: ssl.SSLContext | None = None, while_open=None,
                       start_timeout: float = 600.0) -> list[SessionResult]:
    """`n` sessions open at once: each signs in and draws the page; when all have, every one reruns
    `reruns` times concurrently (the figures: SessionResult.runs); when all have, `while_open()` is called
    (e.g. to read the servers' memory) before the websockets close."""
    hold, release = asyncio.Event(), asyncio.Event()
    readies = [asyncio.Event() for _ in range(n)]
    finishes = [asyncio.Event() for _ in range(n)]
    tasks = [asyncio.create_task(drive(base, i, username, password, reruns, readies[i], hold, path, query,
                                       ssl_context, finishes[i], release)) for i in range(n)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=start_timeout)
        hold.set()
        await asyncio.wait_for(asyncio.gather(*(f.wait() for f in finishes)), timeout=start_timeout)
        if while_open is not None:
            while_open()
    finally:
        hold.set()
        release.set()
    return list(await asyncio.gather(*tasks))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]
