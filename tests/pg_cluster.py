"""PostgreSQL clusters a test starts and stops itself, on free 127.0.0.1 ports, as the `postgres` OS user.

- `Standby.build(root)`: a streaming hot standby of the machine's server (127.0.0.1:5432), made by
  `pg_basebackup -R -X stream` (which needs `host replication all 127.0.0.1/32 trust` in the server's
  pg_hba.conf; .ci/run sees to it).
- `PrivateCluster.build(root)`: a cluster of its own (initdb), for the tests that stop and start the
  primary: the machine's own server is never stopped.

Debian keeps a server's postgresql.conf and pg_hba.conf in /etc, so a copy of its data directory has
none: each cluster gets its own, written here. Every wait polls for the state it needs, with a deadline.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

PRIMARY_HOST, PRIMARY_PORT = "127.0.0.1", 5432
HBA_LINE = "host replication all 127.0.0.1/32 trust"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClusterError(RuntimeError):
    """A cluster could not be built or started; the message names the step and what it printed."""


def _as_postgres(*cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
    run_as = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    done = subprocess.run([*run_as, *cmd], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ClusterError(f"{Path(cmd[0]).name} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
    return done


def workdir(prefix: str) -> Path:
    """A fresh directory under /tmp the postgres user owns (pytest's tmp_path is root's, mode 0700)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root


class Cluster:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data, self.log = root / "data", root / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _write_config(self, extra: str = "") -> None:
        (self.data / "postgresql.conf").write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
            f"{extra}", encoding="utf-8")
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n",
            encoding="utf-8")
        if os.geteuid() == 0:
            for name in ("postgresql.conf", "pg_hba.conf"):
                shutil.chown(self.data / name, "postgres", "postgres")

    def start(self, timeout: int = 30) -> None:
        _as_postgres(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                     "-t", str(timeout), "start", timeout=timeout + 10)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _as_postgres(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, database: str, statement: str):
        engine = create_engine(self.url(database), connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                return conn.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Standby(Cluster):
    @classmethod
    def build(cls, root: Path) -> "Standby":
        """A hot standby of the machine's server, streaming from it, started on a free port."""
        standby = cls(root, free_port())
        _as_postgres(str(pg_bin() / "pg_basebackup"), "-h", PRIMARY_HOST, "-p", str(PRIMARY_PORT), "-U",
                     "postgres", "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast", timeout=120)
        standby._write_config("hot_standby = on\nhot_standby_feedback = on\n")
        standby.start()
        return standby


class PrivateCluster(Cluster):
    @classmethod
    def build(cls, root: Path) -> "PrivateCluster":
        """A new, empty cluster of its own (initdb), started on a free port."""
        cluster = cls(root, free_port())
        _as_postgres(str(pg_bin() / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                     "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", timeout=120)
        cluster._write_config()
        cluster.start()
        return cluster


def copy_database(source_url: str, port: int, database: str, schema: str | None = None) -> None:
    """pg_dump of the database at `source_url` (on the machine's server; only `schema` if given)
    restored into `database` of the server on `port`: seconds, where seeding again takes half a minute."""
    from sqlalchemy.engine import make_url
    src = make_url(source_url)
    only = ["-n", schema] if schema else []
    dump = subprocess.Popen([str(pg_bin() / "pg_dump"), "-h", src.host or PRIMARY_HOST, "-p", str(src.port or PRIMARY_PORT),
                             "-U", src.username or "postgres", "--no-owner", "--no-privileges", *only, src.database],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    restore = subprocess.run([str(pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q",
                              "-v", "ON_ERROR_STOP=1", "-d", database], stdin=dump.stdout, capture_output=True,
                             text=True, timeout=120)
    dump.stdout.close()
    dumped = dump.wait(timeout=120)
    if dumped != 0 or restore.returncode != 0:
        raise ClusterError(f"copying {src.database} failed: {dump.stderr.read().decode(errors='replace').strip()} "
                           f"{restore.stderr.strip()}")


def wait_for(check, what: str, timeout: float = 30, every: float = 0.1):
    """Poll `check()` until it returns something truthy (returned) or the deadline passes (an error
    naming `what`); an exception from `check` counts as not yet."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            found = check()
            if found:
                return found
        except Exception as exc:  # a server still starting, a database not yet replayed
            last = exc
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:g} s" + (f" (last: {type(last).__name__}: {last})" if last else ""))
