"""`python -m data_access`: seeding is refused on a configured database; init never destroys data."""
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from data_access import db, queries, schema as s

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, url: str, **env):
    return subprocess.run([sys.executable, "-m", "data_access", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "WARROOM_NOW": os.environ["WARROOM_NOW"], "WARROOM_DB_URL": url, **env}, timeout=300)


def test_seed_refuses_a_configured_database_without_force(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    result = cli("seed", "--scale", "test", url=url)
    assert result.returncode == 2 and "refusing" in result.stderr
    assert not (tmp_path / "prod.db").exists() or not db.is_initialised(db.engine_for(url))


def test_init_creates_an_empty_store_and_keeps_existing_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    first = cli("init", url=url)
    assert first.returncode == 0, first.stderr
    engine = db.engine_for(url)
    assert db.is_initialised(engine) and queries.periods(engine) == []  # ready, but no source data yet
    assert not db.has_source_data(engine)
    assert "nothing to do" not in cli("seed", "--if-empty", url=url).stdout  # an empty store is not "seeded"
    with engine.begin() as conn:
        conn.execute(s.fiscal_quarter.update().where(s.fiscal_quarter.c.fiscal_year == 2570)
                     .values(target_overall_pct=33.0))
    again = cli("init", url=url)
    assert again.returncode == 0 and "already present" in again.stdout
    with engine.connect() as conn:
        edited = conn.execute(select(func.max(s.fiscal_quarter.c.target_overall_pct))
                              .where(s.fiscal_quarter.c.fiscal_year == 2570)).scalar_one()
    assert edited == 33.0


def test_seed_with_force_and_status(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    seeded = cli("seed", "--scale", "test", "--as-of", "2026-11-20", "--force", url=url)
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded test demo data" in seeded.stdout
    status = cli("status", url=url)
    assert status.returncode == 0 and "thaiqm" in status.stdout and "2026-11-20" in status.stdout
    skipped = cli("seed", "--if-empty", url=url)
    assert skipped.returncode == 0 and "nothing to do" in skipped.stdout


def test_users_commands_take_passwords_from_stdin_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    assert cli("init", url=url).returncode == 0
    add = subprocess.run([sys.executable, "-m", "data_access", "users", "add", "korat", "--role", "governor",
                          "--province", "30", "--password-stdin"], cwd=ROOT, capture_output=True, text=True,
                         input="a-long-password\n", env={"PATH": "/usr/bin:/bin", "WARROOM_NOW": os.environ["WARROOM_NOW"], "WARROOM_DB_URL": url})
    assert add.returncode == 0, add.stderr
    listing = cli("users", "list", url=url)
    assert "korat" in listing.stdout and "governor" in listing.stdout and "a-long-password" not in listing.stdout
    assert cli("users", "disable", "korat", url=url).returncode == 0
    from data_access import accounts
    import pytest
    with pytest.raises(accounts.SignInRefused, match="disabled"):
        accounts.authenticate(db.engine_for(url), "korat", "a-long-password")
    duplicate = subprocess.run([sys.executable, "-m", "data_access", "users", "add", "korat", "--role", "staff",
                                "--password-stdin"], cwd=ROOT, capture_output=True, text=True,
                               input="another-password\n", env={"PATH": "/usr/bin:/bin", "WARROOM_NOW": os.environ["WARROOM_NOW"], "WARROOM_DB_URL": url})
    assert duplicate.returncode == 2 and "exists already" in duplicate.stderr
    missing = cli("users", "disable", "nobody", url=url)
    assert missing.returncode == 2 and "no account" in missing.stderr


def test_a_database_never_set_up_or_down_is_a_message_not_a_traceback(tmp_path):
    for url in (f"sqlite:///{tmp_path / 'new.db'}", "postgresql+psycopg://nobody@127.0.0.1:1/none"):
        for args in (["users", "list"], ["users", "disable", "gov30"], ["status"]):
            result = cli(*args, url=url)
            assert result.returncode == 1, (args, result.stderr)
            assert "Traceback" not in result.stderr and "the database refused" in result.stderr
            assert "python -m data_access init" in result.stderr
