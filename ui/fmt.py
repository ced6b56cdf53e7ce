"""How numbers and data text read on screen: million baht with sensible precision, percentages,
counts, Thai dates, and text from the data (imports, reports, accounts, areas) shown exactly as typed."""
from __future__ import annotations

import functools
import math
import re

from .i18n import t

DASH = "—"
# Invisible, zero-width and never a line break (so Thai wraps as before). `literal` puts one where
# Streamlit would still rewrite already parsed text: its autolinks, :streamlit: and emoji shortcodes,
# and its typographic arrows all match plain text *after* Markdown escapes are gone.
JOINER = "\u2060"
# The characters Markdown (CommonMark, GFM, Streamlit's directives and LaTeX) is made of; a backslash
# before any of them shows the character itself. Others (' " , = ? @ / ...) stay as they are, but a
# line opening with "=" would underline the line above as a heading, so that one is escaped too.
_ESCAPED = frozenset("\\`*_{}[]()#+-.!|~<>:$&")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls but tab and line feed
_REWRITTEN = re.compile(
    r"[:@]"                  # http://, mailto:, :streamlit:, :tada:; x@y.z (GFM email autolinks)
    r"|(?i:www)(?=\.)"       # www.x.y (GFM autolinks)
    r"|[<>~-](?=[-<>=])")    # -> <- <-> -- >= <= ~= (Streamlit's typographic symbols)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _none(lang: str | None) -> str:
    """A missing figure: "ไม่มีข้อมูล" / "No data" where the language is given, else a dash (a chart's
    text mark, where the axis already says there is nothing)."""
    return DASH if lang is None else t("no_data", lang)


def mb(value: float | None, lang: str = "th", unit: bool = True) -> str:
    """Million baht, always 2 decimals (ten thousand baht): "0.23", "1,234.50"."""
    if _missing(value):
        return _none(lang)
    text = f"{value:,.2f}"
    return f"{text} {t('unit_mb', lang)}" if unit else text


def pct(value: float | None, digits: int = 1, lang: str | None = None) -> str:
    return _none(lang) if _missing(value) else f"{value:.{digits}f}%"


def pp(value: float | None, digits: int = 1, lang: str | None = None) -> str:
    return _none(lang) if _missing(value) else f"{value:+.{digits}f} pp"


def decimal(value: float | None, digits: int = 2, lang: str | None = None) -> str:
    """A plain measured value (an SDG indicator in its own unit): thousands separators, fixed digits."""
    return _none(lang) if _missing(value) else f"{value:,.{digits}f}"


def count(value: float | int | None, lang: str | None = None) -> str:
    return _none(lang) if _missing(value) else f"{int(value):,}"


def baht_per_household(value: float | None, lang: str = "th") -> str:
    return _none(lang) if _missing(value) else f"{value:,.0f} {t('unit_baht_per_household', lang)}"


def delta(value: float | None, unit: str) -> str | None:
    """A change in a Kpi unit, signed, at the unit's fixed precision: "+1.2 pp" for a percentage or a
    gap (points), "-657" for a count, "+12.35" for million baht (the figure's label names the unit);
    a change that rounds to nothing has no sign ("0.0 pp", see `flat`); None where there is no change
    to show (either side has no data)."""
    if _missing(value):
        return None
    suffix = ""
    if unit in ("pct", "pp"):
        text, suffix = f"{value:+.1f}", " pp"
    elif unit == "count":
        text = f"{int(round(value)):+,}"
    elif unit == "baht_hh":
        text = f"{value:+,.0f}"
    else:
        text = f"{value:+,.2f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("+-")
    return text + suffix


def flat(change: str | None) -> bool:
    """True for a change `delta` wrote as nothing at its precision ("0.0 pp"): no arrow, no colour."""
    return change is not None and not change.startswith(("+", "-"))


def by_unit(value, unit: str, lang: str = "th") -> str:
    """Format by a Kpi unit: pct, pp, count, mb (million baht) or baht_hh (baht per household);
    a missing figure reads "ไม่มีข้อมูล" / "No data"."""
    if unit == "baht_hh":
        return baht_per_household(value, lang)
    if unit == "mb":
        return mb(value, lang)
    return {"pct": pct, "pp": pp, "count": count}[unit](value, lang=lang)



def _reference(ch: str) -> str:
    return f"&#{ord(ch)};"


def _line(line: str) -> str:
    """One line, escaped; whitespace opening or closing it as character references."""
    body = line.strip()
    start = len(line) - len(line.lstrip())
    return ("".join(map(_reference, line[:start])) + ("\\" if body.startswith("=") else "")
            + "".join("\\" + c if c in _ESCAPED else c for c in body)
            + "".join(map(_reference, line[start + len(body):])))


def literal(text, breaks: bool = True) -> str:
    """Text from the data (a project's name, a report, a meeting note, an account or area name, a
    file name, a URL value) as Markdown that Streamlit shows exactly as typed, for any element that
    reads Markdown (st.markdown, st.caption, st.table cells, the labels of buttons, metrics, tabs,
    expanders and headers, alerts, toasts): no bold, link, autolink, colour, icon, emoji, LaTeX,
    HTML, list or heading comes out of it. Catalogue text around it keeps its own Markdown: escape
    only the data's part of a string. None and NaN give "".

    Every character Markdown is made of (_ESCAPED) is backslash-escaped, so CommonMark shows the
    character itself; whitespace opening or closing a line becomes a character reference, so it can
    neither indent a code block nor be trimmed; a line break stays a line break (a hard break), or with
    `breaks=False` (headers, which take one line) a line feed that HTML shows as a space; `JOINER`
    (invisible) goes where Streamlit rewrites text after parsing (see _REWRITTEN). CR LF and CR are
    read as LF; other control characters, which no Markdown renderer shows, are left out."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_line(line) for line in _REWRITTEN.sub(lambda m: m.group(0) + JOINER, text).split("\n")]
    out = lines[0]
    for n, line in enumerate(lines[1:], start=1):
        # A hard break needs something after it in the paragraph, or it shows as a backslash.
        hard = breaks and any(rest for rest in lines[n:])
        out += ("\\\n" if hard else "&#10;") + line
    return out


# --- tables -----------------------------------------------------------------------------------------
# A table column's unit: a Kpi unit, a change in one ("d_pct", "d_pp", "d_count", "d_mb"), "decimal" (an
# SDG value in its own unit), "value1" (a rate or a gap, one decimal, no unit) or "int" (a rank).
CELL_UNITS = ("pct", "pp", "count", "mb", "baht_hh", "decimal", "value1", "int", "d_pct", "d_pp", "d_count", "d_mb")


def cell(value, unit: str, lang: str = "th") -> str:
    """One table cell as the screen and the briefs show it: the unit's fixed precision, no unit text
    (the column's header names it), "no data" where the value is missing."""
    if _missing(value):
        return t("no_data", lang)
    if unit.startswith("d_"):
        return delta(value, unit[2:])
    if unit == "mb":
        return mb(value, lang, unit=False)
    if unit == "baht_hh":
        return f"{value:,.0f}"
    if unit == "decimal":
        return decimal(value)
    if unit == "value1":
        return decimal(value, 1)
    if unit == "int":
        return count(value)
    return by_unit(value, unit, lang)


def table(frame, units: dict[str, str], lang: str = "th"):
    """`frame` as a Styler for st.dataframe: each column of `units` drawn by `cell`, every other
    missing cell "no data"; the numbers stay numbers underneath, so a column still sorts by value."""
    unknown = set(units) - set(frame.columns)
    if unknown:
        raise KeyError(f"no such column: {sorted(unknown)}")
    formats = {column: functools.partial(cell, unit=unit, lang=lang) for column, unit in units.items()}
    return frame.style.format(formats, na_rep=t("no_data", lang))
