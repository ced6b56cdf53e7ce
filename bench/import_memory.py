"""Memory and throughput of large imports: does an import's peak memory stay flat as the file grows?

Each size gets a ThaiQM households file of valid, new rows spread over every subdistrict of a seeded
`test`-scale database, streamed to disk. `python -m data_access import thaiqm FILE` then runs in a child
process, exactly as an operator runs it: its wall time gives rows/s, and the kernel's own account of
the child (ru_maxrss, read by a small launcher process) its peak resident memory. The smallest size
shows the floor (the interpreter and its libraries), so the growth above it is what the file costs.

    .venv/bin/python -m bench.import_memory [--rows 1000,100000,1000000] [--db sqlite,postgres]

Prints a markdown table and merges an "import" entry into bench/results.json. PostgreSQL runs in a
private schema of the database at --pg (dropped afterwards).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from data_access import db, schema as s
from data_access.seed import seed

from .pg import private_schema

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 20)
PG_SERVER = os.environ.get("WARROOM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = ["household_id", "survey_year", "subdist_code", "p_health", "p_living", "p_education", "p_income",
          "p_access", "status", "started_on", "resolved_on"]
STATUSES = ("surveyed", "target", "in_progress", "helped", "self_resolved")


@contextlib.contextmanager
def database(kind: str, folder: Path, pg_server: str):
    """A seeded test-scale database (a SQLite file or a private PostgreSQL schema), removed afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
        try:
            seed(db.engine_for(url), "test", AS_OF)
            yield url
        finally:
            db.engine_for(url).dispose()
            for path in folder.glob("bench.db*"):
                path.unlink()
        return
    with private_schema(pg_server, "bench_import") as url:
        seed(db.engine_for(url), "test", AS_OF)
        yield url


def write_households(path: Path, n_rows: int, first_id: int, subdistricts: list[str]) -> None:
    """n_rows valid households (every status, dates consistent), written as they are made."""
    start = dt.date(2026, 10, 1)
    days = [(start + dt.timedelta(days=k)).isoformat() for k in range(50)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(n_rows):
            status = STATUSES[i % 5]
            bits = (i * 2654435761) >> 7
            flags = [(bits >> k) & 1 for k in range(5)] if status != "surveyed" else [0, 0, 0, 0, 0]
            flags[3] |= status != "surveyed" and not any(flags)
            started = days[i % 30] if status not in ("surveyed", "target") else ""
            resolved = days[i % 30 + 5 + i % 15] if status in ("helped", "self_resolved") else ""
            out.writerow([first_id + i, 2570, subdistricts[i % len(subdistricts)], *map(int, flags), status,
                          started, resolved])


# A small launcher waits for the import: Linux counts the pre-exec image of a forked child in its
# ru_maxrss, so the import must be forked from a process much smaller than itself, not from this one.
LAUNCHER = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:], stderr=subprocess.STDOUT); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")


def run_import(url: str, path: Path) -> tuple[float, float, str]:
    """Import `path` in a child process: (seconds, peak RSS in MB, its output)."""
    command = [sys.executable, "-m", "data_access", "import", "thaiqm", str(path), "--user", "bench"]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "WARROOM_DB_URL": url})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"import of {path.name} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, int(done.stderr.split()[-1]) / 1024, done.stdout.strip()


def machine(pg_server: str, kinds: list[str]) -> dict:
    with open("/proc/meminfo") as fh:
        ram_kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
    info = {"nproc": os.cpu_count(), "ram_gb": round(ram_kb / 1024 ** 2, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "cpu": platform.processor() or platform.machine(),
            "load_average_1min": round(os.getloadavg()[0], 2)}  # other jobs slow rows/s down, not memory
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")),
                           info["cpu"])
    if "postgres" in kinds:
        with create_engine(pg_server).connect() as conn:
            info["postgres"] = conn.execute(text("SHOW server_version")).scalar_one()
    return info


def table(runs: list[dict]) -> str:
    lines = ["| rows | file MB | DB | seconds | rows/s | peak RSS MB |", "|---:|---:|---|---:|---:|---:|"]
    lines += [f"| {r['rows']:,} | {r['file_mb']:.1f} | {r['db']} | {r['seconds']:.1f} | {r['rows_per_s']:,.0f} "
              f"| {r['peak_rss_mb']:.0f} |" for r in runs]
    return "\n".join(lines)


def merge_results(path: Path, entry: dict, key: str = "import") -> None:
    results = json.loads(path.read_text()) if path.exists() else {}
    results[key] = entry
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def households(url: str) -> int:
    with db.engine_for(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(s.thaiqm_household)).scalar_one()


def measure(kind: str, url: str, sizes: list[int], files: dict[int, Path], workdir: Path) -> list[dict]:
    """Import a file of each size into one database, smallest first."""
    with db.engine_for(url).connect() as conn:
        subdistricts = list(conn.execute(select(s.subdistrict.c.subdist_code)
                                         .order_by(s.subdistrict.c.subdist_code)).scalars())
    runs = []
    for k, n in enumerate(sizes):
        if n not in files:  # each size its own id range: every run inserts n new households
            files[n] = workdir / f"thaiqm-{n}.csv"
            write_households(files[n], n, 10_000_000_000 * (k + 1), subdistricts)
        before = households(url)
        seconds, rss, output = run_import(url, files[n])
        if households(url) - before != n:
            raise RuntimeError(f"{kind}: expected {n} new households, found {households(url) - before}")
        runs.append({"rows": n, "db": kind, "file_mb": round(files[n].stat().st_size / 2 ** 20, 1),
                     "seconds": round(seconds, 2), "rows_per_s": round(n / seconds), "peak_rss_mb": round(rss, 1)})
        print(f"  {kind} {n:>9,} rows: {seconds:7.1f} s, {rss:6.0f} MB  ({output})", flush=True)
    return runs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.import_memory", description=__doc__.splitlines()[0])
    p.add_argument("--rows", default="1000,100000,1000000", help="file sizes, comma-separated")
    p.add_argument("--db", default="sqlite,postgres", help="databases, comma-separated: sqlite, postgres")
    p.add_argument("--pg", default=PG_SERVER, help="PostgreSQL server URL (a private schema is made in it)")
    p.add_argument("--workdir", type=Path, default=ROOT / "bench" / "tmp", help="where files and SQLite go")
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    p.add_argument("--key", default="import", help="the entry of results.json to write")
    args = p.parse_args(argv)
    sizes = sorted(int(n) for n in args.rows.split(","))
    kinds = [k.strip() for k in args.db.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    info = machine(args.pg, kinds)  # before the runs, so its load average is the machine's, not ours
    files: dict[int, Path] = {}
    runs = []
    try:
        for kind in kinds:
            with database(kind, args.workdir, args.pg) as url:
                runs += measure(kind, url, sizes, files, args.workdir)
    finally:
        for path in files.values():
            path.unlink(missing_ok=True)
    merge_results(args.results, {
        "date": dt.date.today().isoformat(), "machine": info, "runs": runs,
        "dataset": (f"ThaiQM households CSV ({len(HEADER)} columns, UTF-8), new rows over every subdistrict "
                    f"of a test-scale seeded database (as of {AS_OF}); imported by `python -m data_access "
                    "import thaiqm` in a child process; wall time includes interpreter start-up")}, args.key)
    print(table(runs))
    print(f"merged into {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
