"""GET /healthz: the process is up *and* its database answers with this build's schema (nginx's and
systemd's check; Streamlit's own /_stcore/health says only that the process runs)."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from data_access import db

from . import state

ROUTE = "/healthz"


def _check() -> dict:
    engine = state.engine()
    version = db.stored_schema_version(engine)
    return {"status": "ok" if version == db.schema.SCHEMA_VERSION else "outdated", "schema": version}


async def healthz(request: Request) -> JSONResponse:
    try:
        found = await run_in_threadpool(_check)
    except Exception as exc:  # any failure to reach or read the database is "down", named, never a trace
        return JSONResponse({"status": "down", "database": type(exc).__name__}, status_code=503,
                            headers={"Cache-Control": "no-store"})
    return JSONResponse({**found, "database": "ok"}, status_code=200 if found["status"] == "ok" else 503,
                        headers={"Cache-Control": "no-store"})
