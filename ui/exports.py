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


def sheet_title(name: str) -> str:
    """Excel refuses / \\ ? * [ ] : in a sheet's title and more than 31 characters."""
    return re.sub(r"[/\\?*\[\]:]", "-", name)[:31]


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame, bold header, columns wide enough to read."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = safe_cells(frame)
            safe.to_excel(writer, sheet_name=sheet_title(name), index=False)
            sheet = writer.book.worksheets[-1]
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for i, column in enumerate(safe.columns, start=1):
                width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
                sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(60, width + 2)
    return buffer.getvalue()


def record(url: str, viewer: Viewer, area: Area, what: str, rows: int) -> None:
    """A download, in the audit log (data_access.audit.export refuses one the viewer may not make)."""
    audit.export(loaders.engine(url), viewer, area, what, rows)


def buttons(ctx, frame: pd.DataFrame, name: str, area: Area, key: str) -> None:
    """CSV and Excel buttons for `frame`, a table of `area` (none where the viewer may not export it);
    each download is written to the audit log."""
    if not access.allowed(ctx.viewer, "export", area):
        return
    args = (ctx.url, ctx.viewer, area, name, len(frame))
    # The files are written only when a button is pressed (deferred data): building an Excel file
    # of a few thousand rows on every rerun cost 0.7 s of a page's server time.
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("download_csv", ctx.lang), lambda: to_csv(frame), f"{name}.csv", "text/csv",
                           key=f"{key}-csv", on_click=record, args=args, type="tertiary")
        st.download_button(t("download_xlsx", ctx.lang), lambda: to_xlsx({name: frame}), f"{name}.xlsx",
                           XLSX_MIME, key=f"{key}-xlsx", on_click=record, args=args, type="tertiary")
