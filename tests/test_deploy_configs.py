"""deploy/ and docs/DEPLOYMENT.md agree with each other and with the app, checked offline (no nginx, no
docker): replica ports, sticky sessions, the websocket, upload size, health checks, the image's
contents, every `python -m data_access` command and every Streamlit setting they name, and the alerts' delivery runner
(its timer, service and cron line)."""
import ast
import configparser
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import crossplane
import pytest
import streamlit.config
import yaml

from data_access.__main__ import _parser

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = DEPLOY / "nginx" / "warroom.conf"
UNIT = DEPLOY / "systemd" / "warroom@.service"
DOCS = [ROOT / "docs" / "DEPLOYMENT.md", DEPLOY / "README.md"]
SETTING = re.compile(r"\b((?:server|browser|client|runner|theme|logger|global|magic|mapbox)\.[A-Za-z]+)\b")
SIZES = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}


# --- helpers -------------------------------------------------------------------------------------
def walk(directives: list[dict]):
    for d in directives:
        yield d
        yield from walk(d.get("block", []))


def inside(block: dict, name: str) -> list[dict]:
    return [d for d in block.get("block", []) if d["directive"] == name]


def nginx_number(text: str, units: dict[str, int]) -> int:
    number, unit = re.fullmatch(r"(\d+)([a-zA-Z]?)", text).groups()
    return int(number) * units[unit.lower()]


def option_names() -> set[str]:
    return set(streamlit.config.get_config_options())


def streamlit_flags(args: list[str]) -> dict[str, str]:
    """`--server.port 8501` pairs of a `streamlit run` command line."""
    return {a[2:]: args[i + 1] for i, a in enumerate(args) if a.startswith("--") and "." in a}


# --- nginx ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nginx(tmp_path_factory) -> list[dict]:
    """The site's directives, parsed inside an http {} block so that nginx's context rules apply."""
    main = tmp_path_factory.mktemp("nginx") / "nginx.conf"
    main.write_text(f"events {{}}\nhttp {{\n    include {NGINX};\n}}\n")
    parsed = crossplane.parse(str(main))
    assert parsed["status"] == "ok", parsed["errors"]
    return next(c for c in parsed["config"] if c["file"] == str(NGINX))["parsed"]


@pytest.fixture(scope="module")
def upstream(nginx) -> dict:
    (found,) = [d for d in nginx if d["directive"] == "upstream"]
    return found


def locations(nginx) -> dict[str, dict]:
    return {" ".join(d["args"]): d for d in walk(nginx) if d["directive"] == "location"}


def upstream_ports(upstream) -> set[int]:
    servers = [d["args"][0] for d in inside(upstream, "server")]
    assert all(s.startswith("127.0.0.1:") for s in servers), servers
    return {int(s.rsplit(":", 1)[1]) for s in servers}


def test_the_upstream_has_two_or_more_replicas_and_every_proxy_pass_uses_it(nginx, upstream):
    assert len(upstream_ports(upstream)) >= 2
    targets = [d["args"][0] for d in walk(nginx) if d["directive"] == "proxy_pass"]
    assert targets and all(t.startswith(f"http://{upstream['args'][0]}") for t in targets), targets


def test_sessions_are_sticky(nginx, upstream):
    """ip_hash, NGINX Plus sticky, or a hash of a cookie that nginx itself hands out."""
    if {d["directive"] for d in upstream["block"]} & {"ip_hash", "sticky"}:
        return
    (hashed,) = inside(upstream, "hash")
    key = hashed["args"][0]
    maps = {d["args"][1]: d["args"][0] for d in nginx if d["directive"] == "map"}
    cookie = maps[key].removeprefix("$cookie_")
    assert maps[key].startswith("$cookie_") and "consistent" in hashed["args"], hashed
    set_cookies = [" ".join(d["args"]) for d in walk(nginx)
                   if d["directive"] == "add_header" and d["args"][0].lower() == "set-cookie"]
    assert any(f"{cookie}={key}" in c for c in set_cookies), set_cookies
    # add_header in a location replaces the server's: none may drop the cookie.
    for where in locations(nginx).values():
        headers = [d["args"][0].lower() for d in inside(where, "add_header")]
        assert not headers or "set-cookie" in headers, where["args"]


def test_the_websocket_location_upgrades_and_stays_open(nginx):
    stream = locations(nginx)["/_stcore/stream"]
    assert inside(stream, "proxy_http_version")[0]["args"] == ["1.1"]
    headers = {d["args"][0].lower(): d["args"][1] for d in inside(stream, "proxy_set_header")}
    assert headers["upgrade"] == "$http_upgrade"
    connection = headers["connection"]
    if connection.startswith("$"):  # a map of $http_upgrade, as nginx documents
        (mapped,) = [d for d in nginx if d["directive"] == "map" and d["args"][1] == connection]
        entries = [[e["directive"], *e["args"]] for e in mapped["block"]]
        assert mapped["args"][0] == "$http_upgrade" and ["default", "upgrade"] in entries
    else:
        assert connection.lower() == "upgrade"
    assert nginx_number(inside(stream, "proxy_read_timeout")[0]["args"][0], SECONDS) >= 3600


def test_every_proxied_location_passes_the_public_host(nginx):
    """A location with any proxy_set_header inherits none, and Streamlit checks Origin against Host."""
    for path, where in locations(nginx).items():
        if inside(where, "proxy_pass"):
            hosts = [d["args"][1] for d in inside(where, "proxy_set_header") if d["args"][0].lower() == "host"]
            assert hosts in (["$host"], ["$http_host"]), path


def test_uploads_fit_through_the_proxy(nginx):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    default = streamlit.config.get_config_options()["server.maxUploadSize"].default_val
    max_mb = config.get("server", {}).get("maxUploadSize", default)
    (body,) = [d for d in walk(nginx) if d["directive"] == "client_max_body_size"]
    assert nginx_number(body["args"][0], SIZES) >= max_mb * 1024 ** 2


def test_health_static_and_tls(nginx):
    found = locations(nginx)
    health = [d["args"][0] for w in found.values() for d in inside(w, "proxy_pass")]
    assert "http://warroom/healthz" in health, health  # the app's own check, which reads the database
    assert inside(found["/app/static/"], "proxy_cache")
    tls = [d for d in nginx if d["directive"] == "server"
           and any("ssl" in x["args"] for x in inside(d, "listen"))]
    assert tls and inside(tls[0], "ssl_certificate") and inside(tls[0], "ssl_certificate_key")


# --- systemd -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT, encoding="utf-8")
    return parser


def test_the_unit_runs_one_loopback_replica_per_port_as_a_plain_user(unit):
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith(".venv/bin/python") and argv[1:5] == ["-m", "streamlit", "run", "serve.py"], argv
    flags = streamlit_flags(argv)
    assert flags["server.port"] == "%i" and flags["server.address"] == "127.0.0.1"
    assert flags["server.headless"] == "true"
    assert set(flags) <= option_names()
    assert service.get("User") not in (None, "", "root", "0")
    assert service["Restart"] == "on-failure" and service["WorkingDirectory"] and service["EnvironmentFile"]


def test_the_systemd_instances_named_are_the_upstream_ports(upstream):
    for text in (UNIT.read_text(encoding="utf-8"), DOCS[0].read_text(encoding="utf-8")):
        enabled = re.search(r"systemctl enable --now ((?:warroom@\d+ ?)+)", text).group(1)
        assert {int(p) for p in re.findall(r"warroom@(\d+)", enabled)} == upstream_ports(upstream)


# --- compose and the image -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def replicas(compose) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if "streamlit" in (s.get("command") or [])}


def test_compose_replicas_are_the_upstream_and_report_health(compose, upstream):
    apps = replicas(compose)
    ports = {}
    for name, service in apps.items():
        flags = streamlit_flags(service["command"])
        assert set(flags) <= option_names(), name
        ports[name] = int(flags["server.port"])
        assert flags["server.address"] == "127.0.0.1", name
        # They share nginx's network namespace: that is how 127.0.0.1 reaches them.
        proxy = service["network_mode"].removeprefix("service:")
        assert str(NGINX.relative_to(DEPLOY)) in " ".join(compose["services"][proxy]["volumes"])
        check = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{ports[name]}/_stcore/health" in check, name
    assert len(apps) >= 2 and set(ports.values()) == upstream_ports(upstream)


def test_compose_initialises_postgres_before_the_replicas_start(compose):
    services = compose["services"]
    inits = [n for n, s in services.items() if s.get("command") == ["python", "-m", "data_access", "init"]]
    assert len(inits) == 1
    (init,) = inits
    databases = [n for n, s in services.items() if str(s.get("image", "")).startswith("postgres")]
    assert len(databases) == 1 and "pg_isready" in " ".join(services[databases[0]]["healthcheck"]["test"])
    assert services[init]["depends_on"][databases[0]]["condition"] == "service_healthy"
    for name, service in replicas(compose).items():
        assert service["depends_on"][init]["condition"] == "service_completed_successfully", name
    for name in [init, *replicas(compose)]:
        url = services[name]["environment"]["WARROOM_DB_URL"]
        assert url.startswith("postgresql+psycopg://"), name
        assert re.search(r"@([\w-]+):5432/", url).group(1) == databases[0], name


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_image_is_python_311_non_root_with_a_healthcheck():
    steps = dockerfile()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(op == "HEALTHCHECK" and "/_stcore/health" in args for op, args in steps)
    assert ("EXPOSE", "8501") in steps
    assert any(op == "RUN" and "-r requirements.txt" in args for op, args in steps)


def _local_imports(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if (ROOT / n).is_dir() or (ROOT / f"{n}.py").is_file()}


def test_the_image_copies_everything_the_app_imports_and_no_secrets():
    sources = [args.split()[:-1] for op, args in dockerfile() if op == "COPY"]
    copied = {Path(s.rstrip("/")) for group in sources for s in group}
    assert all((ROOT / c).exists() for c in copied), copied
    assert not any("secrets" in str(c) for c in copied)
    needed, todo = set(), {"app", "pages"}
    while todo:  # follow imports from app.py and the page files through the project's own packages
        name = todo.pop()
        needed.add(name)
        files = [ROOT / f"{name}.py"] if (ROOT / f"{name}.py").is_file() else list((ROOT / name).rglob("*.py"))
        todo |= _local_imports(files) - needed
    missing = {n for n in needed if Path(n) not in copied and Path(f"{n}.py") not in copied}
    assert not missing, missing
    assert {Path("static"), Path(".streamlit/config.toml"), Path(".streamlit/warroom.toml")} <= copied


# --- the documents -------------------------------------------------------------------------------
def _subcommands(parser) -> dict:
    (sub,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return sub.choices


def test_every_data_access_command_in_the_docs_exists():
    commands = _subcommands(_parser())
    mentioned = 0
    for doc in DOCS:
        for tail in re.findall(r"python -m data_access ([^`\n|;&#>]*)", doc.read_text(encoding="utf-8")):
            words = tail.split()
            if not words:
                continue  # the command line named in general
            assert words[0] in commands, f"{doc.name}: python -m data_access {tail}"
            if words[0] == "users" and len(words) > 1 and not words[1].startswith(("…", ".")):
                assert words[1] in _subcommands(commands["users"]), f"{doc.name}: {tail}"
            mentioned += 1
    assert mentioned >= 10


def test_every_data_access_command_line_in_the_docs_parses():
    """Whole lines in code blocks, arguments and all, through the CLI's own argparse."""
    for doc in DOCS:
        blocks = re.findall(r"```([\w-]*)\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)
        shell = "\n".join(body for lang, body in blocks if lang in ("", "sh", "bash"))
        for line in re.sub(r"\\\n", " ", shell).splitlines():
            if "-m data_access" not in line:
                continue
            words = shlex.split(line.split("-m data_access", 1)[1], comments=True)
            words = words[:next((i for i, w in enumerate(words) if w in ("|", "&&", ";", ">")), len(words))]
            try:
                _parser().parse_args(words)
            except SystemExit:
                pytest.fail(f"{doc.name}: `python -m data_access {' '.join(words)}` does not parse")


def test_every_streamlit_setting_in_the_docs_exists():
    names = option_names()
    for doc in DOCS:
        found = set(SETTING.findall(doc.read_text(encoding="utf-8")))
        assert found <= names, f"{doc.name}: unknown Streamlit settings {sorted(found - names)}"
    assert len(set(SETTING.findall(DOCS[0].read_text(encoding="utf-8")))) >= 10


def test_the_front_compresses_scripts_and_styles_and_browsers_keep_streamlits_hashed_bundles(nginx):
    """Streamlit sends its bundles uncompressed: the front must compress them (brotli and gzip) for tablets
    on 4G, and cache the content-hashed /static/ files; the page itself and the websocket are never kept."""
    server = next(d for d in nginx if d["directive"] == "server" and inside(d, "ssl_certificate"))
    for module in ("gzip", "brotli"):
        assert inside(server, module)[0]["args"] == ["on"], module
        types = set(inside(server, f"{module}_types")[0]["args"])
        assert {"application/javascript", "text/javascript", "text/css", "application/json"} <= types, module
    where = locations(nginx)
    assert nginx_number(inside(where["/static/"], "expires")[0]["args"][0], SECONDS) >= 30 * 86400
    assert inside(where["/static/"], "proxy_cache")[0]["args"] == ["warroom_static"]
    assert not inside(where["/"], "expires") and not inside(where["/_stcore/stream"], "proxy_cache")
    assert any("http2" in d["args"] for d in inside(server, "listen")), "one connection for ~130 requests"


# --- the delivery runner of alerts and subscriptions ---------------------------------------------
NOTIFY_SERVICE = DEPLOY / "systemd" / "warroom-notify.service"
NOTIFY_TIMER = DEPLOY / "systemd" / "warroom-notify.timer"
NOTIFY_CRON = DEPLOY / "cron" / "warroom-notify"
SPAN_UNITS = {"us": 1e-6, "usec": 1e-6, "ms": 1e-3, "msec": 1e-3, "": 1, "s": 1, "sec": 1, "second": 1,
              "seconds": 1, "m": 60, "min": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600,
              "hours": 3600}


def unit_file(path: Path) -> configparser.ConfigParser:
    """A systemd unit file: INI-like, keys case-sensitive, no interpolation."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    assert parser.read(path, encoding="utf-8") == [str(path)], path
    return parser


def time_span(text: str) -> float:
    """A systemd time span ("1min", "30s", "1min 30s", "60") in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text.strip().lower())
    assert parts and "".join(n + u for n, u in parts) == re.sub(r"\s+", "", text.lower()), text
    return sum(float(n) * SPAN_UNITS[u] for n, u in parts)


def calendar_period(expr: str) -> float:
    """Seconds between two elapses of an OnCalendar expression, for the forms that fire every N minutes or
    seconds ("minutely", "*:*:00", "*-*-* *:*:00", "*:0/1"); any other form fails here, to be read by hand."""
    expr = expr.strip()
    if expr.lower() == "minutely":
        return 60
    time_part = expr.split()[-1]
    date_part = expr.split()[0] if " " in expr else "*-*-*"
    assert date_part in ("*-*-*", "*-*-* "), f"a date in OnCalendar={expr}"
    hour, minute, *second = time_part.split(":")
    assert hour == "*", f"OnCalendar={expr} fires only at some hours"
    second = second[0] if second else "00"
    if second == "*":
        return 1
    assert re.fullmatch(r"0?0", second), f"OnCalendar={expr}: read it by hand"
    if minute == "*":
        return 60
    step = re.fullmatch(r"(?:\*|0?0)/(\d+)", minute)
    assert step, f"OnCalendar={expr}: read it by hand"
    return 60 * int(step.group(1))


def test_the_notify_service_runs_the_runner_as_the_replicas_do(unit):
    notify = unit_file(NOTIFY_SERVICE)["Service"]
    replica = unit["Service"]
    argv = shlex.split(notify["ExecStart"])
    assert argv[0] == shlex.split(replica["ExecStart"])[0] and argv[0].endswith(".venv/bin/python")
    assert argv[1:] == ["-m", "data_access", "notify"], argv
    assert argv[3] in _subcommands(_parser())
    _parser().parse_args(argv[3:])
    assert notify["Type"] == "oneshot"  # one run, then exit: the timer starts the next
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile"):
        assert notify[key] == replica[key], key
    assert notify["User"] not in ("", "root", "0")


def test_the_notify_timer_starts_the_service_every_minute_and_catches_up():
    timer = unit_file(NOTIFY_TIMER)
    section = timer["Timer"]
    assert section.get("Unit", NOTIFY_TIMER.stem + ".service") == NOTIFY_SERVICE.name
    periods = [calendar_period(section["OnCalendar"])] if "OnCalendar" in section else []
    periods += [time_span(section[k]) for k in ("OnUnitActiveSec", "OnUnitInactiveSec") if k in section]
    assert periods and max(periods) <= 60, periods
    assert section["Persistent"].lower() in ("true", "yes", "on", "1")  # a run missed while off happens at boot
    assert timer["Install"]["WantedBy"] == "timers.target"


def cron_entries() -> list[str]:
    lines = [line.strip() for line in NOTIFY_CRON.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")
            and not re.fullmatch(r"[A-Z_]+=.*", line)]


def test_the_cron_line_runs_the_same_command_every_minute_into_syslog(unit):
    notify = unit_file(NOTIFY_SERVICE)["Service"]
    (entry,) = cron_entries()
    *schedule, user, command = entry.split(None, 6)
    assert schedule[0] in ("*", "*/1") and schedule[1:] == ["*", "*", "*", "*"], schedule
    assert user == notify["User"]
    assert notify["ExecStart"] in command  # the very command of the timer's service
    assert f"cd {notify['WorkingDirectory']}" in command and notify["EnvironmentFile"] in command
    assert re.search(r"2>&1\s*\|\s*logger\b", command), "its output, errors too, goes to syslog"
    assert "%" not in command  # cron would read it as a newline
    subprocess.run(["sh", "-n", "-c", command], check=True)  # sh can read it
    assert NOTIFY_CRON.read_text(encoding="utf-8").endswith("\n")  # cron ignores a last line without one


def test_the_docs_name_the_runners_files_and_how_to_enable_them():
    deployment, readme = (d.read_text(encoding="utf-8") for d in DOCS)
    for name in (NOTIFY_SERVICE.name, NOTIFY_TIMER.name, "cron/warroom-notify"):
        assert name in deployment and name in readme, name
    assert "systemctl enable --now warroom-notify.timer" in deployment
    assert "python -m data_access notify" in deployment
