"""Data never becomes markup: text that comes from the data (imported projects, reports and relief
titles, the meeting's notes, account and area names, file names, URL values) shows exactly as typed
on every page, in every element Streamlit reads as Markdown (AppTest, on a database of its own).

"Shows as typed" is checked on the rendering, not on the escaping: each element's Markdown is parsed
by a CommonMark parser (markdown-it-py, raw HTML on) after the rewrites Streamlit's own renderer
makes on top of CommonMark (`streamlit_text` models them: `:material/` icons, `:name[...]`
directives, `$...$` LaTeX, then on the parsed text its typographic arrows, `:streamlit:`, emoji
shortcodes and GFM autolinks), and the text a reader gets must hold every hostile string verbatim,
with no link, emphasis, code, image, heading, list, quote or HTML element made of it. A browser check
of the same on the PADME report is in tests/test_literal_text_browser.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as hst
from markdown_it import MarkdownIt
from sqlalchemy import update
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from data_access import accounts, db, imports, schema as s, snapshots
from data_access.scope import Area, Viewer
from data_access.seed import seed
from tests.conftest import AS_OF, cebrs_bytes
from ui import fmt
from ui.weekly_view import REVIEWED  # the weekly review's KPIs, each with its note

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAST_WEEK, THIS_WEEK = dt.date(2026, 11, 9), dt.date(2026, 11, 16)
# Everything Streamlit's Markdown would turn into markup, with Thai around it. Every planted string
# holds "evil", so any piece of one that reaches the screen outside a verbatim copy is caught.
CORE = ("**B** [x](http://evil.example) www.evil.example :red[R] :material/home: :tada: :streamlit: "
        "<b>h</b> $x^2$ `c` # H -> a@evil.example &amp; ~~s~~ | t | _i_")
PROJECT_ID = "P2570-3001-**E**[e](http://evil.example)"
PROVINCE_TH, PROVINCE_EN = f"โคราช {CORE} เมืองย่าโม", f"Korat {CORE} city"
DISTRICT_TH, DISTRICT_EN = f"เมือง {CORE} ริมลำตะคอง", f"Mueang {CORE} town"
SUBDISTRICT_TH = f"ในเมือง {CORE} ตำบล"
FIELDS = {name: f"{thai} {CORE} จบ" for name, thai in (
    ("agency", "สำนักงานจังหวัด"), ("name", "ก่อสร้างระบบประปา"), ("indicator", "ครัวเรือนมีน้ำใช้"),
    ("indicator_unit", "ครัวเรือน"), ("master_plan", "แผนแม่บท"), ("cabinet_policy", "นโยบาย ครม."),
    ("moi_strategy", "ยุทธศาสตร์ มท."), ("new_gov_policy", "นโยบายรัฐบาลใหม่"))}
REPORT = {"result_text": f"ผลการดำเนินงาน {CORE}\nบรรทัดที่สอง", "problems": f"ปัญหา {CORE}\n- ข้อหนึ่ง\n    โค้ด"}
RELIEF_TITLE = f"ช่วยเหลือผู้ประสบภัย {CORE} ตำบลในเมือง"
NOTE_LAST = f"บันทึกสัปดาห์ก่อน {CORE}\nบรรทัดสอง\n# ไม่ใช่หัวข้อ"
NOTE_THIS = f"บันทึกสัปดาห์นี้ {CORE}"
USER, DISPLAY = f"ผู้ดูแล {CORE}", f"ชื่อที่แสดง {CORE}"
GOVERNOR_USER = f"ผู้ว่า {CORE}"
FILE_NAME = "โครงการ **B** [x](evil) :red[R] $x$.csv"
BAD_URL = "**B**[x](http://evil.example)"
PLANTED = sorted({CORE, PROJECT_ID, PROVINCE_TH, PROVINCE_EN, DISTRICT_TH, DISTRICT_EN, SUBDISTRICT_TH,
                  *FIELDS.values(), *REPORT.values(), RELIEF_TITLE, NOTE_LAST, NOTE_THIS, USER, GOVERNOR_USER, DISPLAY,
                  FILE_NAME, BAD_URL}, key=len, reverse=True)
MARK = "evil"


# --- how Streamlit would show a piece of Markdown ---------------------------------------------------
PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
STRUCTURE = {"p", "br", "strong", "ol", "li"}  # what the pages' own Markdown makes (kiosk laggards: a list)
UNESCAPED = r"(?<!\\)((?:\\\\)*)"  # an even number of backslashes (none) before the next character
# Streamlit's renderer (static/js/StreamlitMarkdown.*.js): inline math is found on the source with its
# escapes and code spans taken out; emoji load when the source holds a shortcode; these run on the
# parsed text nodes (links excepted): typographic symbols, the logo, icons, emoji, GFM autolinks.
CODE_OR_ESCAPE = re.compile(r"(?:^|(?<=\n)) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]")
INLINE_MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)|(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")
EMOJI_IN_SOURCE = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
TEXT_REWRITES = [re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"), re.compile(":streamlit:"),
                 re.compile(r":material_(\w+):"), re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I),
                 re.compile(r"(?:^|(?<=[\s\W]))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")]
EMOJI_IN_TEXT = re.compile(r":\+1:|:-1:|:[\w-]+:")
HIT = "\x01"  # where a rewrite would have made markup: never part of a planted string


class _Html(HTMLParser):
    """Tags, the text inside elements (each text node rewritten as Streamlit would), and the text of
    each <strong>."""

    def __init__(self, emoji: bool):
        super().__init__(convert_charrefs=True)
        self.emoji, self.tags, self.parts, self.open, self.strong = emoji, [], [], 0, []

    def handle_startendtag(self, tag, attrs):  # <br />, <img />, <hr />
        self.tags.append(tag)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("br", "img", "hr"):
            return
        self.open += 1
        if tag == "strong":
            self.strong.append([len(self.parts), None])

    def handle_endtag(self, tag):
        self.open -= 1
        if tag == "strong":
            start = next(s for s in reversed(self.strong) if s[1] is None)
            start[1] = len(self.parts)

    def handle_data(self, data):
        if not self.open:
            return  # the line feeds between blocks
        for pattern in TEXT_REWRITES + ([EMOJI_IN_TEXT] if self.emoji else []):
            data = pattern.sub(lambda m: HIT + m.group(0), data)
        self.parts.append(data)


def streamlit_text(source: str) -> tuple[str, list[str], list[str]]:
    """(text a reader gets, tags, texts of bold runs) of `source` rendered as Streamlit would; the
    places where Streamlit would make markup of the text carry HIT. fmt.JOINER is invisible."""
    source = source.replace(":material/", ":material_")  # Streamlit does this to the source first
    directives = re.sub(UNESCAPED + r":([a-z][a-z0-9-]*)(?=[\[{])", r"\1" + HIT, source)
    if INLINE_MATH.search(CODE_OR_ESCAPE.sub("_", source)):
        directives = re.sub(UNESCAPED + r"\$", r"\1" + HIT, directives)
    page = _Html(bool(EMOJI_IN_SOURCE.search(source)))
    page.feed(PARSER.render(directives))
    page.close()
    text = "".join(page.parts).replace(fmt.JOINER, "")
    bold = ["".join(page.parts[a:b]).replace(fmt.JOINER, "") for a, b in page.strong]
    return text, page.tags, bold


def assert_literal(source: str, where: str) -> bool:
    """Every hostile string in `source` reads verbatim once rendered, and made no markup. True when
    `source` held one."""
    if MARK not in source.replace("\\", ""):
        return False
    text, tags, bold = streamlit_text(source)
    rest = text
    for planted in PLANTED:
        rest = rest.replace(planted, "")
    assert rest != text, f"{where}: no planted string reads verbatim in {text!r} (from {source!r})"
    assert MARK not in rest and HIT not in rest, f"{where}: data became markup: {text!r} (from {source!r})"
    assert set(tags) <= STRUCTURE, f"{where}: {set(tags) - STRUCTURE} from {source!r}"
    for run in bold:  # the page may bold a whole name; a piece of one in bold came from the data
        assert not any(run in p and p not in run for p in PLANTED), f"{where}: bold {run!r} in {source!r}"
    return True


def markdown_sources(at: AppTest) -> list[tuple[str, str]]:
    """(where, Markdown) of every text on the page that Streamlit reads as Markdown, sidebar included:
    markdown, captions, headers, alerts, toasts, badges; labels of buttons, widgets, metrics, tabs and
    expanders; metric values; help tooltips; st.table cells and headers. Not dataframes, selectbox
    options or text_area values, which Streamlit shows literally."""
    found = []
    for node in at._tree:
        kind = type(node).__name__
        if isinstance(node, (et.Markdown, et.HeadingBase, et.AlertBase, et.Toast)):
            found.append((kind, node.value))
        elif isinstance(node, et.Metric):
            found += [(f"{kind} label", node.label), (f"{kind} value", node.value)]
        elif isinstance(node, et.Table):
            frame = node.value
            found += [(f"{kind} header", str(c)) for c in frame.columns]
            found += [(f"{kind} cell", str(v)) for v in frame.astype(str).to_numpy().ravel()]
        elif isinstance(node, (et.Tab, et.Expander)):
            found.append((kind, node.label))
        elif isinstance(node, (et.Widget, et.PageLink)) and isinstance(getattr(node, "label", None), str):
            found.append((f"{kind} label", node.label))
        help_text = getattr(getattr(node, "proto", None), "help", None)
        if isinstance(help_text, str) and help_text:
            found.append((f"{kind} help", help_text))
    return found


def literal_everywhere(at: AppTest, page: str) -> list[str]:
    """Check every Markdown text of the page; the sources that held data."""
    assert not at.exception, [e.message for e in at.exception]
    return [src for where, src in markdown_sources(at) if assert_literal(src, f"{page} · {where}")]


def shown_in_tables(at: AppTest) -> str:
    return " ".join(str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel())


# --- the escaping itself ----------------------------------------------------------------------------
TEXT = hst.text(hst.characters(blacklist_categories=("Cs",), blacklist_characters="\x00" + HIT), max_size=60)
NASTY = hst.lists(hst.sampled_from(["**", "*", "_", "`", "[x](http://e.x)", "<b>", "</b>", "&amp;", "&#42;", "\\",
                                    "\n", "\r\n", "    ", "\t", "# ", "- ", "1. ", "> ", "|", "---", "===", "~~",
                                    ":red[", "]", ":material/home:", ":tada:", ":streamlit:", "$x$", "$", "->",
                                    "--", "<=", "www.e.x", "a@b.co", "https://e.x", " ", "ก", "ข้อ", "{", "}"]),
                  max_size=12).map("".join)


def typed(text: str) -> str:
    """What a reader should see of `text`: its characters, line breaks as LF, controls left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(fmt.JOINER, "")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)


@settings(max_examples=400, deadline=None)
@given(hst.one_of(TEXT, NASTY, hst.tuples(TEXT, NASTY).map("".join)), hst.booleans())
def test_literal_round_trips_through_a_commonmark_renderer(text, breaks):
    rendered = fmt.literal(text, breaks=breaks)
    shown, tags, bold = streamlit_text(rendered)
    assert shown == typed(text)
    assert set(tags) <= {"p", "br"} and not bold
    assert "br" not in tags or breaks
    # Inside the pages' own Markdown too: their bold stays theirs, the text stays as typed.
    shown, tags, bold = streamlit_text(f"**ชื่อ:** {rendered} · 12.5%")
    assert shown == f"ชื่อ: {typed(text)} · 12.5%" and bold == ["ชื่อ:"]


def test_literal_leaves_thai_and_plain_words_alone():
    assert fmt.literal("นครราชสีมา") == "นครราชสีมา"
    assert fmt.literal("Mueang Nakhon Ratchasima") == "Mueang Nakhon Ratchasima"
    assert fmt.literal(None) == "" and fmt.literal(float("nan")) == ""
    assert fmt.literal("จ.ป.ร.") == r"จ\.ป\.ร\."  # shows "จ.ป.ร."
    assert fmt.literal("a\nb") == "a\\\nb" and fmt.literal("a\nb", breaks=False) == "a&#10;b"


def test_the_model_of_streamlit_catches_what_the_issue_saw():
    """The checker itself: unescaped, the hostile text would have made markup."""
    for source in (CORE, f"**{PROVINCE_TH}**", f"ชื่อ {USER}"):
        with pytest.raises(AssertionError):
            assert_literal(source, "unescaped")


# --- a database of hostile rows -----------------------------------------------------------------------
def _write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("literal")
    url = f"sqlite:///{folder / 'warroom.db'}"
    engine = db.engine_for(url)
    seed(engine, "test", AS_OF)
    with engine.begin() as conn:  # reference names, as a changed gazetteer could bring them
        conn.execute(update(s.province).where(s.province.c.prov_code == "30").values(name_th=PROVINCE_TH, name_en=PROVINCE_EN))
        conn.execute(update(s.district).where(s.district.c.dist_code == "3001").values(name_th=DISTRICT_TH, name_en=DISTRICT_EN))
        conn.execute(update(s.subdistrict).where(s.subdistrict.c.subdist_code == "300101").values(name_th=SUBDISTRICT_TH))
    snapshots.take(engine, LAST_WEEK)
    project = {**imports.CONTRACTS["padme_projects"].example, **FIELDS, "project_id": PROJECT_ID}
    imports.import_file(engine, "padme_projects", _write_csv(folder / FILE_NAME, [project]))
    report = {**imports.CONTRACTS["padme_reports"].example, **REPORT, "project_id": PROJECT_ID, "status": "late",
              "reported_at": "2026-11-19 09:00"}
    imports.import_file(engine, "padme_reports", _write_csv(folder / "report.csv", [report]))
    relief = folder / "relief.csv"
    relief.write_bytes(cebrs_bytes({"project_id": "C2570-3001-EVIL", "title": RELIEF_TITLE}))
    imports.import_file(engine, "cebrs", relief)
    admin = Viewer(name="admin-test", role="admin")
    for week, note in ((LAST_WEEK, NOTE_LAST), (THIS_WEEK, NOTE_THIS)):
        for key in REVIEWED:
            snapshots.write_note(engine, admin, Area("province", "30"), week, key, note)
    accounts.add(engine, USER, "hostile-pass-0001", "admin", DISPLAY)
    accounts.add(engine, GOVERNOR_USER, "hostile-pass-0002", "governor", DISPLAY, "30")
    return url


ADMIN, GOVERNOR = USER, GOVERNOR_USER  # accounts of hostile_db, signed in by name


@pytest.fixture
def open_page(hostile_db, monkeypatch, browser_token):
    monkeypatch.setenv("WARROOM_DB_URL", hostile_db)
    monkeypatch.setenv("WARROOM_AUTH", "accounts")  # a signed-in account with a hostile name

    def open_(page: str | None, query: dict, viewer: str = ADMIN) -> AppTest:
        browser_token.sign_in(hostile_db, viewer)
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return open_


PROVINCE = {"level": "province", "area": "30"}
DISTRICT = {"level": "district", "area": "3001"}


def test_the_hostile_rows_are_stored_as_typed(hostile_db):
    """The rows reach the pages unchanged (an import that cleaned them would make this file moot)."""
    from data_access import padme
    from data_access.reader import ScopedReader
    from data_access.scope import EVERYONE
    project, reports = padme.record(ScopedReader(db.engine_for(hostile_db), EVERYONE), Area("province", "30"), PROJECT_ID)
    assert project["name"] == FIELDS["name"] and reports.iloc[0]["problems"] == REPORT["problems"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_overview_drilled_to_the_province_and_district(open_page, lang):
    at = open_page(None, {**PROVINCE, "lang": lang})
    province = PROVINCE_TH if lang == "th" else PROVINCE_EN
    held = literal_everywhere(at, "overview province")
    assert any(province in streamlit_text(src)[0] for src in held)  # the breadcrumb
    assert any(CORE in streamlit_text(s.value)[0] for s in at.sidebar.caption)  # signed in as …
    at = open_page(None, {**DISTRICT, "lang": lang})
    held = literal_everywhere(at, "overview district")
    district = DISTRICT_TH if lang == "th" else DISTRICT_EN
    assert district in streamlit_text(at.header[0].value)[0]  # the profile's name
    assert any(province in streamlit_text(src)[0] for src in held)  # rank among the province's districts
    assert SUBDISTRICT_TH in shown_in_tables(at) or lang == "en"


def test_a_bad_url_value_is_named_as_typed(open_page):
    at = open_page(None, {"level": BAD_URL})
    held = literal_everywhere(at, "overview bad url")
    assert any(BAD_URL in streamlit_text(w.value)[0] for w in at.warning) and held


def test_profile_page(open_page):
    at = open_page("pages/profile.py", PROVINCE)
    literal_everywhere(at, "profile")
    assert PROVINCE_TH in streamlit_text(at.header[0].value)[0]


def test_padme_project_list_and_report(open_page):
    at = open_page("pages/padme.py", {**PROVINCE, "padme_project": PROJECT_ID})
    assert at.selectbox(key="padme_project").value == PROJECT_ID
    held = literal_everywhere(at, "padme")
    cells = [str(v) for tb in at.table for v in tb.value.iloc[:, 1]]
    shown = [streamlit_text(c)[0] for c in cells]
    for value in (*FIELDS.values(), *REPORT.values()):
        assert any(value in text for text in shown), value
    assert any(PROJECT_ID in streamlit_text(h.value)[0] for h in at.subheader)
    assert any(DISTRICT_TH in streamlit_text(c.value)[0] and PROVINCE_TH in streamlit_text(c.value)[0] for c in at.caption)
    assert FIELDS["name"] in shown_in_tables(at) and held
    assert any(PROJECT_ID in opt for opt in at.selectbox(key="padme_project").options)  # literal: as typed


def test_cebrs_project_list(open_page):
    at = open_page("pages/cebrs.py", PROVINCE)
    literal_everywhere(at, "cebrs")
    assert RELIEF_TITLE in shown_in_tables(at)


@pytest.mark.parametrize("page", ["pages/thaiqm.py", "pages/sdg.py"])
def test_the_other_source_pages_name_the_area_as_typed(open_page, page):
    at = open_page(page, PROVINCE)
    held = literal_everywhere(at, page)
    assert any(PROVINCE_TH in streamlit_text(src)[0] for src in held)
    at = open_page(page, DISTRICT)
    literal_everywhere(at, page + " district")


@pytest.mark.parametrize("writes", [True, False], ids=["writes notes", "reads notes"])
def test_weekly_notes_against_last_weeks_snapshot(open_page, monkeypatch, writes):
    if not writes:  # every role may write where it may read today; a reader's view shows the note as text
        from data_access import access
        real = access.allowed
        monkeypatch.setattr(access, "allowed", lambda viewer, action, *area: action != "write_note" and real(viewer, action, *area))
    at = open_page("pages/weekly.py", PROVINCE, GOVERNOR)
    assert at.selectbox(key="weekly_week").value == LAST_WEEK
    held = literal_everywhere(at, "weekly")
    notes = [streamlit_text(c.value)[0] for c in at.caption]
    assert sum(NOTE_LAST in n for n in notes) == len(REVIEWED)  # last week's, under each KPI
    if writes:
        assert [a.value for a in at.text_area] == [NOTE_THIS] * len(REVIEWED)  # the text box: as typed
    else:
        assert sum(NOTE_THIS in n for n in notes) == len(REVIEWED) and not at.text_area
    assert held


@pytest.mark.parametrize("query, viewer", [
    ({"views": f"province:30,exceptions,padme,{BAD_URL}"}, ADMIN),
    ({}, GOVERNOR),  # the default playlist at the governor's province: overview, exceptions, PADME
], ids=["playlist", "governor"])
def test_the_wall(open_page, query, viewer):
    at = open_page(None, {"kiosk": "1", **query}, viewer)
    seen = literal_everywhere(at, "kiosk")
    assert any(PROVINCE_TH in streamlit_text(h.value)[0] for h in at.header)
    for _ in range(2):
        at.session_state["kiosk_moved"] = at.session_state["kiosk_moved"] - 3600  # the rotation's timer
        at.run()
        seen += literal_everywhere(at, "kiosk next")
    if "views" in query:
        assert any(BAD_URL in streamlit_text(w.value)[0] for w in at.warning)
    assert seen


def test_admin_and_health_pages_show_names_and_files_as_typed(open_page):
    at = open_page("pages/admin.py", {})
    literal_everywhere(at, "admin")
    tables = shown_in_tables(at)
    assert USER in tables and DISPLAY in tables
    at = open_page("pages/health.py", {})
    literal_everywhere(at, "health")
    assert FILE_NAME in shown_in_tables(at)


def test_the_import_report_names_the_file_as_typed(hostile_db, tmp_path):
    """The upload page's report, accepted and refused, under a file name made of Markdown."""
    from tests.test_page_imports import run_import_app
    hostile = FILE_NAME  # a browser sends a file's own name, never a path: no "/" in it
    at = run_import_app(hostile_db, "cebrs", hostile, cebrs_bytes({"project_id": "C2570-3001-EVIL2"}))
    assert at.session_state["summary"] is not None
    assert literal_everywhere(at, "import accepted")
    assert any(hostile in streamlit_text(s.value)[0] for s in at.success)
    at = run_import_app(hostile_db, "cebrs", hostile, b"project_id\n" + CORE.encode())
    assert at.session_state["summary"] is None
    assert literal_everywhere(at, "import refused")
    assert any(hostile in streamlit_text(e.value)[0] for e in at.error)
