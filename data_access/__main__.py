"""Command line for the data layer: `python -m data_access <command>`.

  init                       create missing tables and, where they are empty, load the reference data
                             (areas, fiscal calendar); never changes existing rows
  seed [--scale S] [--as-of YYYY-MM-DD] [--if-empty] [--force]
                             fill the database with deterministic demo data; refuses a configured
                             (non-embedded) database unless --force
  upgrade                    bring the database to this build's schema (Alembic migrations to head; a database
                             made before Alembic is adopted at its recorded version first); refuses, changing
                             nothing (exit 2), a database a newer build upgraded; there is no downgrade:
                             restore the backup taken before the upgrade
  status                     each source's data version and the date its data runs through
  snapshot [--date YYYY-MM-DD]
                             store this week's KPIs of every area and the late projects (weekly review)
  import SOURCE FILE         validate and import a One Data export (CSV or XLSX), all or nothing;
                             exit 0 with a summary, or 1 with the report of every problem
  template SOURCE [--xlsx] [-o FILE]
                             a file to fill in for SOURCE: its header and one valid example row
  simulate [--every SECONDS] [--steps N] [--rows R] [--seed S] [--force]
                             a demo feed: plausible updates through the import path (demo data only)
  notify [--no-evaluate]     alerts and subscriptions: evaluate every rule and weekly brief for its recipient,
                             queue what is due, deliver the outbox by e-mail and LINE (run it every minute:
                             deploy/systemd/warroom-notify.timer; safe to run twice, and twice at once)
  users add NAME --role R [--province PP] [--district DDDD] [--display-name N] [--password-stdin | --oidc]
  users set-password NAME [--password-stdin]
  users disable NAME | users enable NAME | users list
                             accounts; a password is read from a prompt or stdin, never from the
                             command line (it would show in the process list and shell history)
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path
import sys
import time

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from . import accounts, db, imports, queries, schema, seed as seeding, simulate, snapshots, versions
from .areas import load_reference
from .reader import ScopedReader
from .scope import OPERATOR
from .settings import demo_scale, resolve


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_access", description="War Room data layer")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create tables and load reference data")
    s = sub.add_parser("seed", help="generate demo data")
    s.add_argument("--scale", choices=sorted(seeding.SCALES), default=demo_scale())
    s.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="data as of this date (default today)")
    s.add_argument("--if-empty", action="store_true", help="do nothing when the database is already seeded")
    s.add_argument("--force", action="store_true", help="allow seeding a configured (non-embedded) database")
    sub.add_parser("status", help="data versions")
    sub.add_parser("upgrade", help="migrate the schema to this build's (no downgrade: restore a backup)")
    snap = sub.add_parser("snapshot", help="the weekly KPI snapshot")
    snap.add_argument("--date", type=dt.date.fromisoformat, default=None, help="a day of the week (default today)")
    imp = sub.add_parser("import", help="import a One Data export")
    imp.add_argument("source", choices=sorted(imports.CONTRACTS))
    imp.add_argument("file", type=Path)
    imp.add_argument("--user", default="cli")
    tpl = sub.add_parser("template", help="a template file for an import")
    tpl.add_argument("source", choices=sorted(imports.CONTRACTS))
    tpl.add_argument("--xlsx", action="store_true", help="Excel instead of CSV")
    tpl.add_argument("-o", "--output", type=Path, help="file to write (default SOURCE-template.csv/.xlsx)")
    note = sub.add_parser("notify", help="evaluate alert rules and briefs, deliver the outbox")
    note.add_argument("--no-evaluate", action="store_true", help="only deliver what is already queued")
    simulate.add_arguments(sub.add_parser("simulate", help="a demo feed through the import path"))
    users = sub.add_parser("users", help="accounts").add_subparsers(dest="action", required=True)
    add = users.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=schema.ROLES)
    add.add_argument("--province", dest="prov_code")
    add.add_argument("--district", dest="dist_code")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true")
    add.add_argument("--oidc", action="store_true", help="no password: signs in through the identity provider")
    setpw = users.add_parser("set-password")
    setpw.add_argument("name")
    setpw.add_argument("--password-stdin", action="store_true")
    for action in ("disable", "enable"):
        users.add_parser(action).add_argument("name")
    users.add_parser("list")
    return p


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first, second = getpass.getpass("password: "), getpass.getpass("again: ")
    if first != second:
        raise ValueError("the two passwords differ")
    return first


def _users(engine, args) -> int:
    try:
        if args.action == "add":
            password = None if args.oidc else _password(args.password_stdin)
            accounts.add(engine, args.name, password, args.role, args.display_name, args.prov_code, args.dist_code)
        elif args.action == "set-password":
            accounts.set_password(engine, args.name, _password(args.password_stdin))
        elif args.action in ("disable", "enable"):
            accounts.set_disabled(engine, args.name, args.action == "disable")
        else:
            listing = accounts.listing(ScopedReader(engine, OPERATOR))
            print(listing.to_string(index=False) if len(listing) else "no accounts")
            return 0
    except (ValueError, KeyError, IntegrityError) as exc:
        detail = f"no account {exc}" if isinstance(exc, KeyError) else (
            "that name exists already, or its province/district is unknown" if isinstance(exc, IntegrityError) else exc)
        print(f"users {args.action}: {detail}", file=sys.stderr)
        return 2
    print(f"users {args.action} {args.name}: done")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except db.SchemaRefused as refused:  # newer than this build, or not War Room's: nothing was changed
        print(f"{args.command}: {refused}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # down, unreachable, or a database War Room never set up: said, not traced
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        print(f"{args.command}: the database refused ({type(exc).__name__}: {first}); if it is new or older than "
              f"this build, run `python -m data_access init` or `upgrade` first", file=sys.stderr)
        return 1


def _run(args) -> int:
    settings = resolve()
    engine = db.get_engine(settings)
    if args.command == "init":
        db.create_schema(engine)
        with engine.begin() as conn:
            loaded = load_reference(conn, only_if_empty=True)
            versions.ensure(conn)
            if loaded:
                db.mark_schema(conn)
        print(f"schema ready; reference data {'loaded' if loaded else 'already present'} ({settings.source} database)")
        return 0
    if args.command == "seed":
        if args.if_empty and db.has_source_data(engine):
            if settings.is_embedded and db.schema_state(engine) == "outdated":  # the demo file of an older build
                print(f"already seeded ({settings.source} database); {db.upgrade(engine).line()}")
                return 0
            print(f"already seeded ({settings.source} database): nothing to do")
            return 0
        if not settings.is_embedded and not args.force:
            print(f"refusing to seed the {settings.source}-configured database: it may hold real data; "
                  "pass --force to replace everything in it with demo data", file=sys.stderr)
            return 2
        started = time.perf_counter()
        seeding.seed(engine, args.scale, args.as_of,
                     progress=lambda f, m: print(f"  {f:4.0%} {m}", flush=True))
        print(f"seeded {args.scale} demo data in {time.perf_counter() - started:.1f} s")
        return 0
    if args.command == "import":
        try:
            summary = imports.import_file(engine, args.source, args.file, args.user)
        except imports.ImportRejected as rejected:
            print(rejected.report(), file=sys.stderr)
            return 1
        except FileNotFoundError:
            print(f"{args.file}: no such file", file=sys.stderr)
            return 1
        except SQLAlchemyError as exc:  # the database, not the file: down, read-only, out of space
            print(f"{args.file.name}: not imported, the database refused the write ({type(exc).__name__}); "
                  "nothing was changed", file=sys.stderr)
            return 1
        print(f"{summary['file']}: imported {summary['rows']} {summary['source']} rows "
              f"({summary['districts']} districts' rollups rebuilt)")
        return 0
    if args.command == "template":
        fmt = "xlsx" if args.xlsx else "csv"
        out = args.output or Path(f"{args.source}-template.{fmt}")
        out.write_bytes(imports.template(args.source, fmt))
        print(f"wrote {out}")
        return 0
    if args.command == "users":
        return _users(engine, args)
    if args.command == "upgrade":
        print(db.upgrade(engine).line())
        return 0
    if args.command == "snapshot":
        try:
            taken = snapshots.take(engine, args.date)
        except ValueError as exc:
            print(f"snapshot: {exc}", file=sys.stderr)
            return 2
        print(f"week of {taken['week']}: {taken['values']} KPI values ({taken['period'].label('en')}), "
              f"{taken['late']} late or at-risk projects")
        return 0
    if args.command == "simulate":
        return simulate.main(engine, args)
    if args.command == "notify":
        # The one command that reaches above the data layer: the runner builds each recipient's brief
        # with the weekly review's own code (alerts/, which uses ui/ and reports/). The CLI is the
        # composition root here, as app.py is for the pages.
        from alerts import runner
        summary = runner.run(engine, settings.url, evaluate=not args.no_evaluate)
        print(summary.line())
        for reason in summary.skipped:
            print(f"  skipped: {reason}")
        return 0
    status = queries.data_status(engine)
    print(status.to_string(index=False) if len(status) else "no data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
