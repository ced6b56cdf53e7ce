"""`make bench` and `make bench-quick`: build the dataset on SQLite and PostgreSQL, measure every figure
of docs/BENCHMARKS.md in one run, and write bench/results.json (and, for the full run, the doc).

    .venv/bin/python -m bench.run [--quick] [--db sqlite,postgres] [--keep]

Full: the `national` scale (about 3M households, 80k PADME projects), 5 repeats, 10 browser sessions,
a 1M-row import. Quick (under 2 minutes, for CI): the `test` scale, 1 repeat, 3 sessions, a 20k-row
import; its figures go to results.json under "quick" and leave the doc alone.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path


from bench import bomb, browser, front, import_memory, naive, notify, pages, replicas, report
from bench.pg import private_schema
from metrics.fiscal import FiscalQuarter

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 20)
PERIOD = FiscalQuarter(2570, 1)  # the quarter the as-of date falls in: what the overview opens on
MODES = {
    "full": {"scale": "national", "repeats": 5, "sessions": 10, "import_rows": "100000,1000000",
             "replica_sessions": [1, 10, 20, 50]},
    "quick": {"scale": "test", "repeats": 1, "sessions": 3, "import_rows": "20000", "replica_sessions": [1, 3]},
}


@contextlib.contextmanager
def dataset(kind: str, scale: str, workdir: Path, pg_server: str, keep: bool):
    """A freshly seeded database (yields url, seed seconds, seed peak RSS MB)."""
    if kind == "sqlite":
        for leftover in workdir.glob(f"{scale}.db*"):
            leftover.unlink()
        url = f"sqlite:///{workdir / f'{scale}.db'}"
        yield (url, *_seed(url, scale))
        return
    with private_schema(pg_server, f"bench_{scale}", keep) as url:
        yield (url, *_seed(url, scale))


def _seed(url: str, scale: str) -> tuple[float, float]:
    """Seed in a child process, as an operator does: (seconds, peak RSS MB)."""
    command = [sys.executable, "-m", "data_access", "seed", "--scale", scale, "--as-of", AS_OF.isoformat(), "--force"]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", import_memory.LAUNCHER, *command], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "WARROOM_DB_URL": url})
    if done.returncode != 0:
        raise RuntimeError(f"seed failed:\n{done.stdout}{done.stderr}")
    return round(time.perf_counter() - started, 1), round(int(done.stderr.split()[-1]) / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--db", default="sqlite,postgres")
    p.add_argument("--pg", default=import_memory.PG_SERVER)
    p.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    args = p.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cfg = MODES[mode]
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    workdir = ROOT / "bench" / "tmp"
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run = {"date": dt.date.today().isoformat(), "mode": mode, "machine": import_memory.machine(args.pg, kinds),
           "dataset": {"scale": cfg["scale"], "as_of": AS_OF.isoformat(), "period": PERIOD.label("en")},
           "repeats": cfg["repeats"], "databases": {}}
    for kind in kinds:
        print(f"{kind}: seeding the {cfg['scale']} dataset", flush=True)
        with dataset(kind, cfg["scale"], workdir, args.pg, args.keep) as (url, seconds, rss):
            figures = {"seed": {"seconds": seconds, "peak_rss_mb": rss}}
            print(f"  seeded in {seconds} s (peak RSS {rss} MB); server time per page", flush=True)
            figures["pages"] = pages.measure(url, cfg["repeats"])
            print("  naive overview", flush=True)
            figures["naive"] = naive.measure(url, PERIOD, max(1, min(3, cfg["repeats"])))
            print(f"  browser ({cfg['sessions']} sessions)", flush=True)
            figures["browser"] = browser.measure(url, max(2, cfg["repeats"]), cfg["sessions"], workdir)
            print("  an XLSX bomb at the import", flush=True)
            figures["xlsx_bomb"] = bomb.measure(url)
            print("  the alerts' delivery runner: a Monday morning, then an ordinary minute", flush=True)
            figures["notify"] = notify.measure(url)
            if front.available():  # else the replicas' targets say "not measured"
                print(f"  two replicas behind nginx: {cfg['replica_sessions']} concurrent sessions", flush=True)
                figures["replicas"] = replicas.measure(url, cfg["replica_sessions"], 3, workdir)
            run["databases"][kind] = figures
    import_memory.main(["--rows", cfg["import_rows"], "--db", ",".join(kinds), "--pg", args.pg,
                        "--results", str(args.results), "--key", f"import_{mode}"])
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    run["import"] = results.pop(f"import_{mode}", None)
    run["seconds"] = round(time.perf_counter() - started)
    results[mode] = run
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report.targets_table(run))
    if mode == "full":
        (ROOT / "docs" / "BENCHMARKS.md").write_text(report.render(run))
        print("wrote docs/BENCHMARKS.md")
    print(f"{mode} benchmark done in {run['seconds']} s; figures in {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
