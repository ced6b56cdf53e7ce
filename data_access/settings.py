"""Where the database is, resolved the same way for the app, the CLI and the tests.

Order: the environment variable WARROOM_DB_URL, then `[connections.warroom] url` in
`.streamlit/secrets.toml` (the working directory's, then the project's, then ~/.streamlit's — the places
Streamlit itself reads), then the embedded default, a SQLite file under `var/`. Only the embedded
default is ever seeded automatically: a configured database is production and is never written to
without an explicit command.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_PATH = PROJECT_ROOT / "var" / "warroom.db"
ENV_VAR = "WARROOM_DB_URL"
SCALE_VAR = "WARROOM_DEMO_SCALE"  # the embedded demo's size: demo (default), test (small), national


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    source: str  # "env", "secrets" or "embedded": said in the UI and logs, never the URL itself

    @property
    def is_embedded(self) -> bool:
        return self.source == "embedded"


def _secrets_files() -> list[Path]:
    return [Path.cwd() / ".streamlit" / "secrets.toml",
            PROJECT_ROOT / ".streamlit" / "secrets.toml",
            Path.home() / ".streamlit" / "secrets.toml"]


def _url_from_secrets() -> str | None:
    for path in _secrets_files():
        if path.is_file():
            with path.open("rb") as fh:
                url = tomllib.load(fh).get("connections", {}).get("warroom", {}).get("url")
            if url:
                return str(url)
    return None


def resolve() -> DatabaseSettings:
    if url := os.environ.get(ENV_VAR, "").strip():
        return DatabaseSettings(url, "env")
    if url := _url_from_secrets():
        return DatabaseSettings(url, "secrets")
    return DatabaseSettings(f"sqlite:///{EMBEDDED_PATH}", "embedded")


def demo_scale() -> str:
    return os.environ.get(SCALE_VAR, "").strip() or "demo"


WARROOM_TOML = PROJECT_ROOT / ".streamlit" / "warroom.toml"
IMPORT_LIMITS = {
    "max_xlsx_mb": 600,          # a workbook's parts, uncompressed, in all (1,048,576 rows of 12 cells ≈ 550 MB)
    "max_xlsx_strings_mb": 64,   # its shared strings, which openpyxl holds in memory while it reads
    "max_rows": 1_048_576,       # data rows of an XLSX (Excel's own limit); a CSV streams and has none
    "wait_seconds": 120,         # how long an import waits for another import of the same source
}


def import_limits() -> dict:
    """`[imports]` of .streamlit/warroom.toml over IMPORT_LIMITS (read at each import: an operator's
    change applies to the next file without a restart)."""
    return _section("imports", IMPORT_LIMITS)


SESSION_LIMITS = {
    "idle_minutes": 720,   # a signed-in session idle this long ends (a tablet asleep overnight signs in again)
    "session_days": 7,     # and it ends this long after sign-in, however active
}
SIGN_IN_LIMITS = {
    "attempts_per_address": 20,  # sign-in posts from one address within window_minutes, then 429
    "window_minutes": 10,
}


def _section(name: str, defaults: dict) -> dict:
    values = dict(defaults)
    if WARROOM_TOML.is_file():
        with WARROOM_TOML.open("rb") as fh:
            values.update({k: v for k, v in tomllib.load(fh).get(name, {}).items() if k in values})
    return values


def session_limits() -> dict:
    """`[auth] idle_minutes` and `session_days` over SESSION_LIMITS: one idle rule for the web session
    and for the app's own idle sign-out."""
    return _section("auth", SESSION_LIMITS)


def sign_in_limits() -> dict:
    """`[web]` attempts_per_address and window_minutes over SIGN_IN_LIMITS."""
    return _section("web", SIGN_IN_LIMITS)


STORE_CHECKS = {"integrity_check_minutes": 60}  # the embedded store's PRAGMA quick_check (0: never)


def store_check_limits() -> dict:
    """`[database] integrity_check_minutes` over STORE_CHECKS (data_access.storecheck)."""
    return _section("database", STORE_CHECKS)


REPORTING = {
    "days": {"padme": 15, "cebrs": 15, "thaiqm": 15},  # a quarter's reports are due this many days after it ends
    "due": {},  # "padme:2570:Q1" = "2027-01-20": the ministry set another due date for one source and quarter
}
_DUE_KEY = re.compile(r"(?P<source>[a-z]+):(?P<year>\d{4}):Q(?P<quarter>[1-4])")


def _due_date(key: str, value) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # an unquoted TOML date
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"[reporting] due: {key!r} = {value!r} is not an ISO date (YYYY-MM-DD)")


def reporting_calendar() -> tuple[dict[str, int], dict[str, dt.date]]:
    """`[reporting]` of .streamlit/warroom.toml: the days after a quarter's end each source's reports are
    due (over REPORTING's, source by source) and the due dates set for one source and quarter
    ("padme:2570:Q1" = "2027-01-20"). A misspelt source, key or date is an error, never ignored."""
    section = _section("reporting", {"days": {}, "due": {}})
    for name in ("days", "due"):
        if not isinstance(section[name], dict):
            raise ValueError(f"[reporting] {name} = {section[name]!r} is not a table")
    days = dict(REPORTING["days"])
    for source, value in section["days"].items():
        if source not in days:
            raise ValueError(f"[reporting] days: unknown source {source!r} = {value!r}; "
                             f"expected one of {', '.join(sorted(days))}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"[reporting] days: {source!r} = {value!r} is not a whole number of days (0 or more)")
        days[source] = value
    due: dict[str, dt.date] = {}
    for key, value in {**REPORTING["due"], **section["due"]}.items():
        match = _DUE_KEY.fullmatch(str(key))
        if match is None or match["source"] not in days:
            raise ValueError(f"[reporting] due: {key!r} = {value!r} is not a source:year:quarter key "
                             f"such as \"padme:2570:Q1\" (sources: {', '.join(sorted(days))})")
        due[key] = _due_date(key, value)
    return days, due


# --- a read-only hot standby (data_access/routing.py) ---------------------------------------------
READ_ENV_VAR = "WARROOM_DB_READ_URL"
STANDBY_LIMITS = {
    "standby_max_lag_seconds": 30,  # a standby further behind than this is not read from
    "standby_retry_seconds": 30,    # a standby that did not answer is left alone this long
    "standby_connect_seconds": 2,   # how long to wait for a standby to accept a connection
}


def _read_url_from_secrets() -> str | None:
    for path in _secrets_files():
        if path.is_file():
            with path.open("rb") as fh:
                url = tomllib.load(fh).get("connections", {}).get("warroom", {}).get("read_url")
            if url:
                return str(url)
    return None


def read_url() -> str | None:
    """The optional URL of a PostgreSQL hot standby the pages' reads may go to: the environment
    variable WARROOM_DB_READ_URL, then `[connections.warroom] read_url` in the same secrets files as
    `url`. Like the URL itself it is never shown in the UI or the logs. None: every read goes to `url`."""
    if url := os.environ.get(READ_ENV_VAR, "").strip():
        return url
    return _read_url_from_secrets()


def standby_limits() -> dict:
    """`[database]` standby_max_lag_seconds, standby_retry_seconds, standby_connect_seconds of
    .streamlit/warroom.toml over STANDBY_LIMITS."""
    return _section("database", STANDBY_LIMITS)
