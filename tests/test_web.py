"""The HTTP side (web/): the sign-in route, its CSRF and origin checks, the per-address limit, the
session cookie's flags, the security headers and the health route; in-process through Starlette's
TestClient, on SQLite and PostgreSQL. The browser side is tests/test_web_browser.py."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from data_access import db, schema as s, sessions
from tests.conftest import PASSWORDS
from web import forms, headers, signin

OWN = "http://testserver"


@pytest.fixture
def client(accounts_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setattr(signin, "LIMITER", signin.AddressLimiter())
    app = Starlette(routes=web.routes(), middleware=web.middleware())
    with TestClient(app, base_url=OWN, follow_redirects=False) as c:
        yield c


def _form(client, **query) -> str:
    """GET the form; its CSRF token (the client keeps the cookie)."""
    page = client.get(forms.ROUTE, params=query)
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _post(client, username, password, csrf, origin=OWN, next_path="/overview?lang=en", **extra):
    hdrs = {"origin": origin} if origin else {}
    return client.post(forms.ROUTE, data={"username": username, "password": password, "csrf": csrf,
                                          "next": next_path, "lang": "en", **extra}, headers=hdrs)


def _audit(engine, actor):
    a = s.audit_log
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(a.c.action, a.c.detail).where(a.c.actor == actor)
                                              .order_by(a.c.audit_id))]


def test_a_right_password_starts_a_session_in_a_strict_httponly_cookie(client, accounts_url):
    answer = _post(client, "gov30", PASSWORDS["gov30"], _form(client))
    assert answer.status_code == 303 and answer.headers["location"] == "/overview?lang=en"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(sessions.COOKIE + "="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path", "max-age"} <= flags and "samesite=strict" in cookie.lower()
    assert "secure" not in flags  # plain HTTP (local): a Secure cookie would be dropped
    token = cookie.split(";")[0].split("=", 1)[1]
    found = sessions.resume(db.engine_for(accounts_url), token)
    assert found.viewer.name == "gov30" and found.viewer.prov_code == "30"


def test_over_https_the_cookie_is_secure(accounts_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    app = Starlette(routes=web.routes(), middleware=web.middleware())
    with TestClient(app, base_url="https://warroom.example", follow_redirects=False) as c:
        answer = _post(c, "exec1", PASSWORDS["exec1"], _form(c), origin="https://warroom.example")
    assert answer.status_code == 303
    cookies = answer.headers.get_list("set-cookie")
    assert all("; secure" in c.lower() for c in cookies if c.startswith(sessions.COOKIE))
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_wrong_password_disabled_and_unknown_are_refused_without_a_cookie(client):
    for name, password, reason in (("gov30", "wrong-password-1", "sign_in_invalid"),
                                   ("off1", PASSWORDS["off1"], "sign_in_disabled"),
                                   ("nobody", "whatever-pass-1", "sign_in_invalid")):
        answer = _post(client, name, password, _form(client))
        assert answer.status_code == 401
        assert not any(c.startswith(sessions.COOKIE) for c in answer.headers.get_list("set-cookie"))
        from ui.i18n import t
        assert t(reason, "en") in answer.text
        assert password not in answer.text  # never echoed back, even in the form


@pytest.mark.parametrize("how", ["no token", "another token", "foreign origin", "no origin or referer"])
def test_a_post_from_elsewhere_is_refused_and_audited(client, accounts_url, how):
    csrf = _form(client)
    origin = {"foreign origin": "https://evil.example", "no origin or referer": None}.get(how, OWN)
    token = {"no token": "", "another token": "x" * 43}.get(how, csrf)
    answer = _post(client, "gov30", PASSWORDS["gov30"], token, origin=origin)
    assert answer.status_code == 403
    assert not any(c.startswith(sessions.COOKIE) for c in answer.headers.get_list("set-cookie"))
    assert any("not posted from this site's form" in d for a, d in _audit(db.engine_for(accounts_url), "gov30"))


def test_a_referer_of_this_site_stands_in_for_a_missing_origin(client):
    csrf = _form(client)
    answer = client.post(forms.ROUTE, data={"username": "exec1", "password": PASSWORDS["exec1"], "csrf": csrf},
                         headers={"referer": f"{OWN}/sign-in"})
    assert answer.status_code == 303


def test_too_many_posts_from_one_address_get_429_whatever_the_account(client, accounts_url, monkeypatch):
    monkeypatch.setattr(signin, "sign_in_limits", lambda: {"attempts_per_address": 4, "window_minutes": 10})
    csrf = _form(client)
    codes = [_post(client, f"user{n}", "wrong-password-1", csrf).status_code for n in range(4)]
    assert codes == [401] * 4  # four accounts, one wrong password each: no account is locked
    refused = _post(client, "exec1", PASSWORDS["exec1"], csrf)  # even the right password now waits
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 600
    assert any("too many attempts" in d for a, d in _audit(db.engine_for(accounts_url), "exec1"))


def test_the_limiter_forgets_after_its_window():
    limiter = signin.AddressLimiter()
    assert all(limiter.allow("10.0.0.1", 3, 60, now=t) for t in (0, 1, 2))
    assert not limiter.allow("10.0.0.1", 3, 60, now=30) and limiter.allow("10.0.0.2", 3, 60, now=30)
    assert limiter.allow("10.0.0.1", 3, 60, now=61)


@pytest.mark.parametrize("target, kept", [("/padme?area=30", "/padme?area=30"), ("//evil.example/x", "/"),
                                          ("https://evil.example", "/"), ("/\\evil.example", "/"),
                                          ("", "/"), ("/x\r\nSet-Cookie: a=b", "/")])
def test_only_a_path_of_this_site_is_followed_after_sign_in(target, kept):
    assert forms.safe_next(target) == kept


def test_the_password_appears_in_no_log_no_audit_row_and_no_page(client, accounts_url, caplog):
    secret = "a-password-never-to-be-seen"
    caplog.set_level(logging.DEBUG)
    _post(client, "gov30", secret, _form(client))
    _post(client, "gov30", secret, "bad-token")
    a = s.audit_log
    with db.engine_for(accounts_url).connect() as conn:
        rows = conn.execute(select(a)).all()
    assert not any(secret in str(tuple(r)) for r in rows)
    assert secret not in caplog.text


def test_every_response_carries_the_security_headers(client):
    for path in (forms.ROUTE, "/healthz"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "form-action 'self'" in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert "no-store" in client.get(forms.ROUTE).headers["cache-control"]


def test_versioned_static_files_are_kept_a_year_and_others_an_hour():
    """The maps' GeoJSON URL names its content (?v=, ui/geo.py): browsers keep it without asking again,
    even on a reload (a governor's 4G pays it once); fonts and other static files are asked for again
    after an hour; nothing else gets a Cache-Control from the middleware. (Through the real server and
    nginx: tests/test_web_nginx.py.)"""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from ui import geo
    from web.headers import SecurityHeaders
    plain = Starlette(routes=[Route("/{path:path}", lambda request: PlainTextResponse("x"))])
    with TestClient(SecurityHeaders(plain), base_url=OWN) as c:
        assert c.get("/" + geo.geometry_url("district", "30")).headers["Cache-Control"] == \
            "public, max-age=31536000, immutable"
        assert c.get("/app/static/fonts/sarabun-thai-400-normal.woff2").headers["Cache-Control"] == "public, max-age=3600"
        assert "Cache-Control" not in c.get("/static/js/index.js").headers  # Streamlit's own say (hashed names)
        assert "Cache-Control" not in c.get("/overview?v=1").headers


def test_the_wall_alone_may_be_framed_by_the_configured_origins(client):
    answer = client.get("/healthz", params={"kiosk": "1"})
    assert "frame-ancestors 'self'" in answer.headers["content-security-policy"]
    assert "x-frame-options" not in answer.headers
    assert headers.policy().endswith("frame-ancestors 'none'")


def test_the_sign_in_page_escapes_what_it_echoes(client):
    page = client.get(forms.ROUTE, params={"next": '/"><script>alert(1)</script>', "lang": "en"})
    assert "<script>" not in page.text and 'lang="en"' in page.text


def test_health_says_ok_with_the_schema_and_503_when_the_database_is_gone(client, monkeypatch, tmp_path):
    answer = client.get("/healthz")
    found = answer.json()
    assert answer.status_code == 200 and found["status"] == "ok" and found["database"] == "ok"
    assert found["schema"] == s.SCHEMA_VERSION and found["standby"] == {"state": "off"}  # no read URL set
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["status"] == "down" and "Traceback" not in answer.text
    empty = tmp_path / "empty.db"
    monkeypatch.setenv("WARROOM_DB_URL", f"sqlite:///{empty}")
    assert client.get("/healthz").status_code == 503
