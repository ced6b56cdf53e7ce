"""Security headers on every HTTP response, as ASGI middleware (the websocket passes untouched).

The Content-Security-Policy is the strictest that Streamlit 1.67 and the app's charts still work under
(tests/test_web_browser.py fails on any violation the browser reports): scripts from this site only,
plus the one inline script of Streamlit's index.html by its hash, and WebAssembly (Streamlit compiles
a WebAssembly module of its own), but no JavaScript eval: the charts are Vega-Lite, whose expressions
Streamlit runs through vega-interpreter; styles inline (Streamlit's emotion CSS); images, fonts and
map workers from this site, data: and blob:; no plugin, no foreign form target, no <base>. Framing is
refused everywhere but on the wall (`?kiosk=1`), which the origins in `[web] kiosk_frame_ancestors` may
frame (a signage player).
HTML responses also hand the browser its CSRF cookie for the sign-in form (web/signin.py).
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs

import streamlit
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui import config

from . import signin


def _inline_script_hashes() -> str:
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    found = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in found)


def policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {_INLINE} 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "child-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


_INLINE = _inline_script_hashes()


def static_cache_control(scope: Scope) -> str:
    """Files of static/ (map geometry, fonts): a URL with its content's hash (`?v=`, ui/geo.py) is kept
    a year and never asked for again, even on a reload; any other is kept an hour."""
    versioned = bool(parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v"))
    return "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"


def _kiosk(scope: Scope) -> bool:
    return parse_qs(scope.get("query_string", b"").decode("latin-1")).get("kiosk", [""])[0] in ("1", "true")


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = HTTPConnection(scope)
        kiosk = _kiosk(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                ancestors = " ".join(config.load().get("web", {}).get("kiosk_frame_ancestors", ["'self'"])) \
                    if kiosk else "'none'"
                headers["Content-Security-Policy"] = policy(ancestors)
                if not kiosk:
                    headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if request.url.scheme == "https":
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if scope.get("path", "").startswith(f"{scope.get('root_path', '')}/app/static/"):
                    headers["Cache-Control"] = static_cache_control(scope)
                sets = [v for k, v in message["headers"] if k.lower() == b"set-cookie"]
                if headers.get("content-type", "").startswith("text/html") \
                        and len(request.cookies.get(signin.CSRF_COOKIE, "")) < 32 \
                        and not any(v.startswith(signin.CSRF_COOKIE.encode() + b"=") for v in sets):
                    token, _ = signin.csrf_token(request)
                    secure = "; Secure" if request.url.scheme == "https" else ""
                    headers.append("Set-Cookie", f"{signin.CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=Strict{secure}")
            await send(message)

        await self.app(scope, receive, send_with_headers)
