"""Behind the repo's own nginx config (Debian's nginx, on free ports, stopped after), as production runs it:
nginx terminates HTTPS and passes `X-Forwarded-Proto: https`; uvicorn trusts it from 127.0.0.1, so the
app sees an HTTPS request, checks the Origin against https://, and sets the session cookie Secure. The
front compresses Streamlit's bundles (brotli or gzip, as the browser asks) and lets browsers keep them."""
from __future__ import annotations

import gzip
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bench import front
from data_access import db
from tests.browser_support import ARTIFACTS, AppServer
from tests.conftest import PASSWORDS

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(request):
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=front.insecure_context()))
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # 303, 401, 403: answers too
        return answer


@pytest.fixture
def behind_nginx(accounts_url, tmp_path):
    """The repo's deploy/nginx/warroom.conf (bench/front.py puts this machine's ports in) before a server."""
    if not front.available():
        if os.environ.get("WARROOM_REQUIRE_NGINX") == "1":
            pytest.fail(f"nginx is required here (WARROOM_REQUIRE_NGINX=1) but {front.NGINX} is missing")
        pytest.skip("no nginx (apt-get install nginx)")
    if os.environ.get("WARROOM_REQUIRE_NGINX") == "1" and not front.BROTLI.exists():
        pytest.fail(f"the front's brotli module is required here but {front.BROTLI} is missing "
                    "(apt-get install libnginx-mod-http-brotli-filter)")
    server = AppServer(accounts_url, "streamlit-nginx.log", WARROOM_AUTH="accounts")
    server.start()
    try:
        with front.nginx([server.port], tmp_path / "nginx") as base:
            yield base, int(base.rsplit(":", 1)[1])
    finally:
        server.stop()
        log = tmp_path / "nginx" / "error.log"
        (ARTIFACTS / "nginx-error.log").write_text(log.read_text() if log.exists() else "")


def test_behind_nginx_the_session_cookie_is_secure_and_the_origin_is_https(behind_nginx, accounts_url):
    base, port = behind_nginx
    page = _open(urllib.request.Request(f"{base}/sign-in"))
    csrf_cookie = next(v for k, v in page.headers.items() if k.lower() == "set-cookie" and v.startswith("warroom_csrf="))
    assert "Secure" in csrf_cookie and page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = csrf_cookie.split(";")[0].split("=", 1)[1]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode()).group(1)
    assert csrf == token

    def post(origin: str):
        body = urllib.parse.urlencode({"username": "gov30", "password": PASSWORDS["gov30"], "csrf": csrf,
                                       "next": "/"}).encode()
        return _open(urllib.request.Request(f"{base}/sign-in", data=body, method="POST", headers={
            "Origin": origin, "Cookie": f"warroom_csrf={token}",
            "Content-Type": "application/x-www-form-urlencoded"}))

    assert post(f"http://127.0.0.1:{port}").status == 403  # the site is https://… to the app now
    answer = post(f"https://127.0.0.1:{port}")
    assert answer.status == 303
    session = next(v for k, v in answer.headers.items() if k.lower() == "set-cookie" and v.startswith("warroom_session="))
    flags = [f.strip().lower() for f in session.split(";")[1:]]
    assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags
    from data_access import sessions
    found = sessions.resume(db.engine_for(accounts_url), session.split(";")[0].split("=", 1)[1])
    assert found.viewer.name == "gov30"


def _bundle(base: str) -> str:
    """The address of the biggest script the app's page loads (Streamlit's main bundle)."""
    html = _open(urllib.request.Request(f"{base}/")).read().decode()
    return urllib.parse.urljoin(base + "/", re.search(r'<script[^>]+src="([^"]+\.js)"', html).group(1))


def test_the_front_compresses_streamlits_bundles_and_lets_browsers_keep_them(behind_nginx):
    base, _ = behind_nginx
    url = _bundle(base)
    plain = _open(urllib.request.Request(url, headers={"Accept-Encoding": "identity"}))
    raw = plain.read()
    assert plain.status == 200 and "Content-Encoding" not in plain.headers
    for encoding in ["gzip"] + (["br"] if front.BROTLI.exists() else []):
        answer = _open(urllib.request.Request(url, headers={"Accept-Encoding": encoding}))
        body = answer.read()
        assert answer.headers["Content-Encoding"] == encoding, (encoding, dict(answer.headers))
        assert len(body) < len(raw) / 2, (encoding, len(body), len(raw))
        assert "max-age=31536000" in answer.headers["Cache-Control"], answer.headers["Cache-Control"]
    assert gzip.decompress(_open(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})).read()) == raw
    page = _open(urllib.request.Request(f"{base}/", headers={"Accept-Encoding": "gzip"}))
    assert page.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" not in (page.headers.get("Cache-Control") or "")  # the page itself is never kept


def test_the_front_lets_browsers_keep_the_map_geometry_as_the_app_says(behind_nginx):
    """Through nginx, the geometry keeps the app's Cache-Control (a year, immutable, for a URL with its
    content hash) and comes compressed; nginx adds no second Cache-Control or Expires of its own."""
    from ui import geo
    base, _ = behind_nginx
    answer = _open(urllib.request.Request(f"{base}/{geo.geometry_url('province')}", headers={"Accept-Encoding": "gzip"}))
    assert answer.status == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert answer.headers.get("Expires") is None
    assert b'"FeatureCollection"' in gzip.decompress(answer.read())
