"""Two War Room replicas behind the repo's own nginx config, under 1, 10, 20 and 50 concurrent sessions.

    .venv/bin/python -m bench.replicas --db-url URL [--sessions 1,10,20,50] [--reruns 3]

The database at URL must hold the War Room schema and data (`python -m data_access seed`); a governor's
account (bench_gov30, province 30) is added or its password reset. Two `streamlit run serve.py` replicas
(accounts sign-in, as deployed) start on free ports, and Debian's nginx runs deploy/nginx/warroom.conf in
front of them (bench/front.py). The sessions are simulated by bench/stream_driver.py, which speaks
Streamlit's websocket protocol from one process: no browser competes with the servers for the CPU.

At each level, N sessions open at once (page, sign-in, websocket, the overview drawn), then every one reruns
the overview `reruns` times concurrently. Figures per level: the server time of a rerun (rerun asked →
script_finished, through nginx) p50/p95, the first draw's p50, runs that failed or drew an exception, the
sessions each replica held (from nginx's access log: the upstream of each websocket upgrade), and each
replica's resident memory with the sessions open (VmRSS, and VmHWM, its peak so far, from /proc: the peak comes
while the sessions draw their first page at once; by the time the reruns are done, most of it is free).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import front, stream_driver

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "bench_gov30"
PROVINCE = "30"


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the process in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@contextlib.contextmanager
def replica(db_url: str, log: Path, port: int | None = None, **env):
    """`streamlit run serve.py` (accounts sign-in) on a port; yields (port, process)."""
    port = port or front.free_port()
    with log.open("a") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true",
                                 "--browser.gatherUsageStats", "false"], cwd=ROOT,
                                env={**os.environ, "WARROOM_DB_URL": db_url, "WARROOM_AUTH": "accounts", **env},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the replica on port {port} stopped; see {log}")
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the replica on port {port} did not start; see {log}") from None
                time.sleep(0.3)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def bench_account(db_url: str) -> str:
    """A governor's account for the simulated sessions, with a fresh password (returned)."""
    from sqlalchemy.exc import IntegrityError

    from data_access import DatabaseError, accounts, db
    engine = db.engine_for(db_url)
    try:
        ready = db.schema_is_current(engine) and db.has_source_data(engine)
    except DatabaseError as exc:
        raise SystemExit(f"bench.replicas: the database does not answer: {str(exc).splitlines()[0]}") from None
    if not ready:
        raise SystemExit("bench.replicas: the database holds no current War Room schema with data: run "
                         "`python -m data_access upgrade` and `python -m data_access seed` against it first")
    password = secrets.token_urlsafe(18)
    try:
        accounts.add(engine, ACCOUNT, password, "governor", "Benchmark governor", PROVINCE)
    except IntegrityError:  # already there from an earlier run: only its password changes
        accounts.set_password(engine, ACCOUNT, password)
    return password


_LINE = re.compile(r'"GET /_stcore/stream[^"]*" (?P<status>\d+) upstream=(?P<upstream>.+?) route=(?P<route>\S+)')


def websockets_by_route(access_log: Path, start: int = 0) -> dict[str, list[tuple[int, str]]]:
    """From nginx's access log (bench/front.py's format), from byte `start`: for each browser's route
    cookie, the (status, upstream) of each websocket it opened, in order."""
    out: dict[str, list[tuple[int, str]]] = {}
    if not access_log.exists():
        return out
    with access_log.open("rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", "replace")
    for m in _LINE.finditer(text):
        out.setdefault(m["route"], []).append((int(m["status"]), m["upstream"]))
    return out


def summary(values: list[float]) -> dict:
    return {"p50_s": round(stream_driver.percentile(values, 0.5), 3),
            "p95_s": round(stream_driver.percentile(values, 0.95), 3), "n": len(values)}


def level(base: str, n: int, password: str, reruns: int, pids: dict[str, int], access_log: Path) -> dict:
    """N concurrent sessions (see the module's doc); the figures of this level."""
    start = access_log.stat().st_size if access_log.exists() else 0
    memory: dict[str, dict] = {}

    def read_memory():
        for port, pid in pids.items():
            current, peak = rss_mb(pid)
            memory[port] = {"rss_mb": round(current, 1), "peak_mb": round(peak, 1)}

    started, cpu = time.perf_counter(), time.process_time()
    results = asyncio.run(stream_driver.run_sessions(base, n, ACCOUNT, password, reruns,
                                                     ssl_context=front.insecure_context(), while_open=read_memory))
    seconds, driver_cpu = time.perf_counter() - started, time.process_time() - cpu
    reruns_s = [r.seconds for s in results for r in s.runs]
    firsts = [s.first.seconds for s in results if s.first is not None]
    runs = [r for s in results for r in ([s.first] if s.first else []) + s.runs]
    # nginx logs a websocket when it closes: wait (bounded) for every session's line.
    deadline = time.monotonic() + 15
    while True:
        routes = websockets_by_route(access_log, start)
        if all(s.route in routes for s in results if s.first is not None) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    upstreams = [ups for s in results for ups in routes.get(s.route, [])]
    per_replica = {port: sum(1 for s in results if any(u.endswith(f":{port}") for _, u in routes.get(s.route, [])))
                   for port in pids}
    return {
        "sessions": n, "reruns_per_session": reruns, "seconds": round(seconds, 1),
        "driver_cpu_s": round(driver_cpu, 1),  # the simulated browsers' own CPU (one core at most), for comparison
        "rerun": summary(reruns_s), "first_draw": summary(firsts),
        "signed_in": sum(s.signed_in for s in results),
        "failed_sessions": [f"{s.index}: {s.problem}" for s in results if s.problem][:10],
        "runs_with_exception": sum(bool(r.exceptions) for r in runs),
        "runs_with_error_banner": sum(bool(r.errors) for r in runs),
        "exceptions": sorted({e for r in runs for e in r.exceptions})[:5],
        "websocket_upgrades": sum(1 for status, _ in upstreams if status == 101),
        "sessions_per_replica": per_replica,
        "memory": memory,
        "rss_max_mb": max((m["rss_mb"] for m in memory.values()), default=None),
        "peak_max_mb": max((m["peak_mb"] for m in memory.values()), default=None),
    }


def measure(db_url: str, levels: list[int], reruns: int = 3, workdir: Path | None = None) -> dict:
    """Every level in turn on one pair of replicas behind nginx (see the module's doc)."""
    if not front.available():
        raise RuntimeError(f"no nginx at {front.NGINX} (apt-get install nginx)")
    password = bench_account(db_url)
    folder = Path(tempfile.mkdtemp(prefix="replicas-", dir=workdir))
    with contextlib.ExitStack() as stack:
        a_port, a = stack.enter_context(replica(db_url, folder / "replica-a.log"))
        b_port, b = stack.enter_context(replica(db_url, folder / "replica-b.log"))
        base = stack.enter_context(front.nginx([a_port, b_port], folder / "nginx"))
        pids = {str(a_port): a.pid, str(b_port): b.pid}
        idle = {port: round(rss_mb(pid)[0], 1) for port, pid in pids.items()}
        out = {"replicas": 2, "idle_rss_mb": idle, "levels": []}
        for n in levels:
            print(f"    {n} concurrent sessions", flush=True)
            out["levels"].append(level(base, n, password, reruns, pids, folder / "nginx" / "access.log"))
            row = out["levels"][-1]
            print(f"      rerun p50 {row['rerun']['p50_s']} s, p95 {row['rerun']['p95_s']} s; RSS "
                  f"{row['memory']}; per replica {row['sessions_per_replica']}; failed {len(row['failed_sessions'])}",
                  flush=True)
        out["by_sessions"] = {str(row["sessions"]): row for row in out["levels"]}
        return out


def table(figures: dict) -> str:
    """The levels as a markdown table (for docs/BENCHMARKS.md)."""
    lines = ["| sessions | rerun p50 s | rerun p95 s | first draw p50 s | sessions per replica | RSS per replica MB "
             "(peak) | failed runs |", "|---:|---:|---:|---:|---|---|---:|"]
    for row in figures["levels"]:
        mem = " / ".join(f"{m['rss_mb']:.0f} ({m['peak_mb']:.0f})" for m in row["memory"].values()) or "–"
        spread = " / ".join(str(v) for v in row["sessions_per_replica"].values())
        failed = len(row["failed_sessions"]) + row["runs_with_exception"]
        lines.append(f"| {row['sessions']} | {row['rerun']['p50_s']:.2f} | {row['rerun']['p95_s']:.2f} | "
                     f"{row['first_draw']['p50_s']:.2f} | {spread} | {mem} | {failed} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__.splitlines()[0])
    p.add_argument("--db-url", default=os.environ.get("WARROOM_DB_URL"),
                   help="the seeded database (default: WARROOM_DB_URL)")
    p.add_argument("--sessions", default="1,10,20,50", help="the levels of concurrent sessions, comma-separated")
    p.add_argument("--reruns", type=int, default=3, help="reruns per session at each level")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    if not args.db_url:
        p.error("--db-url (or WARROOM_DB_URL) is required: the seeded database the replicas serve")
    try:
        levels = [int(x) for x in args.sessions.split(",") if x.strip()]
    except ValueError:
        p.error(f"--sessions must be whole numbers separated by commas, not {args.sessions!r}")
    figures = measure(args.db_url, levels, args.reruns)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
