"""The production front on this machine: the repo's own `deploy/nginx/warroom.conf`, run by Debian's nginx
on free 127.0.0.1 ports in front of local War Room servers, for the benchmark and the tests.

Only what ties the file to a real host is replaced: the replicas' addresses (the local servers' ports), the
listening ports (127.0.0.1 only), the cache folder, and the certificate (a throw-away self-signed one made
with openssl). Everything else (compression, caching, headers, the websocket route) is the file as deployed.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx" / "warroom.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Debian's libnginx-mod-http-brotli-filter; the deployed config uses `brotli` when the module is loaded
# (Debian loads it from /etc/nginx/modules-enabled/), so the local run loads it the same way.
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")

MAIN = """
daemon off;
user {user};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{modules}
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    # Which replica served each request ($upstream_addr: every one tried, "a, b" when nginx moved on),
    # for which browser ($warroom_route, the sticky key), and whether it was a websocket upgrade (101).
    log_format warroom '$remote_addr [$time_local] "$request" $status upstream=$upstream_addr '
                       'route=$warroom_route upgrade=$http_upgrade rt=$request_time';
    access_log {folder}/access.log warroom;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/warroom.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available() -> bool:
    return Path(NGINX).exists()


def render(text: str, app_ports: list[int], https_port: int, http_port: int, folder: Path,
           cert: Path, key: Path) -> str:
    """warroom.conf with this machine's ports, folder and certificate in place of the production host's."""
    upstream = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=15s;" for p in app_ports)
    replacements = [  # (pattern, replacement, must be found)
        (r"(?m)^    server 127\.0\.0\.1:\d+ [^\n]*;\n(?:    server 127\.0\.0\.1:\d+ [^\n]*;\n)*", upstream + "\n", True),
        (r"/var/cache/nginx/warroom", str(folder / "cache"), True),
        (r"(?m)^\s*listen \[::\]:\d+[^;]*;\n", "", False),
        (r"(?m)^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{http_port};", True),
        (r"(?m)^(\s*)listen 443 ([^;]*);", rf"\g<1>listen 127.0.0.1:{https_port} \g<2>;", True),
        (r"(?m)^(\s*ssl_certificate)\s+\S+;", rf"\g<1> {cert};", True),
        (r"(?m)^(\s*ssl_certificate_key)\s+\S+;", rf"\g<1> {key};", True),
    ]
    for pattern, new, required in replacements:
        text, count = re.subn(pattern, lambda _m, new=new: _m.expand(new), text)
        if required and not count:
            raise ValueError(f"{CONF} no longer has what bench/front.py replaces: {pattern}")
    return text


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def spki(cert: Path) -> str:
    """The base64 SHA-256 of the certificate's public key, for Chromium's
    `--ignore-certificate-errors-spki-list`: Chromium then trusts the throw-away certificate as it would a
    real one. (With Playwright's ignore_https_errors alone, every response carries a certificate error,
    and Chromium keeps none of them in its disk cache: each reload would fetch the map's geometry again,
    which a governor's browser, on the ministry's real certificate, does not.)"""
    der = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True)
    key = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=der.stdout, check=True,
                         capture_output=True)
    return base64.b64encode(hashlib.sha256(key.stdout).digest()).decode()


def insecure_context() -> ssl.SSLContext:
    """For urllib against the throw-away certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@contextlib.contextmanager
def nginx(app_ports: list[int], folder: Path):
    """Run the deployed config in front of `app_ports`; yields the https base URL (https://127.0.0.1:port)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = _certificate(folder)
    https_port, http_port = free_port(), free_port()
    site = render(CONF.read_text(), app_ports, https_port, http_port, folder, cert, key)
    if not BROTLI.exists():  # gzip alone, as docs/DEPLOYMENT.md says for a front without the module
        site = re.sub(r"(?m)^[ \t]*brotli[^;]*;\n", "", site)  # [^;]* spans a directive's continuation lines
    (folder / "warroom.conf").write_text(site)
    modules = f"load_module {BROTLI};" if BROTLI.exists() else ""
    # The workers run as this user (root here), so they can write the cache in a private temp folder.
    user = pwd.getpwuid(os.geteuid()).pw_name
    (folder / "nginx.conf").write_text(MAIN.format(folder=folder, modules=modules, user=user))
    proc = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx stopped: {_log(folder)}")
            try:
                if urllib.request.urlopen(f"{base}/healthz", timeout=2, context=insecure_context()).status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not answer /healthz: {_log(folder)}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _log(folder: Path) -> str:
    log = folder / "error.log"
    return log.read_text()[-2000:] if log.exists() else "(no error log)"
