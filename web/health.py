"""GET /healthz: the process is up *and* its database answers with this build's schema (nginx's and
systemd's check; Streamlit's own /_stcore/health says only that the process runs)."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from data_access import db, routing, storecheck

from . import state

ROUTE = "/healthz"


def _check() -> dict:
    engine = state.engine()
    store = storecheck.report(engine)  # the embedded SQLite file (issue 20); {} for PostgreSQL
    if store and store["status"] in storecheck.STOPPING:  # gone, replaced, damaged, locked: no figures
        return {"status": "down", "database": f"store {store['status']}", "store": store}
    version = db.stored_schema_version(engine)
    state_of_schema = db.schema_state(engine)  # current | outdated | newer | empty (Alembic's revision)
    return {"status": "ok" if state_of_schema == "current" else state_of_schema, "schema": version,
            "standby": routing.health(),  # off | ok | lagging | down: never fails the check (reads fall back)
            **({"store": store} if store else {})}  # the SQLite file: ok or read-only, the last quick_check


async def healthz(request: Request) -> JSONResponse:
    try:
        found = await run_in_threadpool(_check)
    except Exception as exc:  # any failure to reach or read the database is "down", named, never a trace
        return JSONResponse({"status": "down", "database": type(exc).__name__}, status_code=503,
                            headers={"Cache-Control": "no-store"})
    return JSONResponse({"database": "ok", **found}, status_code=200 if found["status"] == "ok" else 503,
                        headers={"Cache-Control": "no-store"})
