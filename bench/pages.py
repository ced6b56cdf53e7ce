"""Server time of every page at nation, province and district level, with empty and with warm caches.

Runs the app in-process with Streamlit's AppTest (the same script runner a server uses, without the
browser): one session per page and level, landed on the area through the URL, then `repeats` timed
reruns of the page with every cache emptied first (cold: the first visitor after a restart or a data
change) and `repeats` with the caches as that rerun left them (warm: everyone after). The engine's
connection pool is kept, as a running server keeps it.
"""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ("overview", "profile", "padme", "cebrs", "thaiqm", "sdg", "health", "admin", "imports")
ADMIN_PAGES = ("admin", "imports")  # measured as the demo's admin; the others as its executive
LEVELS = {"nation": {}, "province": {"level": "province", "area": "30"},
          "district": {"level": "district", "area": "3001"}}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _session(level: dict, role: str):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=600)
    for key, value in {"lang": "th", **level}.items():
        at.query_params[key] = value
    at.run()
    if role != "executive":
        at.selectbox(key="demo_role").set_value(role).run()
    if at.exception:
        raise RuntimeError(f"the app failed to start: {at.exception[0].message}")
    return at


def _timed(at, page: str) -> float:
    started = time.perf_counter()
    at.switch_page(f"pages/{page}.py").run()
    seconds = time.perf_counter() - started
    if at.exception or at.error:
        raise RuntimeError(f"pages/{page}.py failed: {(at.exception or at.error)[0]}")
    return seconds


def measure(url: str, repeats: int, pages=PAGES, levels=tuple(LEVELS)) -> list[dict]:
    """One row per page × level: median and p95 seconds, cold and warm."""
    import streamlit as st
    os.environ["WARROOM_DB_URL"] = url
    os.environ["WARROOM_AUTH"] = "demo"  # the benchmark's demo data, viewed as the executive
    rows = []
    for page in pages:
        for level in levels:
            at = _session(LEVELS[level], "admin" if page in ADMIN_PAGES else "executive")
            cold, warm = [], []
            for _ in range(repeats):
                st.cache_data.clear()
                cold.append(_timed(at, page))
                warm.append(_timed(at, page))
            rows.append({"page": page, "level": level,
                         "cold_median_s": round(statistics.median(cold), 3), "cold_p95_s": round(p95(cold), 3),
                         "warm_median_s": round(statistics.median(warm), 3), "warm_p95_s": round(p95(warm), 3)})
            print(f"    {page:9} {level:9} cold {rows[-1]['cold_median_s']:.3f} s  warm {rows[-1]['warm_median_s']:.3f} s",
                  flush=True)
    return rows
