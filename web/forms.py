"""The sign-in form as HTML: a page of its own (GET /sign-in, and the answer to a refused post) and
the same form inside the app (ui.auth, through st.html) when a run finds no live session.

Every value that is not ours (the user name typed, the page to return to) is HTML-escaped; the form
posts to /sign-in, never over the app's websocket, with the CSRF token of the browser's cookie.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote

from data_access.settings import session_limits
from ui.i18n import t

ROUTE = "/sign-in"
CSRF_FIELD = "csrf"
CSRF_COOKIE = "warroom_csrf"  # HttpOnly; the form carries the same value (a double submit)

# Inside the app, Streamlit's theme tokens style the page around it; on its own page it needs its own.
_STYLE = """
.wr-signin{max-width:26rem;font-family:Sarabun,system-ui,sans-serif;color:#0F172A}
.wr-signin h2{font-size:1.35rem;margin:0 0 .25rem}
.wr-signin p{margin:.25rem 0 .75rem;color:#475569;font-size:.95rem}
.wr-signin label{display:block;font-size:.95rem;margin:.75rem 0 .25rem}
.wr-signin input[type=text],.wr-signin input[type=password]{box-sizing:border-box;width:100%;min-height:48px;
  font-size:1.05rem;padding:.5rem .75rem;border:1px solid #CBD5E1;border-radius:6px;background:#fff}
.wr-signin button{margin-top:1rem;min-height:48px;width:100%;font-size:1.05rem;font-weight:600;color:#fff;
  background:#1D4ED8;border:0;border-radius:6px;cursor:pointer}
.wr-signin .wr-error{background:#FEE2E2;color:#991B1B;border-radius:6px;padding:.6rem .75rem;margin:.5rem 0}
.wr-signin .wr-note{font-size:.85rem;color:#64748B}
.wr-signin a{color:#1D4ED8}
"""


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never //host or a scheme)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(c < " " for c in target):
        return "/"
    return target


def form(lang: str, csrf: str, next_path: str = "/", error: str | None = None, username: str = "") -> str:
    """The form, as an HTML fragment."""
    limits = session_limits()
    other = "en" if lang == "th" else "th"
    switch = f"{ROUTE}?lang={other}&amp;next={escape(quote(safe_next(next_path), safe='/'))}"
    return f"""<div class="wr-signin" lang="{lang}">
<h2>{escape(t("sign_in", lang))}</h2>
<p>{escape(t("signin_intro", lang))}</p>
{f'<div class="wr-error" role="alert">{escape(error)}</div>' if error else ""}
<form method="post" action="{ROUTE}" autocomplete="on">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
<input type="hidden" name="next" value="{escape(safe_next(next_path))}">
<input type="hidden" name="lang" value="{lang}">
<label for="wr-username">{escape(t("username", lang))}</label>
<input type="text" id="wr-username" name="username" value="{escape(username)}" autocomplete="username"
 autocapitalize="none" spellcheck="false" required maxlength="64">
<label for="wr-password">{escape(t("password", lang))}</label>
<input type="password" id="wr-password" name="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">{escape(t("sign_in", lang))}</button>
</form>
<p class="wr-note">{escape(t("signin_keep", lang).format(days=limits["session_days"],
                                                           hours=round(limits["idle_minutes"] / 60)))}</p>
<p class="wr-note"><a href="{switch}">{escape(t("signin_other_lang", lang))}</a></p>
</div>"""


def style() -> str:
    return f"<style>{_STYLE}</style>"


def page(lang: str, csrf: str, next_path: str = "/", error: str | None = None, username: str = "") -> str:
    """The form as a whole page of its own: small, so a tablet on a weak 4G link gets it at once."""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("sign_in", lang))} · War Room</title>
<style>
@font-face{{font-family:Sarabun;src:url(/app/static/fonts/sarabun-thai-400-normal.woff2) format("woff2");
  unicode-range:U+0E01-0E5B,U+200C-200D,U+25CC}}
@font-face{{font-family:Sarabun;src:url(/app/static/fonts/sarabun-latin-400-normal.woff2) format("woff2")}}
body{{margin:0;background:#F1F5F9;display:flex;min-height:100vh;align-items:center;justify-content:center}}
main{{background:#fff;border:1px solid #CBD5E1;border-radius:10px;padding:1.5rem 1.75rem;margin:1rem;width:100%;max-width:26rem}}
.wr-title{{font-family:Sarabun,system-ui,sans-serif;font-weight:700;font-size:1.1rem;color:#0F172A;margin:0 0 1rem}}
{_STYLE}</style></head>
<body><main><div class="wr-title">{escape(t("app_title", lang))}</div>
{form(lang, csrf, next_path, error, username)}</main></body></html>"""
