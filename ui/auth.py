"""Who is signed in: the demo chooser, an account's session, or the identity provider (OIDC).

Mode comes from WARROOM_AUTH or `[auth] mode` in .streamlit/warroom.toml; "auto" (the default) is
"demo" on demo data, where a visitor picks a role and area to see scoping at work, and "accounts"
on any other data.

app.py asks `navigation_viewer()` before it declares the navigation, so a session's first render
already lists the pages its viewer may open; it draws nothing, and what it finds (a resumed session,
an identity looked up) is handed to the shell's `viewer`, which then asks no second time in the run.

In accounts mode the browser signs in by posting the form to /sign-in (web/signin.py), never over the
websocket; the HttpOnly session cookie it gets back is resumed on every run (data_access.sessions), so
a reload, a second tab or a restarted server keeps the account, and a revocation applies at the next
interaction. Without a live session the run shows the same form (st.html) and stops. One idle rule
(`[auth] idle_minutes`) applies to account sessions and to OIDC ones.
"""
from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from data_access import DatabaseError, access, accounts, audit, clock, db, sessions
from data_access.scope import COUNTRY_ROLES, ROLES_WITH_AREA, Viewer
from data_access.settings import DatabaseSettings, resolve, session_limits
from web import forms

from . import config, fmt, loaders
from .i18n import t

_VIEWER, _SEEN, _IDENTITY = "viewer", "last_seen", "oidc_identity"
_FOUND = "viewer_found"  # what navigation_viewer found this run, for the shell: (kind, token or identity, answer)
DEMO_ROLES = COUNTRY_ROLES + ROLES_WITH_AREA  # the demo chooser's roles, in its order (the first is its default)


def may(viewer: Viewer | None, action: str) -> bool:
    """Whether `viewer` (None: nobody signed in yet) may do a country action: the navigation lists its page."""
    return viewer is not None and access.allowed(viewer, action)


def may_report(viewer: Viewer | None) -> bool:
    """Whether `viewer` files field reports for an area of their own (the report page is listed)."""
    return viewer is not None and viewer.home.level != "nation" and access.allowed(viewer, "report", viewer.home)


def navigation_viewer() -> Viewer | None:
    """Who this session is, found before app.py declares the navigation, drawing nothing (a widget
    ahead of st.navigation loses its first change), so the first render lists every page the viewer
    may open:
    - a session that holds its viewer (an account's or the identity provider's): that viewer;
    - the demo: the role its chooser holds now (Streamlit sets a changed widget's value before the run
      starts), else the last one chosen, else the chooser's first, as the chooser will show it;
    - an account's browser: its session cookie resumed here, and the answer handed to the shell;
    - the identity provider's user: the account looked up (and the sign-in audited) here, once.
    None when nobody is signed in yet, or when the database does not answer (the shell says so)."""
    st.session_state.pop(_FOUND, None)
    held = st.session_state.get(_VIEWER)
    if held is not None:
        return held
    try:
        if "demo_last" in st.session_state:  # the demo chooser has run in this session
            return _demo_choice(None)
        settings = resolve()
        how = _mode_of_store(settings)
        if how == "demo":
            return _demo_choice(settings.url)
        if how == "accounts":
            token = request_token()
            resumed = sessions.resume(loaders.engine(settings.url), token, _national_totals())
            st.session_state[_FOUND] = ("account", token, resumed)
            if resumed.viewer is not None:
                _hold(resumed.viewer)
            return resumed.viewer
        if not dict(st.user).get("is_logged_in", False):
            return None
        viewer = _oidc_lookup(loaders.engine(settings.url))
        st.session_state[_FOUND] = ("oidc", _identity(), (viewer,))
        return viewer
    except DatabaseError:
        return None


def _configured_mode() -> str:
    chosen = os.environ.get("WARROOM_AUTH", "").strip() or config.load()["auth"]["mode"]
    if chosen not in ("auto", "demo", "accounts", "oidc"):
        raise ValueError(f"unknown auth mode {chosen!r}")
    return chosen


def mode(demo_store: bool) -> str:
    """WARROOM_AUTH, else warroom.toml [auth] mode. "auto" opens the demo (anyone picks a role) only on
    the embedded demo store `make run` creates; any configured database asks for accounts, even one
    seeded with demo figures (a staging PostgreSQL must not hand out the admin role)."""
    chosen = _configured_mode()
    if chosen == "auto":
        return "demo" if demo_store else "accounts"
    return chosen


def _mode_of_store(settings: DatabaseSettings) -> str:
    """`mode` before the shell has looked at the store, as it will decide it: the embedded store is the
    demo's when the shell is about to (re)seed it, or when its data is the seed's ("origin" demo)."""
    if _configured_mode() != "auto" or not settings.is_embedded:
        return mode(False)
    handle = loaders.engine(settings.url)
    if not (db.has_source_data(handle) and db.schema_is_current(handle)):
        return mode(True)
    versions = tuple(sorted(loaders.versions(settings.url).items()))
    return mode(loaders.dataset_meta(settings.url, versions).get("origin") == "demo")


def _demo_choice(url: str | None) -> Viewer:
    """The viewer the demo chooser will give this run (see _demo_viewer), read without drawing it. A
    role with an area it has not been given yet gets the chooser's first province (and district)."""
    last = st.session_state.get("demo_last")

    def pick(key: str, attr: str, options: list):
        value = st.session_state.get(key, getattr(last, attr, None))
        return value if value in options else options[0]

    role = pick("demo_role", "role", list(DEMO_ROLES))
    prov = dist = None
    if role in ROLES_WITH_AREA:
        index = loaders.area_index(url or resolve().url)
        prov = pick("demo_prov", "prov_code", list(index.drop_duplicates("prov_code").prov_code))
        if role == "district_officer":
            dist = pick("demo_dist", "dist_code", list(index[index.prov_code == prov].dist_code))
    return Viewer(name=f"demo-{role}", role=role, prov_code=prov, dist_code=dist,
                  national_totals=_national_totals() and role in ROLES_WITH_AREA)


def _hold(viewer: Viewer) -> None:
    """The session is now `viewer`'s: it starts at its home area."""
    st.session_state[_VIEWER] = viewer
    st.session_state.pop("drill", None)


def _found(kind: str, key: str | None):
    """What navigation_viewer found this run for `kind` and this token or identity, else None (a run
    Streamlit started from a page file, without app.py)."""
    found = st.session_state.pop(_FOUND, None)
    return found[2] if found is not None and found[:2] == (kind, key) else None


def _national_totals() -> bool:
    return config.load()["auth"]["national_policy"] == "averages"


def sign_out(engine, lang: str, reason: str = "sign_out") -> None:
    viewer = st.session_state.pop(_VIEWER, None)
    st.session_state.pop(_SEEN, None)
    st.session_state.pop("drill", None)
    if viewer is not None:
        audit.log(engine, viewer.name, reason, str(viewer.home))


def _expired(engine, lang: str) -> bool:
    """An OIDC session idle longer than `[auth] idle_minutes` (account sessions: data_access.sessions)."""
    timeout = 60 * float(session_limits()["idle_minutes"])
    seen = st.session_state.get(_SEEN)
    if st.session_state.get(_VIEWER) is not None and seen is not None and clock.timestamp() - seen > timeout:
        _oidc_sign_out(engine, lang, "session_expired")
        return True
    return False


def request_token() -> str | None:
    """This browser's session token: the HttpOnly cookie of the request that opened the connection
    (st.context.cookies). AppTest cannot send cookies; its tests replace this function."""
    return st.context.cookies.get(sessions.COOKIE)


def _csrf_token() -> str:
    return st.context.cookies.get(forms.CSRF_COOKIE, "")


def _here() -> str:
    """This page's path and its URL state (language, period, area), to come back to after signing in
    (st.context.url holds the path the session opened, without its query)."""
    query = urlencode(st.query_params.to_dict())
    return forms.safe_next((urlsplit(st.context.url or "/").path or "/") + (f"?{query}" if query else ""))


def _account_session(engine, lang: str) -> Viewer | None:
    """The account of this browser's live session, or the sign-in form (and None)."""
    token = request_token()
    resumed = _found("account", token) or sessions.resume(engine, token, _national_totals())
    if resumed.viewer is not None:
        if st.session_state.get(_VIEWER) != resumed.viewer:
            first = st.session_state.get(_VIEWER) is None
            _hold(resumed.viewer)
            if first:  # a run without app.py (see navigation_viewer): again from app.py, for its navigation
                st.rerun()
        return resumed.viewer
    st.session_state.pop(_VIEWER, None)
    st.title(t("app_title", lang))
    if not st.session_state.pop("signed_out", False):
        if resumed.reason == "expired":
            st.warning(t("session_expired", lang))
        elif resumed.reason == "ended":
            st.warning(t("session_ended", lang))
    # A static template: every value in it is HTML-escaped (web/forms.py); it posts to /sign-in.
    st.html(forms.style() + forms.form(lang, _csrf_token(), _here()))
    return None


def _end_session(engine, everywhere: bool) -> None:
    sessions.end(engine, request_token(), everywhere=everywhere)
    st.session_state.pop(_VIEWER, None)
    st.session_state.pop("drill", None)
    st.session_state["signed_out"] = True


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _oidc(engine, lang: str) -> Viewer | None:
    """The identity provider's user as a War Room viewer, kept in the session like an account's: the
    account is looked up (and the sign-in audited) once, when the identity first appears."""
    if not dict(st.user).get("is_logged_in", False):
        st.session_state.pop(_VIEWER, None)
        st.title(t("app_title", lang))
        if not _oidc_configured():
            st.error(t("oidc_not_configured", lang))
            return None
        st.button(t("sign_in_oidc", lang), on_click=st.login, type="primary")
        return None
    identity = _identity()
    held = st.session_state.get(_VIEWER)
    if held is not None and st.session_state.get(_IDENTITY) == identity:
        return held
    looked_up = _found("oidc", identity)  # before the navigation, this run: (the viewer or None,)
    viewer = looked_up[0] if looked_up else _oidc_lookup(engine)
    if viewer is None:
        st.error(t("sign_in_no_account", lang))
        st.button(t("sign_out", lang), on_click=st.logout)
        return None
    st.rerun()  # a run without app.py (see navigation_viewer): again from app.py, for its navigation


def _identity() -> str:
    return str(st.user.get(config.load()["auth"]["username_claim"], ""))


def _oidc_lookup(engine) -> Viewer | None:
    """The signed-in identity's viewer, kept in the session: its account looked up and the sign-in
    audited once per identity the session sees (a refusal, once per run that asks)."""
    identity = _identity()
    viewer = accounts.viewer_for_identity(engine, identity, _national_totals())
    if viewer is not None:
        _hold(viewer)
        st.session_state[_IDENTITY] = identity
        st.session_state[_SEEN] = clock.timestamp()
    return viewer


def _oidc_sign_out(engine, lang: str, reason: str = "sign_out") -> None:
    """Forget the viewer, audit it, and end the identity provider's session cookie too (st.logout):
    otherwise the next run would sign the same person straight back in."""
    sign_out(engine, lang, reason)
    st.session_state.pop(_IDENTITY, None)
    st.logout()


def _keep_choice(key: str, value) -> None:
    """Streamlit drops a page's widget state when the page changes: put the last choice back first."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
    elif value is not None:
        st.session_state[key] = value


def demo_choice() -> Viewer:
    """The viewer the demo chooser holds now, before it is drawn: the shell names it on the chooser's
    button in the top bar."""
    return _demo_choice(None)


def _demo_viewer(index: pd.DataFrame, lang: str, place=None) -> Viewer:
    """The demo's chooser: look at the app as any role, for any area. It is drawn in `place`, the demo
    button of the shell's top bar (ui.shell), so it takes no room on the page until it is opened."""
    last = st.session_state.get("demo_last")
    for key, attr in (("demo_role", "role"), ("demo_prov", "prov_code"), ("demo_dist", "dist_code")):
        _keep_choice(key, getattr(last, attr, None))
    with place if place is not None else st.container():
        role = st.selectbox(t("role", lang), list(COUNTRY_ROLES) + list(ROLES_WITH_AREA),
                            format_func=lambda r: t(f"role_{r}", lang), key="demo_role")
        prov = dist = None
        if role in ROLES_WITH_AREA:
            provinces = index.drop_duplicates("prov_code")
            names = dict(zip(provinces.prov_code, provinces.prov_name_th if lang == "th" else provinces.prov_name_en))
            prov = st.selectbox(t("province", lang), list(names), format_func=names.get, key="demo_prov")
            if role == "district_officer":
                rows = index[index.prov_code == prov]
                dnames = dict(zip(rows.dist_code, rows.display_th if lang == "th" else rows.display_en))
                dist = st.selectbox(t("district", lang), list(dnames), format_func=dnames.get, key="demo_dist")
    viewer = Viewer(name=f"demo-{role}", role=role, prov_code=prov, dist_code=dist,
                    national_totals=_national_totals() and role in ROLES_WITH_AREA)
    if st.session_state.get("demo_last") not in (None, viewer):  # a new role starts at its home area
        st.session_state["drill"] = viewer.home
    st.session_state["demo_last"] = viewer
    return viewer


def keep_alive(engine) -> None:
    """Count this moment as activity (the wall: on show all day, touched by no one). A wall whose
    account session was ended meanwhile goes back to the sign-in form at once."""
    if st.session_state.get(_VIEWER) is None:
        return
    st.session_state[_SEEN] = clock.timestamp()
    if request_token() and sessions.resume(engine, request_token(), _national_totals()).viewer is None:
        st.rerun(scope="app")


def viewer(engine, index: pd.DataFrame, demo_store: bool, lang: str, kiosk: bool = False,
           chooser=None) -> Viewer:
    """The viewer for this run, or a sign-in screen and a stopped run. A kiosk (the wall) shows no
    chooser and no sidebar: on the demo it looks as the ministry's executives do. `chooser` is where
    the demo's chooser goes (the shell's demo button)."""
    how = mode(demo_store)
    if how == "demo":
        if kiosk:
            return Viewer(name="demo-kiosk", role="executive")
        return _demo_viewer(index, lang, chooser)
    if how == "oidc":
        if _expired(engine, lang):
            st.warning(t("session_expired", lang))
        found = _oidc(engine, lang)
    else:
        found = _account_session(engine, lang)
    if found is None:
        st.stop()
    st.session_state[_SEEN] = clock.timestamp()
    if kiosk:
        return found
    with st.sidebar:
        st.caption(f"{t('signed_in_as', lang)} **{fmt.literal(found.name)}** · {t('role_' + found.role, lang)}")
        if how == "oidc":
            st.button(t("sign_out", lang), on_click=_oidc_sign_out, args=(engine, lang), key="signout")
        else:
            st.button(t("sign_out", lang), on_click=_end_session, args=(engine, False), key="signout",
                      width="stretch")
            st.button(t("sign_out_everywhere", lang), on_click=_end_session, args=(engine, True),
                      key="signout_everywhere", width="stretch", type="tertiary")
    return found
