"""Alerts and subscriptions: how long the delivery runner takes on the dataset (docs/BENCHMARKS.md).

Two runs, each in a child process (`python -m data_access notify`, as the timer runs it), with local
delivery (nothing leaves the machine; every message is built and kept):

- **Monday 06:00**: every governor has a weekly brief (PDF, Thai) due and a red-alert rule, the
  permanent secretary the red, missed-report and stale rules, the meeting's staff a brief in both
  formats: the week's heaviest run.
- **an ordinary minute** right after: every rule evaluated again, nothing new to send.

The timer fires every minute; a run longer than that is not doubled (systemd does not start a running
oneshot again; a second cron runner only delivers, data_access.writelock), but messages wait for it.

    .venv/bin/python -m bench.notify URL
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import delete, insert, select

from data_access import db, queries, schema as s

ROOT = Path(__file__).resolve().parent.parent
# Monday 23 Nov 2026, 06:05 in Bangkok: the governors' 06:00 briefs are due.
MONDAY = "2026-11-23T06:05:00+07:00"


def _subscriptions(engine) -> int:
    made = dt.datetime(2026, 10, 1)
    provinces = sorted(queries.area_index(engine).prov_code.unique())
    common = dict(dist_code=None, kpi=None, threshold=None, direction=None, muted=False, created_by="bench",
                  created_at=made, updated_at=made)
    rows = []
    for code in provinces:
        rows.append(dict(common, owner=f"demo-governor-{code}", role="governor", prov_code=code, kind="brief",
                         channel="email", address=f"governor{code}@moi.example", lang="th", formats="pdf", weekday=0,
                         hour=6, rule=None))
        rows.append(dict(common, owner=f"demo-governor-{code}", role="governor", prov_code=code, kind="alert",
                         channel="line", address="U" + f"{int(code):032x}", lang="th", formats=None, weekday=None,
                         hour=None, rule="red"))
    for rule in ("red", "missed_report", "stale"):
        rows.append(dict(common, owner="demo-executive", role="executive", prov_code=None, kind="alert", channel="email",
                         address="ps@moi.example", lang="th", formats=None, weekday=None, hour=None, rule=rule))
    rows.append(dict(common, owner="demo-staff", role="staff", prov_code=None, kind="brief", channel="email",
                     address="meeting@moi.example", lang="en", formats="both", weekday=0, hour=6, rule=None))
    with engine.begin() as conn:
        for table in (s.outbox_attachment, s.outbox, s.alert_state, s.subscription):
            conn.execute(delete(table))
        conn.execute(insert(s.subscription), rows)
    return len(rows)


def _run(url: str, moment: str) -> dict:
    env = {**os.environ, "WARROOM_DB_URL": url, "WARROOM_NOW": moment, "WARROOM_NOTIFY_DELIVERY": "local"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "data_access", "notify"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=3600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"notify failed:\n{done.stdout}{done.stderr}")
    return {"seconds": round(seconds, 1), "summary": done.stdout.splitlines()[0]}


def measure(url: str) -> dict:
    engine = db.engine_for(url)
    n = _subscriptions(engine)
    monday = _run(url, MONDAY)
    minute = _run(url, "2026-11-23T06:06:00+07:00")
    with engine.connect() as conn:
        briefs = conn.execute(select(s.outbox.c.message_id).where(s.outbox.c.kind == "brief")).all()
    return {"subscriptions": n, "briefs": len(briefs), "monday_s": monday["seconds"], "monday": monday["summary"],
            "minute_s": minute["seconds"], "minute": minute["summary"]}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), indent=2, ensure_ascii=False))
