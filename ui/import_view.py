"""Blocks of the import page: pick the kind of file, take its template, read its columns, upload it.

The upload goes through data_access.health.upload (admins only) into imports.import_file, which checks
every row and changes nothing unless the whole file is valid. `run_import` holds the handling, apart
from the upload widget, so it is testable with plain bytes.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from data_access import health, imports
from data_access.contracts import MAX_NUMBER

from . import fmt, loaders, reasons
from .exports import XLSX_MIME
from .i18n import t
from .shell import Context



def columns_frame(name: str, lang: str) -> pd.DataFrame:
    """The contract's columns as an administrator fills them in: required, format, allowed, example."""
    contract = imports.CONTRACTS[name]
    return pd.DataFrame({
        t("import_col_column", lang): [c.name for c in contract.columns],
        t("import_col_required", lang): [t("import_required_yes" if c.required else "import_required_no", lang)
                                         for c in contract.columns],
        t("import_col_type", lang): [t(f"import_type_{c.kind}", lang).format(
            *(c.bounds or ()), max=f"{c.maximum:,}" if c.kind == "int" else f"{MAX_NUMBER:,.0f}")
            for c in contract.columns],
        t("import_col_allowed", lang): [", ".join(c.allowed) if c.allowed else "" for c in contract.columns],
        t("import_col_example", lang): [contract.example.get(c.name, "") for c in contract.columns],
    })


def kind_block(ctx: Context) -> str:
    """The kind of file, its templates and its columns; returns the contract name chosen."""
    health.check_admin(ctx.viewer)
    lang = ctx.lang
    with st.container(border=True):
        name = st.selectbox(t("import_kind", lang), list(imports.CONTRACTS), key="import_kind",
                            format_func=lambda n: t(f"import_kind_{n}", lang))
        with st.container(horizontal=True, gap="small"):
            st.download_button(t("import_template_csv", lang), loaders.template(name, "csv"), f"{name}_template.csv",
                               "text/csv", key="template-csv", on_click="ignore")
            st.download_button(t("import_template_xlsx", lang), loaders.template(name, "xlsx"), f"{name}_template.xlsx",
                               XLSX_MIME, key="template-xlsx", on_click="ignore")
        st.subheader(t("import_columns", lang))
        st.caption(t("import_key", lang).format(key=", ".join(imports.CONTRACTS[name].key)))
        st.dataframe(columns_frame(name, lang), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    return name


def upload_block(ctx: Context, name: str) -> None:
    lang = ctx.lang
    with st.container(border=True):
        uploaded = st.file_uploader(t("import_file", lang), type=["csv", "xlsx"], key="import_upload")
        if st.button(t("import_run", lang), type="primary", disabled=uploaded is None, key="import_run"):
            run_import(ctx, name, uploaded.name, uploaded.getvalue())


def _file(name: str) -> str:
    """The file's name in the report's Markdown: bold, and exactly as the administrator named it."""
    return f"**{fmt.literal(name, breaks=False)}**"


def run_import(ctx: Context, name: str, file_name: str, content: bytes) -> dict | None:
    """Import uploaded bytes and say how it went; the summary, or None when the file was refused.

    The bytes are written under the upload's own name, because the report and the import log name
    the file the administrator chose."""
    lang = ctx.lang
    with tempfile.TemporaryDirectory(prefix="warroom-import-") as folder:
        path = Path(folder) / (Path(file_name).name or "upload.csv")
        path.write_bytes(content)
        try:
            summary = health.upload(loaders.engine(ctx.url), ctx.viewer, name, path)
        except imports.ImportRejected as rejected:
            problems(rejected, lang)
            return None
    st.success(t("import_done", lang).format(file=_file(summary["file"]), rows=summary["rows"],
                                             districts=summary["districts"]))
    return summary


def problems(rejected: imports.ImportRejected, lang: str) -> None:
    """The refusal: nothing changed, then every reported problem (row, column, value, reason)."""
    st.error(t("import_rejected", lang).format(file=_file(rejected.file_name), total=rejected.total))
    st.dataframe(pd.DataFrame({
        t("import_col_row", lang): [p.row for p in rejected.problems],
        t("import_col_column", lang): [p.column for p in rejected.problems],
        t("import_col_value", lang): [p.value for p in rejected.problems],
        t("import_col_reason", lang): [reasons.reason(p.reason, lang) for p in rejected.problems],
    }), hide_index=True, width="stretch", placeholder=t("no_data", lang))
    if rejected.total > len(rejected.problems):
        st.caption(t("import_more", lang).format(n=rejected.total - len(rejected.problems)))
