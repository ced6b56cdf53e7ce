"""Behind a real nginx (Debian's, started here on a free port, stopped after), as production runs it:
nginx terminates HTTPS and passes `X-Forwarded-Proto: https`; uvicorn trusts it from 127.0.0.1, so the
app sees an HTTPS request, checks the Origin against https://, and sets the session cookie Secure."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from data_access import db
from tests.browser_support import ARTIFACTS, AppServer, free_port
from tests.conftest import PASSWORDS

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = """
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{app};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;  # as the TLS server block of deploy/nginx does
        }}
    }}
}}
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(request):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # 303, 401, 403: answers too
        return answer


@pytest.fixture
def behind_nginx(accounts_url, tmp_path):
    if not os.path.exists(NGINX):
        if os.environ.get("WARROOM_REQUIRE_NGINX") == "1":
            pytest.fail(f"nginx is required here (WARROOM_REQUIRE_NGINX=1) but {NGINX} is missing")
        pytest.skip("no nginx (apt-get install nginx)")
    server = AppServer(accounts_url, "streamlit-nginx.log", WARROOM_AUTH="accounts")
    server.start()
    port = free_port()
    (tmp_path / "nginx.conf").write_text(CONF.format(folder=tmp_path, port=port, app=server.port))
    proc = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"nginx did not come up: {(tmp_path / 'error.log').read_text() if (tmp_path / 'error.log').exists() else ''}")
        yield base, port
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        server.stop()
        (ARTIFACTS / "nginx-error.log").write_text((tmp_path / "error.log").read_text()
                                                   if (tmp_path / "error.log").exists() else "")


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
