"""Sign-in and scope as a user meets them (AppTest), on SQLite and PostgreSQL."""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import t
from tests.conftest import PASSWORDS, map_specs

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def accounts_mode(accounts_url, monkeypatch, browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", accounts_url)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")
    global _TOKEN, _URL
    _TOKEN, _URL = browser_token, accounts_url


def signed_in(name: str, query: dict | None = None) -> AppTest:
    """The app opened by a browser whose session cookie is NAME's (signed in at /sign-in, web/signin.py;
    the form's own refusals are tests/test_web.py's)."""
    from data_access import accounts, db
    accounts.authenticate(db.engine_for(_URL), name, PASSWORDS[name])  # what the form's post checks first
    _TOKEN.sign_in(_URL, name)
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shows_the_form(at) -> bool:
    """The run stopped at the sign-in form: the HTML form posting to /sign-in, and no figure."""
    return (not at.metric and not at.get("vega_lite_chart")
            and any('action="/sign-in"' in h.proto.body for h in at.get("html")))


def map_codes(at) -> set[str]:
    """The area codes the page's map joins its values to (every area it draws, and all the data it sends)."""
    maps = map_specs(at)
    return set(maps[0]["values"]) if maps else set()


def shown_text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.metric] + [b.label for b in at.button]
                    + [str(df.value.to_dict()) for df in at.dataframe] + [c.value for c in at.caption])


def refused(at) -> bool:
    return any(t("not_permitted", "th") in e.value for e in at.error)


def test_nothing_is_shown_before_sign_in():
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception and shows_the_form(at)
    assert not at.text_input  # the password is never typed into a widget: it goes over HTTP, not the websocket
    _TOKEN.set("a-token-never-issued")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert shows_the_form(at) and not at.warning


def test_a_disabled_accounts_session_shows_the_form():
    from data_access import accounts, db
    accounts.add(db.engine_for(_URL), "tmp-staff", "temporary-pass-1", "staff")
    _TOKEN.sign_in(_URL, "tmp-staff")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert at.metric
    accounts.set_disabled(db.engine_for(_URL), "tmp-staff")  # from another process, as the CLI would
    at.run()
    assert shows_the_form(at) and any(t("session_ended", "th") in w.value for w in at.warning)


def test_a_governor_lands_on_their_province_and_sees_only_it():
    at = signed_in("gov30")
    assert at.query_params["level"] == "province" and at.query_params["area"] == "30"
    assert map_codes(at) and all(code.startswith("30") for code in map_codes(at))
    assert "ประเทศไทย" not in [b.label for b in at.button]  # no way up past their province
    assert not refused(at)


@pytest.mark.parametrize("query", [
    {"level": "province", "area": "50"}, {"level": "district", "area": "5001"}, {"level": "nation"},
    {"level": "region", "area": "north"},
])
def test_url_tampering_gets_not_permitted_and_no_figure(query):
    at = signed_in("gov30", query)
    assert refused(at)
    assert not at.metric and not at.get("vega_lite_chart") and not at.dataframe
    assert "เชียงใหม่" not in shown_text(at)  # nothing of Chiang Mai (50), not even its name


def test_the_refusal_offers_the_way_home():
    at = signed_in("gov30", {"level": "province", "area": "50"})
    at.button(key=[b.key for b in at.button if b.label == t("go_home", "th")][0]).click().run()
    assert not refused(at) and map_codes(at) and all(c.startswith("30") for c in map_codes(at))


def test_a_district_officer_sees_only_their_district():
    at = signed_in("do3001")
    assert at.header[0].value == "อำเภอเมืองนครราชสีมา" and not refused(at)
    assert not map_specs(at)  # their district's profile, not a map
    at = signed_in("do3001", {"level": "district", "area": "3002"})
    assert refused(at) and not at.metric


def test_profile_page_is_scoped_too():
    at = signed_in("gov30")
    at.switch_page("pages/profile.py").run()
    assert not at.exception and not refused(at) and at.header[0].value == "นครราชสีมา"
    at = signed_in("gov30", {"level": "province", "area": "50"})
    at.switch_page("pages/profile.py").run()
    assert refused(at) and not at.metric


@pytest.mark.parametrize("name", ["exec1", "staff1"])
def test_country_roles_see_the_nation(name):
    at = signed_in(name)
    assert len(map_codes(at)) == 77 and not refused(at)


def test_only_admins_read_the_audit_log():
    from data_access import accounts, db
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(db.engine_for(_URL), "gov30", "not-the-password")
    at = signed_in("gov30")
    at.switch_page("pages/admin.py").run()
    assert any(t("not_permitted_page", "th") in e.value for e in at.error) and not at.dataframe
    assert at.get("page_link")  # a page refusal offers the overview, not "back to my area"
    at = signed_in("admin1")
    at.switch_page("pages/admin.py").run()
    assert not refused(at)
    log = next(d.value for d in at.dataframe if "action" in d.value.columns)  # the audit log
    assert {"sign_in", "sign_in_failed", "denied"} <= set(log["action"])
    assert not any(p in log.to_string() for p in PASSWORDS.values())


def test_an_idle_session_is_signed_out(clock):
    from data_access.settings import session_limits
    idle = session_limits()["idle_minutes"]
    at = signed_in("gov30")
    clock.advance(minutes=idle - 1)
    at.run()
    assert at.metric and not at.warning  # just under the limit: still signed in, and the count starts again
    clock.advance(minutes=idle - 1)
    at.run()
    assert at.metric and not at.warning
    clock.advance(minutes=idle + 1)
    at.run()
    assert any(t("session_expired", "th") in w.value for w in at.warning) and shows_the_form(at)


def test_a_reload_is_the_same_session_without_a_password():
    """A new Streamlit session (a reload, a second tab, a restarted server) with the same cookie."""
    first = signed_in("gov30")
    again = AppTest.from_file(APP, default_timeout=90).run()
    assert first.metric and again.metric and not shows_the_form(again)
    assert again.query_params["area"] == "30"


def test_sign_out_returns_to_the_form_and_everywhere_ends_the_other_tabs_too():
    from data_access import db, sessions
    at = signed_in("gov30")
    at.button(key="signout").click().run()
    assert shows_the_form(at) and not at.warning  # one's own sign-out needs no warning
    other = _TOKEN.sign_in(_URL, "gov30")
    tablet = sessions.start(db.engine_for(_URL), "gov30")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.button(key="signout_everywhere").click().run()
    assert shows_the_form(at)
    engine = db.engine_for(_URL)
    assert sessions.resume(engine, other).reason == sessions.resume(engine, tablet).reason == "ended"


def test_no_page_renders_unsafe_html():
    """No data is ever rendered as HTML; the only st.html calls are the two static stylesheets (files:
    touch targets on tablets, wall-scale type on the kiosk)."""
    code = [p for d in ("app.py", "pages", "ui") for p in ((ROOT / d).rglob("*.py") if (ROOT / d).is_dir() else [ROOT / d])]
    allowed = ('st.html(f"<style>{kiosk.stylesheet() if wall else _touch_css()}</style>")',
               "st.html(forms.style() + forms.form(lang, _csrf_token(), _here()))")  # escaped: tests/test_web.py
    offenders = []
    for path in code:
        text = path.read_text()
        for call in allowed:
            text = text.replace(call, "")
        if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(", text):
            offenders.append(str(path))
    assert not offenders
    for sheet in ("touch.css", "kiosk.css"):  # stylesheets, nothing that could be markup
        assert "<" not in (ROOT / "static" / sheet).read_text()


def test_oidc_mode_asks_the_identity_provider_first(monkeypatch):
    monkeypatch.setenv("WARROOM_AUTH", "oidc")
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "warroom", "client_secret": "s",
                          "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at.run()
    assert not at.exception and not at.metric
    assert [b.label for b in at.button] == [t("sign_in_oidc", "th")]


def test_oidc_mode_without_its_secrets_says_so(monkeypatch):
    monkeypatch.setenv("WARROOM_AUTH", "oidc")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception and not at.metric and not at.button
    assert t("oidc_not_configured", "th") in at.error[0].value


def test_auto_asks_for_accounts_on_a_configured_database_even_with_demo_figures(monkeypatch):
    """Only the embedded store `make run` creates opens the demo's role chooser; a configured database
    seeded with demo figures (a staging server, say) must not hand anyone the admin role."""
    monkeypatch.delenv("WARROOM_AUTH", raising=False)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert shows_the_form(at)
    assert any(t("demo_banner", "th") in i.value for i in at.info)  # still labelled as demo data


# --- an identity provider's users (OIDC) are kept in the session like an account's -----------------
OIDC_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "warroom", "client_secret": "s",
                "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.fixture
def oidc(monkeypatch, accounts_url):
    """Open the app as the identity provider's user NAME; records which pages the navigation lists."""
    import streamlit as st
    monkeypatch.setenv("WARROOM_AUTH", "oidc")
    listed: dict[str, str] = {}
    real_page = st.Page

    def page(*args, **kwargs):
        listed[kwargs.get("url_path", "")] = kwargs.get("visibility", "visible")
        return real_page(*args, **kwargs)
    monkeypatch.setattr(st, "Page", page)

    def open_as(name: str, **query) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        at.secrets["auth"] = OIDC_SECRETS
        at.user = {"is_logged_in": True, "email": name, "name": name.upper()}
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    open_as.listed = listed
    return open_as


def _sign_ins(url: str, name: str) -> int:
    from sqlalchemy import func, select
    from data_access import db, schema
    a = schema.audit_log
    with db.engine_for(url).connect() as conn:
        return conn.execute(select(func.count()).where(a.c.actor == name, a.c.action == "sign_in")).scalar_one()


def test_an_oidc_admin_keeps_the_session_and_gets_the_admin_pages(oidc, accounts_url):
    before = _sign_ins(accounts_url, "admin1")
    at = oidc("admin1")
    assert at.session_state["viewer"].role == "admin" and at.metric
    at.run()  # a rerun (a click, the live check) is the same session: not a new sign-in
    at.run()
    assert _sign_ins(accounts_url, "admin1") == before + 1
    assert {k: oidc.listed[k] for k in ("admin", "health", "import")} == {
        "admin": "visible", "health": "visible", "import": "visible"}
    at.switch_page("pages/admin.py").run()
    assert not refused(at) and "(oidc)" in next(d.value for d in at.dataframe if "action" in d.value.columns).to_string()


def test_an_oidc_governor_sees_their_province_and_no_admin_pages(oidc):
    at = oidc("gov30")
    assert at.session_state["viewer"].prov_code == "30"
    assert map_codes(at) and all(c.startswith("30") for c in map_codes(at))
    assert {k: oidc.listed[k] for k in ("admin", "health", "import")} == {
        "admin": "hidden", "health": "hidden", "import": "hidden"}
    at.switch_page("pages/admin.py").run()
    assert any(t("not_permitted_page", "th") in e.value for e in at.error) and not at.dataframe


def test_an_idle_oidc_session_is_signed_out_of_the_identity_provider_too(oidc, clock):
    from data_access.settings import session_limits
    at = oidc("gov30")
    clock.advance(minutes=session_limits()["idle_minutes"] + 1)  # the same idle rule as an account's
    at.run()
    assert any(t("session_expired", "th") in w.value for w in at.warning)
    assert at.user.get("is_logged_in") is False and not at.metric  # st.logout ended the identity's cookie
    assert [b.label for b in at.button] == [t("sign_in_oidc", "th")]


def test_oidc_sign_out_forgets_the_viewer_and_the_identity(oidc, accounts_url):
    from data_access import audit, db
    from data_access.reader import ScopedReader
    from data_access.scope import Viewer
    at = oidc("gov30")
    at.button(key="signout").click().run()
    assert at.user.get("is_logged_in") is False and "viewer" not in at.session_state and not at.metric
    log = audit.recent(ScopedReader(db.engine_for(accounts_url), Viewer("admin1", "admin")), 20)
    assert ((log.actor == "gov30") & (log.action == "sign_out")).any()


def test_an_admin_ends_a_governors_session_from_the_admin_page():
    from data_access import db, sessions
    engine = db.engine_for(_URL)
    tablet = sessions.start(engine, "gov30", "Safari on the governor's iPad", "10.30.0.7")
    session_id = sessions.resume(engine, tablet).session_id
    at = signed_in("admin1")
    at.switch_page("pages/admin.py").run()
    live = next(d.value for d in at.dataframe if "session_id" in d.value.columns)
    assert session_id in set(live.session_id) and "token_hash" not in live.columns
    at.selectbox(key="admin_session").set_value(session_id).run()
    at.button(key="admin_end_session").click().run()
    assert not at.exception and sessions.resume(engine, tablet).reason == "ended"
    live = next(d.value for d in at.dataframe if "session_id" in d.value.columns)
    assert session_id not in set(live.session_id)
    _TOKEN.set(tablet)  # the governor's open tab, at its next interaction
    governor = AppTest.from_file(APP, default_timeout=90).run()
    assert shows_the_form(governor) and any(t("session_ended", "th") in w.value for w in governor.warning)


def test_the_form_brings_the_user_back_to_the_page_and_its_state():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"], at.query_params["level"], at.query_params["area"] = "en", "province", "30"
    at.run()
    body = next(h.proto.body for h in at.get("html") if 'action="/sign-in"' in h.proto.body)
    nxt = re.search(r'name="next" value="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert "lang=en" in nxt and "area=30" in nxt and nxt.startswith("/")
    assert 'lang="en"' in body and t("sign_in", "en") in body
