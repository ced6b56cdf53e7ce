"""The embedded SQLite store's faults while the app runs (issue 20; data_access.storecheck): the file moved,
its header overwritten, a page in the middle damaged (the scheduled quick_check), locked by another
process, read-only; each gives a banner naming it (never figures from the old connections, never a
trace), /healthz says so, an import is refused with nothing written, and the file put right serves
again without a restart. Each test works on its own copy of the session's seeded test-scale file."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from data_access import db, imports, settings, storecheck
from tests.conftest import APP, cebrs_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(sqlite_url, tmp_path, monkeypatch):
    """A private copy of the seeded file (SQLite's backup: consistent, WAL included), configured as the
    app's database; its engine's connections are open, as a running app's are."""
    path = tmp_path / "store" / "warroom.db"
    path.parent.mkdir()
    source = sqlite3.connect(sqlite_url.split("///", 1)[1])
    target = sqlite3.connect(path)
    source.backup(target)
    target.close()
    source.close()
    url = f"sqlite:///{path}"
    monkeypatch.setenv("WARROOM_DB_URL", url)
    engine = db.engine_for(url)
    assert db.has_source_data(engine) and storecheck.check(engine) is None
    yield path
    engine.dispose()


def _run(at):
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _app():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    return at


def _banner(at, kind: str = "error") -> str:
    return "\n".join(e.value for e in getattr(at, kind)).replace("\\", "")  # Markdown's escapes of the path


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    """Write `data` into the file at `offset` from another process, as the damage would come: a close of
    a descriptor of the file in this process would drop SQLite's own locks on it (POSIX locks)."""
    subprocess.run([sys.executable, "-c", "import sys, os; fd = os.open(sys.argv[1], os.O_WRONLY); "
                    "os.pwrite(fd, sys.stdin.buffer.read(), int(sys.argv[2]))", str(path), str(offset)],
                   input=data, check=True, timeout=60)


def _read(path: Path, offset: int, size: int) -> bytes:
    done = subprocess.run([sys.executable, "-c", "import sys, os; fd = os.open(sys.argv[1], os.O_RDONLY); "
                           "sys.stdout.buffer.write(os.pread(fd, int(sys.argv[3]), int(sys.argv[2])))",
                           str(path), str(offset), str(size)], capture_output=True, check=True, timeout=60)
    return done.stdout


def _health(client) -> tuple[int, dict]:
    answer = client.get("/healthz")
    assert "Traceback" not in answer.text
    return answer.status_code, answer.json()


@pytest.fixture
def client():
    with TestClient(Starlette(routes=web.routes(), middleware=web.middleware()), base_url="http://testserver") as c:
        yield c


def _fingerprint(path: Path) -> dict:
    """Every table's row count, the data versions and the import log, read straight from the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        found["versions"] = conn.execute("SELECT source, version FROM data_version ORDER BY source").fetchall()
        found["log"] = conn.execute("SELECT * FROM import_log ORDER BY 1").fetchall()
        return found
    finally:
        conn.close()


def test_a_moved_file_stops_the_pages_and_health_and_serves_again_when_put_back(store, client):
    at = _run(_app())
    assert not at.error and _health(client)[0] == 200
    os.rename(store, store.with_suffix(".moved"))
    try:
        _run(at)
        banner = _banner(at)
        assert "The database file is gone" in banner and "warroom.db" in banner and "put the file back" in banner
        assert not at.metric, "figures from the old connections were served"
        code, found = _health(client)
        assert code == 503 and found["status"] == "down" and found["store"]["status"] == "gone"
        assert found["store"]["file"].endswith("warroom.db") and found["store"]["since"]
        assert not store.exists(), "the app created a new, empty file at the path"
    finally:
        os.rename(store.with_suffix(".moved"), store)
    _run(at)
    assert not at.error and at.metric, _banner(at)
    assert _health(client)[0] == 200


def test_an_overwritten_header_is_noticed_by_the_pages_and_health(store, client):
    original = _read(store, 0, 16384)
    _overwrite(store, 0, b"\xa5" * 16384)
    at = _run(_app())
    assert "header is damaged" in _banner(at) and "restore it from the backup" in _banner(at)
    code, found = _health(client)
    assert code == 503 and found["store"]["status"] == "header" and "SQLite format 3" in found["store"]["detail"]
    _overwrite(store, 0, original)
    assert storecheck.check(db.engine_for(f"sqlite:///{store}")) is None


def test_a_damaged_page_in_the_middle_is_found_by_the_scheduled_quick_check(store, client, monkeypatch, tmp_path):
    toml = tmp_path / "warroom.toml"
    toml.write_text("[database]\nintegrity_check_minutes = 0.0001\n")  # "now": the schedule made immediate
    monkeypatch.setattr(settings, "WARROOM_TOML", toml)
    engine = db.engine_for(f"sqlite:///{store}")
    conn = sqlite3.connect(store)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # the biggest table's root page: a b-tree page in the file's middle, never read by the fast checks
    name = max((r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")),
               key=lambda t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    conn.close()
    original = _read(store, (root - 1) * page_size, page_size)
    _overwrite(store, (root - 1) * page_size, b"\xff" * page_size)
    time.sleep(0.01)  # the schedule's 6 ms interval has passed
    storecheck.check(engine, fresh=True)  # starts the quick_check in the background; no page run waits for it
    assert storecheck.wait_for_integrity(engine, 60)
    at = _run(_app())
    assert "The database file is damaged" in _banner(at), _banner(at)
    code, found = _health(client)
    assert code == 503 and found["store"]["status"] == "corrupt" and found["store"]["quick_check"]["problem"]
    _overwrite(store, (root - 1) * page_size, original)  # restored: checked again at once, serving once it passes
    deadline = time.monotonic() + 60
    while storecheck.check(engine) is not None:
        assert time.monotonic() < deadline, storecheck.check(engine)
        storecheck.wait_for_integrity(engine, 5)
    assert _health(client)[0] == 200


def test_a_file_locked_by_another_process_gives_a_clear_banner(store, client):
    if shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 shell (apt-get install sqlite3)")
    shell = subprocess.Popen(["sqlite3", str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    engine = db.engine_for(f"sqlite:///{store}")
    # An exclusive lock needs no other connection open (a WAL reader holds a shared lock on the file):
    # the shell got in while the app's pool was empty (just started, or its connections recycled).
    engine.dispose()
    try:
        shell.stdin.write("PRAGMA locking_mode=EXCLUSIVE;\nSELECT count(*) FROM data_version;\n")
        shell.stdin.flush()
        said = [shell.stdout.readline(), shell.stdout.readline()]  # its answers: it has read, and holds the file
        assert said[0].strip() == "exclusive", said
        deadline = time.monotonic() + 30
        while (fault := storecheck.check(engine)) is None or fault.kind != "locked":
            assert time.monotonic() < deadline and shell.poll() is None, "the shell never held the lock"
        at = _run(_app())
        banner = _banner(at)
        assert "locked by another program" in banner and "locking_mode=EXCLUSIVE" in banner
        assert "Traceback" not in banner
        code, found = _health(client)
        assert code == 503 and found["store"]["status"] == "locked"
        feed = store.parent / "cebrs.csv"
        feed.write_bytes(cebrs_bytes({}))
        with pytest.raises(imports.ImportRejected) as refused:
            imports.import_file(engine, "cebrs", feed)
        assert "is locked by another process" in refused.value.report()
    finally:
        shell.stdin.close()
        shell.wait(timeout=15)
    deadline = time.monotonic() + 30
    while storecheck.check(engine, fresh=True) is not None:
        assert time.monotonic() < deadline


def _chattr(flag: str, *paths: Path) -> None:
    subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)


def test_a_read_only_file_warns_serves_and_refuses_imports_with_nothing_written(store, client, tmp_path,
                                                                                monkeypatch):
    # The file and its WAL made immutable (as a read-only mount would); not the -shm: every connection
    # maps it, and a write into a mapping of an immutable file kills the process (SIGBUS).
    files = [p for p in (store, Path(f"{store}-wal")) if p.exists()]
    try:
        _chattr("+i", *files)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"chattr +i is not possible here ({exc}): needs root on ext4/xfs")
    feed = tmp_path / "cebrs.csv"
    feed.write_bytes(cebrs_bytes({}))
    engine = db.engine_for(f"sqlite:///{store}")
    try:
        before = _fingerprint(store)
        assert storecheck.check(engine, fresh=True).kind == "readonly"
        at = _run(_app())
        warning = _banner(at, "warning")
        assert "read-only" in warning and "imports and reports are refused" in warning
        assert not at.error and at.metric, "a read-only file still serves its figures"
        code, found = _health(client)
        assert code == 200
        with pytest.raises(imports.ImportRejected) as refused:
            imports.import_file(engine, "cebrs", feed)
        assert "is read-only" in refused.value.report() and "nothing was written" in refused.value.report()
        # Turned read-only after the check passed, mid-import: the write fails, is rolled back and said.
        with monkeypatch.context() as patch, pytest.raises(imports.ImportRejected) as refused:
            patch.setattr(storecheck, "write_refusal", lambda engine: None)
            started = time.monotonic()
            imports.import_file(engine, "cebrs", feed)
        assert "is read-only" in refused.value.report(), refused.value.report()
        print(f"mid-import refusal took {time.monotonic() - started:.1f} s")
        cli = subprocess.run([sys.executable, "-m", "data_access", "import", "cebrs", str(feed)], cwd=ROOT,
                             env={**os.environ, "WARROOM_DB_URL": f"sqlite:///{store}"},
                             capture_output=True, text=True, timeout=120)
        assert cli.returncode == 1 and "is read-only" in cli.stderr and "Traceback" not in cli.stderr, cli.stderr
        assert _fingerprint(store) == before
    finally:
        _chattr("-i", *files)
    assert storecheck.check(engine, fresh=True) is None  # writable again: no restart
    assert imports.import_file(engine, "cebrs", feed)["rows"] == 1


def test_the_running_server_health_route_notices_a_moved_file(store):
    from tests.browser_support import streamlit_app

    def health(base) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as answer:
            return answer.code, json.loads(answer.read())

    with streamlit_app(f"sqlite:///{store}", "store_faults_server.log") as base:
        assert health(base)[0] == 200
        os.rename(store, store.with_suffix(".moved"))
        try:
            code, found = health(base)
            assert code == 503 and found["store"]["status"] == "gone", found
        finally:
            os.rename(store.with_suffix(".moved"), store)
        assert health(base)[0] == 200
