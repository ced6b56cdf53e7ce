"""Downloads for the minutes: CSV and Excel of exactly the table on screen, scoped and audited.

The files are built from the frame the page shows (which the data layer already scoped to the
viewer), so an export can never hold more than the screen. Text cells that a spreadsheet would run
as a formula (=, +, -, @, tab, CR) are prefixed with an apostrophe. CSV is UTF-8 with a BOM so
Thai Excel opens it in the right encoding.
"""
from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st
from openpyxl.styles import Font

from data_access import access, audit
from data_access.scope import Area, Viewer

from . import loaders
from .i18n import t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a spreadsheet formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    return safe_cells(frame).to_csv(index=False).encode("utf-8-sig")


SHEET_TITLE_MAX = 31
# Excel number formats by table unit (ui.fmt.CELL_UNITS): the cells stay numbers, shown as on screen.
NUMBER_FORMATS = {
    "pct": '0.0"%"', "pp": '+0.0" pp";-0.0" pp";0.0" pp"', "count": "#,##0", "int": "0", "mb": "#,##0.00",
    "baht_hh": "#,##0", "decimal": "#,##0.00", "value1": "#,##0.0", "d_pct": '+0.0" pp";-0.0" pp";0.0" pp"',
    "d_pp": '+0.0" pp";-0.0" pp";0.0" pp"', "d_count": "+#,##0;-#,##0;0", "d_mb": "+#,##0.00;-#,##0.00;0.00",
}
# Columns of numbers with no unit given: two decimals (whole numbers keep none).
DEFAULT_FLOAT_FORMAT = "#,##0.00"


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A legal, unique sheet title: Excel refuses / \\ ? * [ ] :, a leading or trailing apostrophe
    and more than 31 characters; a long name is cut at the last word boundary that fits, and a name
    already `taken` (compared as Excel does, ignoring case) gets " (2)", " (3)" …"""
    clean = re.sub(r"[/\\?*\[\]:]", "-", str(name)).strip().strip("'").strip() or "Sheet"
    taken = {n.lower() for n in (taken or set())}

    def cut(text: str, room: int) -> str:
        if len(text) <= room:
            return text
        head = text[:room + 1]
        at = max(head.rfind(" "), head.rfind("-"), head.rfind("_"))
        return (text[:at] if at > room // 2 else text[:room]).rstrip(" -_")

    title, n = cut(clean, SHEET_TITLE_MAX), 1
    while title.lower() in taken:
        n += 1
        suffix = f" ({n})"
        title = cut(clean, SHEET_TITLE_MAX - len(suffix)) + suffix
    return title


def to_xlsx(sheets: dict[str, pd.DataFrame], units: dict[str, str] | None = None) -> bytes:
    """One sheet per frame, bold header, columns wide enough to read; numbers stay numbers, with the
    number format of their unit (`units`: column → ui.fmt.CELL_UNITS name)."""
    buffer = io.BytesIO()
    units = units or {}
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        taken: set[str] = set()
        for name, frame in sheets.items():
            safe = safe_cells(frame)
            title = sheet_title(name, taken)
            taken.add(title)
            safe.to_excel(writer, sheet_name=title, index=False)
            sheet = writer.book.worksheets[-1]
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for i, column in enumerate(safe.columns, start=1):
                letter = sheet.cell(1, i).column_letter
                width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
                sheet.column_dimensions[letter].width = min(60, width + 2)
                number = NUMBER_FORMATS.get(units.get(column, ""))
                if number is None and pd.api.types.is_float_dtype(safe[column]):
                    number = DEFAULT_FLOAT_FORMAT
                if number:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                        cell.number_format = number
    return buffer.getvalue()


def record(url: str, viewer: Viewer, area: Area, what: str, rows: int) -> None:
    """A download, in the audit log (data_access.audit.export refuses one the viewer may not make)."""
    audit.export(loaders.engine(url), viewer, area, what, rows)


def buttons(ctx, frame: pd.DataFrame, name: str, area: Area, key: str, units: dict[str, str] | None = None) -> None:
    """CSV and Excel buttons for `frame`, a table of `area` (none where the viewer may not export it);
    each download is written to the audit log. `units` gives the Excel number format of columns."""
    if not access.allowed(ctx.viewer, "export", area):
        return
    args = (ctx.url, ctx.viewer, area, name, len(frame))
    # The files are written only when a button is pressed (deferred data): building an Excel file
    # of a few thousand rows on every rerun cost 0.7 s of a page's server time.
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("download_csv", ctx.lang), lambda: to_csv(frame), f"{name}.csv", "text/csv",
                           key=f"{key}-csv", on_click=record, args=args, type="tertiary")
        st.download_button(t("download_xlsx", ctx.lang), lambda: to_xlsx({name: frame}, units), f"{name}.xlsx",
                           XLSX_MIME, key=f"{key}-xlsx", on_click=record, args=args, type="tertiary")
