"""GET and POST /sign-in: the only way into an accounts-mode War Room.

A post is accepted only from this site (its Origin, or failing that its Referer, must be this site's,
and its CSRF field must equal the browser's CSRF cookie: a double submit), and only while its address
has made fewer than `attempts_per_address` posts in `window_minutes` (`[web]` of warroom.toml; the
account itself locks after five wrong passwords, data_access.accounts). A right password starts a
session (data_access.sessions) whose token goes into an HttpOnly, SameSite=Strict cookie, Secure
whenever the request came over HTTPS (directly, or through nginx's X-Forwarded-Proto). Every refusal
is in the audit log; the password is never logged, echoed or kept.
"""
from __future__ import annotations

import collections
import hmac
import secrets
import threading
import time
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from data_access import accounts, audit, sessions
from data_access.settings import session_limits, sign_in_limits
from ui.i18n import LANGS, t

from . import forms, state

CSRF_COOKIE = forms.CSRF_COOKIE
MAX_BODY = 16_384  # a sign-in post is a few hundred bytes


class AddressLimiter:
    """Sign-in posts per client address in a sliding window (in this process's memory)."""

    def __init__(self):
        self._seen: dict[str, collections.deque] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, limit: int, window_seconds: float, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(address, collections.deque())
            while seen and seen[0] <= now - window_seconds:
                seen.popleft()
            if len(seen) >= limit:
                return False
            seen.append(now)
            if len(self._seen) > 10_000:  # forget quiet addresses
                for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - window_seconds]:
                    del self._seen[key]
            return True


LIMITER = AddressLimiter()


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(sessions.COOKIE, token, max_age=session_limits()["session_days"] * 86_400, path="/",
                        httponly=True, samesite="strict", secure=is_https(request))


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's CSRF token, and whether it is new (then the response must set the cookie)."""
    held = request.cookies.get(CSRF_COOKIE, "")
    return (held, False) if len(held) >= 32 else (secrets.token_urlsafe(32), True)


def set_csrf_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, samesite="strict", secure=is_https(request))


def same_origin(request: Request) -> bool:
    """The post came from a page of this site: its Origin (sent by every current browser with a form
    post), or its Referer when a browser sent no Origin, names this scheme, host and port."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == own
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == own
    return False


def _lang(value: str | None) -> str:
    return value if value in LANGS else "th"


def _page(request: Request, lang: str, next_path: str, status: int = 200, error: str | None = None,
          username: str = "") -> HTMLResponse:
    token, new = csrf_token(request)
    response = HTMLResponse(forms.page(lang, token, next_path, error, username), status_code=status,
                            headers={"Cache-Control": "no-store"})
    if new:
        set_csrf_cookie(response, request, token)
    return response


async def sign_in(request: Request) -> Response:
    if request.method == "GET":
        return _page(request, _lang(request.query_params.get("lang")), request.query_params.get("next", "/"))
    address = request.client.host if request.client else ""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return Response(status_code=413)
    fields = await request.form()
    lang, next_path = _lang(fields.get("lang")), forms.safe_next(fields.get("next"))
    username = str(fields.get("username") or "").strip()[:64]
    password = str(fields.get("password") or "")
    engine = state.engine()
    if not same_origin(request) or not hmac.compare_digest(str(fields.get(forms.CSRF_FIELD) or ""),
                                                           request.cookies.get(CSRF_COOKIE, "") or "\0"):
        await run_in_threadpool(audit.log, engine, username or "?", "sign_in_failed", "",
                                f"refused: not posted from this site's form ({address})")
        return _page(request, lang, next_path, 403, t("signin_csrf", lang), username)
    limits = sign_in_limits()
    if not LIMITER.allow(address, int(limits["attempts_per_address"]), 60 * float(limits["window_minutes"])):
        await run_in_threadpool(audit.log, engine, username or "?", "sign_in_failed", "",
                                f"refused: too many attempts from {address}")
        response = _page(request, lang, next_path, 429,
                         t("signin_rate", lang).format(minutes=limits["window_minutes"]), username)
        response.headers["Retry-After"] = str(int(60 * float(limits["window_minutes"])))
        return response
    try:
        await run_in_threadpool(accounts.authenticate, engine, username, password[:1024],
                                state.national_totals())
    except accounts.SignInRefused as refusal:
        return _page(request, lang, next_path, 401, t(f"sign_in_{refusal.reason}", lang), username)
    finally:
        del password
    token = await run_in_threadpool(sessions.start, engine, username, request.headers.get("user-agent", ""),
                                    address)
    response = RedirectResponse(next_path, status_code=303, headers={"Cache-Control": "no-store"})
    set_session_cookie(response, request, token)
    return response
