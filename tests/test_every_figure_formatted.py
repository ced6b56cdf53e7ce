"""Every page, at every level, in both languages: no raw value reaches the screen (AppTest).

One formatter (ui.fmt) draws every figure: a missing one reads "ไม่มีข้อมูล" / "No data", never
"None", "nan" or a dash-less blank; a number has its unit's fixed precision, never a raw float such as
11.14336010470258 or "0.0000"; no widget falls back to Streamlit's English placeholder ("Choose an
option"); and in Thai mode no English word shows outside proper names (the sources' names, units).
The walk reads what the person would read: Markdown, captions, headers, metric labels, values and
changes, help texts, widget labels and options, the tables' cells as displayed (a table drawn through
fmt.table shows its display values) and headers, and the text marks of the charts and maps.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from tests.conftest import vega_charts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("overview", "profile", "padme", "cebrs", "thaiqm", "sdg", "weekly", "alerts")
ADMIN_PAGES = ("admin", "health", "imports")
LEVELS = {"nation": {}, "region": {"level": "region", "area": "northeast"},
          "province": {"level": "province", "area": "30"}, "district": {"level": "district", "area": "3001"}}

RAW = re.compile(r"(?<![\w.])(None|nan|NaN|NaT|inf|-inf|Infinity|null|undefined)(?![\w.])"
                 r"|Choose an option|\d+\.\d{5,}|\b0\.0000\b")
# Words that are names, not English: the sources, the product, file formats, units and codes.
PROPER = {"PADME", "CEBRS", "ThaiQM", "TPMAP", "SDG", "SDGs", "One", "Data", "War", "Room", "KPI", "pp",
          "CSV", "Excel", "PDF", "PowerPoint", "Language", "English", "ID", "Q1", "Q2", "Q3", "Q4",
          "OpenStreetMap", "ODbL", "geoBoundaries", "CC", "BY", "HDX", "OCHA", "UN", "CEO", "LINE"}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of everything the page shows, sidebar included."""
    found: list[tuple[str, str]] = []
    for node in at._tree:
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        if isinstance(node, (et.Markdown, et.HeadingBase, et.AlertBase, et.Toast)):
            found.append((kind, node.value))
        elif isinstance(node, et.Metric):
            found += [(f"{kind} label", node.label), (f"{kind} value", node.value)]
            found += [(f"{kind} change", proto.delta)] if proto.delta else []
            found += [(f"{kind} compared", proto.delta_description)] if proto.delta_description else []
        elif isinstance(node, et.Dataframe):
            found += [(f"{kind} '{c}'", text) for c, text in table_cells(node)]
        elif isinstance(node, et.Table):
            found += [(f"{kind} cell", str(v)) for v in node.value.astype(str).to_numpy().ravel()]
        elif isinstance(node, (et.Tab, et.Expander)):
            found.append((kind, node.label))
        elif isinstance(node, et.Selectbox):
            found.append((f"{kind} label", node.label))
            found += [(f"{kind} option", str(o)) for o in node.options]
            if node.index is None:
                found.append((f"{kind} placeholder", proto.placeholder or "Choose an option"))
        elif isinstance(node, (et.Widget, et.PageLink)) and isinstance(getattr(node, "label", None), str):
            found.append((f"{kind} label", node.label))
            found += [(f"{kind} option", str(o)) for o in getattr(node, "options", []) or []]
        help_text = getattr(proto, "help", None)
        if isinstance(help_text, str) and help_text:
            found.append((f"{kind} help", help_text))
    for spec in vega_charts(at):
        found += [("chart", text) for text in chart_texts(spec)]
    return found


def table_cells(node) -> list[tuple[str, str]]:
    """A table's headers and cells as drawn: its Styler's display values where it has them (the grid
    shows those); otherwise the values, where a float column needs a number format of its own."""
    frame = node.value
    cells = [("header", str(c)) for c in frame.columns]
    # The grid draws a missing cell as the table's placeholder, else as "None" (whatever a Styler says).
    missing = node.proto.placeholder if node.proto.HasField("placeholder") else "None"
    cells += [(str(c), missing) for c in frame.columns if frame[c].isna().any()]
    arrow = node.proto.arrow_data
    if arrow.HasField("styler") and arrow.styler.display_values:
        shown = pa.ipc.open_stream(io.BytesIO(arrow.styler.display_values)).read_pandas()
        return cells + [(str(c), str(v)) for c in shown.columns for v, m in zip(shown[c], frame[c].isna()) if not m]
    config = json.loads(node.proto.columns or "{}")
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and not (config.get(str(column)) or {}).get("type_config", {}).get("format"):
            cells += [(str(column), repr(float(v))) for v in values.dropna().head(3) if float(v) != int(v)]
        if values.dtype == object:
            cells += [(str(column), str(v)) for v in values.dropna().head(200)]
    return cells


def chart_texts(spec: dict) -> list[str]:
    out = []
    for key in ("title", "subtitle"):
        value = spec.get(key) if not isinstance(spec.get("title"), dict) else spec["title"].get(key)
        out += [value] if isinstance(value, str) else list(value or []) if isinstance(value, list) else []
    for dataset in [spec.get("data", {}).get("values", [])] + [d.get("values", []) for d in spec.get("datasets", {}).values()] \
            if isinstance(spec.get("datasets"), dict) else [spec.get("data", {}).get("values", [])]:
        for row in dataset or []:
            out += [str(row[k]) for k in ("text", "label", "category", "series", "name") if k in row and row[k] is not None]
    return out


# Streamlit's own Markdown directives (a coloured badge, an icon) are markup, not words on screen.
DIRECTIVES = re.compile(r":material/[a-z_]+:|:[a-z]+(-[a-z]+)*(?=\[)")


def english_words(text: str) -> list[str]:
    """The English words in Thai-mode text that are not names (PROPER) or codes in capitals."""
    return [w for w in ENGLISH_WORD.findall(DIRECTIVES.sub("", text)) if w not in PROPER and not w.isupper()]


def check(at: AppTest, where: str, lang: str) -> list[str]:
    assert not at.exception, (where, [e.message for e in at.exception])
    problems = []
    for kind, text in texts(at):
        if RAW.search(str(text)):
            problems.append(f"{where} · {kind}: raw {RAW.search(str(text)).group(0)!r} in {str(text)[:120]!r}")
        if lang == "th" and (words := english_words(str(text))):
            problems.append(f"{where} · {kind}: English {words[:5]} in {str(text)[:120]!r}")
    return problems


@pytest.fixture(autouse=True)
def app_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("WARROOM_DB_URL", sqlite_url)
    return sqlite_url


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("level", list(LEVELS))
def test_no_raw_value_and_no_stray_english_on_any_page(level, lang):
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {**LEVELS[level], "lang": lang}.items():
        at.query_params[key] = value
    at.run()
    problems = []
    for page in PAGES + (ADMIN_PAGES if level == "nation" else ()):
        at.switch_page(f"pages/{page}.py").run()
        problems += check(at, f"{page} at the {level} ({lang})", lang)
    assert not problems, "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("role", ["governor", "district_officer"])
def test_no_raw_value_and_no_stray_english_on_the_report_page(role, lang):
    """The report page (forms, the calendar, the upload) of a governor and a district officer of
    Nakhon Ratchasima, with both of the calendar's quarters."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/report.py").run()
    at.selectbox(key="demo_role").set_value(role).run()
    at.selectbox(key="demo_prov").set_value("30").run()
    problems = check(at, f"report as {role} ({lang})", lang)
    at.segmented_control(key="report_calendar_quarter").set_value("due").run()
    problems += check(at, f"report as {role}, the quarter due ({lang})", lang)
    assert not problems, "\n".join(dict.fromkeys(problems))
