"""Reading an uploaded One Data file into text cells, refusing what cannot be read faithfully.

Nothing here trusts the file. A CSV is decoded line by line (UTF-8, with or without a byte-order mark,
or TIS-620/CP874 as Thai Excel saves it) and refused when its lines are not all in one encoding, naming
the first line that differs; it is split with Python's csv module, so a row with more or fewer cells
than the header, a quote that is never closed, or a cell longer than the limit is a problem with its row
number rather than a parser's guess. An XLSX is measured inside its zip before anything is parsed
(uncompressed sizes, the sheet's declared rows), so a small file that would expand to gigabytes is
refused in milliseconds. A header that names a column twice is refused. Stray byte-order marks are
removed from cells (they are invisible and come from files pasted together).

Rows are numbered as a spreadsheet shows them: the header is row 1, and blank rows count.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .settings import import_limits

BOM = "\ufeff"
MAX_CELL_CHARS = 100_000
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"row {self.row}" if self.row else "",
                                            f"column {self.column!r}" if self.column else "",
                                            f"value {self.value!r}" if self.value else "") if part)
        return f"{where}: {self.reason}" if where else self.reason


class Unreadable(Exception):
    """The file as a whole cannot be read (its problem names the line or part that is wrong)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Chunk:
    """Up to `rows` data rows as text ('' for an empty cell), indexed by spreadsheet row number, and
    the problems met while reading them (rows with the wrong number of cells are not in `frame`)."""
    frame: pd.DataFrame
    problems: list[Problem]


def chunks(path: Path, rows: int) -> Iterator[Chunk]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise Unreadable(Problem(0, "", suffix, "not a CSV or XLSX file (save an .xls as .xlsx)"))
    if path.stat().st_size == 0:
        raise Unreadable(Problem(0, "", "", "the file is empty: no header row, no data"))
    return _xlsx(path, rows) if suffix == ".xlsx" else _csv(path, rows)


# --- CSV --------------------------------------------------------------------------------------------
def _decoded_lines(path: Path) -> Iterator[str]:
    """The file's lines as text. The first line that is not plain ASCII decides the encoding (UTF-8
    when it decodes as UTF-8, else TIS-620/CP874); a later line in the other encoding is refused."""
    chosen = None
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw, chosen = raw[len(codecs.BOM_UTF8):], "utf-8"
            if raw.isascii():
                yield raw.decode("ascii")
                continue
            try:
                text, encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                try:
                    text, encoding = raw.decode("cp874"), "cp874"
                except UnicodeDecodeError:
                    raise Unreadable(Problem(number, "", "", f"line {number} is neither UTF-8 nor TIS-620/CP874 "
                                                               "text")) from None
            if chosen is None:
                chosen = encoding
            elif encoding != chosen:
                names = {"utf-8": "UTF-8", "cp874": "TIS-620/CP874"}
                raise Unreadable(Problem(number, "", "", f"line {number} is {names[encoding]} but the lines "
                                         f"before it are {names[chosen]}: save the whole file in one encoding "
                                         "(in Excel: Save As → CSV UTF-8)"))
            yield text


def _csv(path: Path, rows: int) -> Iterator[Chunk]:
    lines = _decoded_lines(path)
    reader = csv.reader(lines, strict=True)
    record = 0
    try:
        header = next(reader, None)
        record = 1
        if header is None or not any(h.strip() for h in header):
            raise Unreadable(Problem(1, "", "", "the first row (the header) is empty"))
        header = _header(header)
        batch, index, problems = [], [], []
        for cells in reader:
            record += 1
            if not cells or all(not c.strip() for c in cells):
                continue  # a blank row: counted, not data
            if len(cells) != len(header):
                problems.append(Problem(record, "", f"{len(cells)} cells",
                                        f"the row has {len(cells)} cells but the header has {len(header)} "
                                        "(a comma or quote out of place?)"))
                continue
            batch.append([c.replace(BOM, "") for c in cells])
            index.append(record)
            if len(batch) + len(problems) >= rows:
                yield Chunk(pd.DataFrame(batch, columns=header, index=index, dtype=str), problems)
                batch, index, problems = [], [], []
        if batch or problems:
            yield Chunk(pd.DataFrame(batch, columns=header, index=index, dtype=str), problems)
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
        elif "unexpected end of data" in reason or "EOF" in reason:
            reason = "a quoted cell is never closed (a \" without its pair): the rest of the file ran into it"
        raise Unreadable(Problem(record + 1, "", "", reason)) from None


csv.field_size_limit(MAX_CELL_CHARS)


def _header(names: list) -> list[str]:
    header = [str(h).replace(BOM, "").strip() if h is not None else "" for h in names]
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            raise Unreadable(Problem(1, name, "", f"the header names column {name!r} twice (columns "
                                     f"{seen[name]} and {position}): which one holds the data?"))
        seen.setdefault(name, position)
    return header


# --- XLSX -------------------------------------------------------------------------------------------
def _measure_xlsx(path: Path) -> None:
    """Refuse a workbook that would expand beyond the limits, before any XML is parsed."""
    limits = import_limits()
    try:
        with zipfile.ZipFile(path) as book:
            parts = {info.filename: info for info in book.infolist()}
            total = sum(info.file_size for info in parts.values())
            strings = parts.get("xl/sharedStrings.xml")
            sheet = parts.get("xl/worksheets/sheet1.xml")
            if strings is not None and strings.file_size > limits["max_xlsx_strings_mb"] * 2**20:
                raise Unreadable(Problem(0, "", "", f"the workbook's text expands to {strings.file_size / 2**20:,.0f} MB "
                                         f"(limit {limits['max_xlsx_strings_mb']} MB): save it as CSV instead"))
            if total > limits["max_xlsx_mb"] * 2**20:
                raise Unreadable(Problem(0, "", "", f"the workbook expands to {total / 2**20:,.0f} MB (limit "
                                         f"{limits['max_xlsx_mb']} MB): save it as CSV instead"))
            if sheet is not None:
                with book.open(sheet) as fh:
                    head = fh.read(4096)
                found = _DIMENSION.search(head)
                if found and found.group(1) and int(found.group(1)) > limits["max_rows"] + 1:
                    raise Unreadable(Problem(0, "", "", f"the first sheet declares {int(found.group(1)) - 1:,} data "
                                             f"rows (limit {limits['max_rows']:,})"))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, zipfile.LargeZipFile):
        raise Unreadable(Problem(0, "", "", "not a readable Excel workbook (damaged, password-protected or not "
                                 ".xlsx)")) from None


def _xlsx(path: Path, rows: int) -> Iterator[Chunk]:
    from openpyxl import load_workbook
    _measure_xlsx(path)
    max_rows = import_limits()["max_rows"]
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError, TypeError) on a damaged file
        raise Unreadable(Problem(0, "", "", "not a readable Excel workbook (damaged, password-protected or not "
                                 ".xlsx)")) from None
    try:
        cells = book.worksheets[0].iter_rows(values_only=True)
        first = next(cells, None)
        if first is None or not any(v is not None and str(v).strip() for v in first):
            raise Unreadable(Problem(1, "", "", "the first row (the header) is empty"))
        width = max(i for i, v in enumerate(first, start=1) if v is not None and str(v).strip())
        header = _header(list(first[:width]))
        batch, index, problems, record = [], [], [], 1
        for values in cells:
            record += 1
            if record > max_rows + 1:
                raise Unreadable(Problem(record, "", "", f"more than {max_rows:,} data rows"))
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            extra = [v for v in values[width:] if v is not None and str(v).strip()]
            if extra:
                problems.append(Problem(record, "", str(extra[0]), f"the row has cells beyond the header's "
                                        f"{width} columns"))
                continue
            batch.append([_cell_text(v) for v in values[:width]] + [""] * (width - len(values)))
            index.append(record)
            if len(batch) + len(problems) >= rows:
                yield Chunk(pd.DataFrame(batch, columns=header, index=index, dtype=str), problems)
                batch, index, problems = [], [], []
        if batch or problems:
            yield Chunk(pd.DataFrame(batch, columns=header, index=index, dtype=str), problems)
    except Unreadable:
        raise
    except Exception:  # a damaged sheet's XML fails while it streams
        raise Unreadable(Problem(0, "", "", "the workbook's first sheet could not be read (damaged XML)")) from None
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value).replace(BOM, "").strip()
