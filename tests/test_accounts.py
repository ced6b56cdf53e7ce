"""Accounts and scope in the data layer (SQLite and PostgreSQL): hashing, refusals, lock-out, scope."""
import datetime as dt

import pytest
from sqlalchemy import select, text

from data_access.reader import ByDistrict, ScopedReader
from data_access import accounts, audit, db, queries, schema as s
from data_access.scope import NATION, Area, NotPermitted, Viewer
from metrics.fiscal import FiscalQuarter
from tests.conftest import PASSWORDS

PERIOD = FiscalQuarter(2569, 4)


@pytest.fixture
def engine(accounts_url):
    return db.engine_for(accounts_url)


def test_passwords_are_stored_only_as_argon2_hashes(engine):
    with engine.connect() as conn:
        hashes = dict(conn.execute(select(s.account.c.username, s.account.c.password_hash)).all())
        everything = " ".join(str(v) for row in conn.execute(select(s.audit_log)).all() for v in row)
    for name, password in PASSWORDS.items():
        assert hashes[name].startswith("$argon2id$") and password not in hashes[name]
        assert password not in everything


def test_right_password_gives_the_accounts_viewer(engine):
    viewer = accounts.authenticate(engine, "gov30", PASSWORDS["gov30"])
    assert viewer == Viewer("gov30", "governor", "30", None, national_totals=True)
    assert viewer.home == Area("province", "30")
    officer = accounts.authenticate(engine, "do3001", PASSWORDS["do3001"], national_totals=False)
    assert officer.home == Area("district", "3001") and not officer.national_totals


@pytest.mark.parametrize("name, password, reason", [
    ("gov30", "wrong-password-x", "invalid"), ("nobody", "whatever-pass", "invalid"),
    ("off1", PASSWORDS["off1"], "disabled"),
])
def test_refusals(engine, name, password, reason):
    with pytest.raises(accounts.SignInRefused) as refusal:
        accounts.authenticate(engine, name, password)
    assert refusal.value.reason == reason


def test_failed_attempt_limit_locks_the_account_for_a_while(engine):
    accounts.add(engine, "lockme", "lock-me-password", "staff")
    now = dt.datetime(2026, 11, 20, 9, 0)
    for _ in range(accounts.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(accounts.SignInRefused, match="invalid"):
            accounts.authenticate(engine, "lockme", "not-the-password", now=now)
    with pytest.raises(accounts.SignInRefused, match="locked"):
        accounts.authenticate(engine, "lockme", "not-the-password", now=now)
    with pytest.raises(accounts.SignInRefused, match="locked"):  # even the right password, while locked
        accounts.authenticate(engine, "lockme", "lock-me-password", now=now + dt.timedelta(minutes=5))
    later = now + dt.timedelta(minutes=accounts.LOCK_MINUTES + 1)
    assert accounts.authenticate(engine, "lockme", "lock-me-password", now=later).name == "lockme"


def test_every_attempt_is_audited(engine):
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(engine, "gov30", "wrong-password-y")
    accounts.authenticate(engine, "gov30", PASSWORDS["gov30"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action, detail, scope FROM audit_log WHERE actor = 'gov30' "
                                 "ORDER BY audit_id DESC")).all()
    assert rows[0] == ("sign_in", "governor", "province 30") and rows[1][:2] == ("sign_in_failed", "invalid")
    with pytest.raises(NotPermitted):
        audit.recent(ScopedReader(engine, Viewer("gov30", "governor", "30")))
    assert len(audit.recent(ScopedReader(engine, Viewer("admin1", "admin")))) > 0


def test_short_passwords_and_roles_without_their_area_are_refused(engine):
    with pytest.raises(ValueError, match="at least"):
        accounts.add(engine, "shorty", "short", "staff")
    with pytest.raises(ValueError, match="province"):
        accounts.add(engine, "nogov", "long-enough-pass", "governor")


GOVERNOR = Viewer("gov30", "governor", "30", national_totals=True)
OFFICER = Viewer("do3001", "district_officer", "30", "3001")


@pytest.mark.parametrize("viewer, area", [
    (GOVERNOR, Area("province", "50")), (GOVERNOR, Area("district", "5001")), (GOVERNOR, Area("region", "northeast")),
    (OFFICER, Area("district", "3002")), (OFFICER, Area("province", "30")), (OFFICER, NATION),
])
def test_out_of_scope_areas_are_refused_before_any_sql(engine, viewer, area):
    with pytest.raises(NotPermitted):
        queries.rollup(ScopedReader(engine, viewer), "padme", area, PERIOD)
    with pytest.raises(NotPermitted):
        queries.sdg_values(ScopedReader(engine, viewer), area, 2569)


def test_a_governor_sees_the_national_total_but_no_other_province(engine):
    nation = queries.rollup(ScopedReader(engine, GOVERNOR), "thaiqm", NATION, PERIOD)
    assert nation.n_target.iloc[0] == queries.rollup(ScopedReader(engine, Viewer("x")), "thaiqm", NATION, PERIOD).n_target.iloc[0]
    with pytest.raises(NotPermitted):
        queries.rollup(ScopedReader(engine, GOVERNOR), "thaiqm", NATION, PERIOD, by="province")
    with pytest.raises(NotPermitted):  # without the policy, not even the total
        queries.rollup(ScopedReader(engine, Viewer("g", "governor", "30")), "thaiqm", NATION, PERIOD)
    own = queries.rollup(ScopedReader(engine, GOVERNOR), "thaiqm", Area("province", "30"), PERIOD, by="district")
    assert set(own.area_code.str[:2]) == {"30"}
    mine = queries.rollup(ScopedReader(engine, OFFICER), "thaiqm", Area("district", "3001"), PERIOD, by="district")
    assert mine.area_code.tolist() == ["3001"]


def test_an_identity_provider_sign_in_maps_to_the_account_of_that_name(engine):
    viewer = accounts.viewer_for_identity(engine, "gov30")
    assert viewer.role == "governor" and viewer.home == Area("province", "30")
    assert accounts.viewer_for_identity(engine, "stranger@moi.go.th") is None
    assert accounts.viewer_for_identity(engine, "off1") is None  # disabled


def test_row_level_queries_over_the_nation_stay_refused_even_with_the_national_policy(engine):
    from sqlalchemy import select as sa_select
    stmt = sa_select(s.padme_project.c.project_id).join(s.district, s.district.c.dist_code == s.padme_project.c.dist_code)
    with pytest.raises(NotPermitted):
        ScopedReader(engine, GOVERNOR).frame(stmt, NATION, ByDistrict(s.padme_project.c.dist_code))  # default: rows
