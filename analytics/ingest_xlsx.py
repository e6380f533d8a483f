"""XLSX worksheets -> the clean CSV that `analytics.ingest_repair` also writes (streamed, row by row).

The header is the sheet's first non-empty row; a data row's number is its sheet row minus the header
row, so row 5 in the rejects is the fifth row under the header in Excel. Empty rows are skipped.
A cell that holds a formula the workbook never calculated (no saved value; written by a script, not
saved by Excel) is empty in the data; the columns of such cells are listed per row in the
``__ul_src_formula`` column so that a load rejects the row when it needs that value, with a reason
that says so instead of "missing user_id".
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import zip_longest
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from analytics.errors import InputFileError
from analytics.ingest_dialect import column_names
from analytics.ingest_repair import EXTRA_COLUMNS

FORMULA_SEP = "\x1f"  # separates column names in __ul_src_formula
_FORMULA_TAG = re.compile(rb"<f[ />]")


@dataclass
class XlsxSheet:
    """What the conversion found: the header names, every sheet's name and the one read."""

    header: tuple[str, ...]
    sheets: list[str]
    sheet: str
    rows: int


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet XML holds a formula (a byte scan of the zip members, no XML parsing)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            with zf.open(name) as fh:
                carry = b""
                while chunk := fh.read(1 << 20):
                    if _FORMULA_TAG.search(carry + chunk):
                        return True
                    carry = chunk[-3:]
    return False


def _is_formula(value: Any) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula", "DataTableFormula")


def _open(path: Path, data_only: bool) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputFileError(f"is not a readable XLSX workbook ({exc})", file=str(path)) from exc


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order, from ``xl/workbook.xml`` alone (no cell is read;
    [] when the file is not a readable workbook)."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open("xl/workbook.xml") as fh:
            root = ElementTree.parse(fh).getroot()
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return []
    return [el.get("name", "") for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"]


def xlsx_to_csv(path: Path, out: Path, sheet: str | None = None) -> XlsxSheet:
    """One worksheet (default the first) -> the clean CSV `out` (header + `EXTRA_COLUMNS`).

    Raises
    ------
    InputFileError
        Unreadable workbook, unknown sheet name, or a sheet with nothing in it (the message lists
        the workbook's sheets).
    """
    book = _open(path, True)
    formulas = _open(path, False) if _has_formulas(path) else None
    try:
        names = [ws.title for ws in book.worksheets]
        listing = ", ".join(repr(n) for n in names)
        if sheet is None:
            sheet = names[0] if names else ""
        if sheet not in names:
            raise InputFileError(f"has no sheet {sheet!r}; its sheets are {listing}", file=str(path),
                                 hint="Choose one with --sheet NAME.")
        values = book[sheet].iter_rows(values_only=True)
        cells = formulas[sheet].iter_rows(values_only=True) if formulas is not None else iter(())
        header: tuple[str, ...] = ()
        header_at, rows = 0, 0
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for i, (row, raw) in enumerate(zip_longest(values, cells)):
                if row is None:
                    break
                row_cells = [_cell(v) for v in row]
                if not header:
                    while row_cells and row_cells[-1] in (None, ""):
                        row_cells.pop()
                    if row_cells:
                        header_at = i
                        header = column_names([c if c not in (None, "") else f"column_{j + 1}"
                                               for j, c in enumerate(row_cells)])
                        writer.writerow([*header, *EXTRA_COLUMNS])
                    continue
                if all(c is None for c in row_cells[:len(header)]):
                    continue
                uncached = [header[j] for j, (v, f) in enumerate(zip(row, raw or (), strict=False))
                            if j < len(header) and v is None and _is_formula(f)]
                mark = FORMULA_SEP + FORMULA_SEP.join(uncached) + FORMULA_SEP if uncached else None
                rows += 1
                writer.writerow([*(row_cells + [None] * len(header))[:len(header)], i - header_at, None, None,
                                 mark])
        if not header:
            others = [n for n in names if n != sheet]
            hint = (f"Choose the sheet with the data with --sheet NAME (e.g. --sheet {others[0]!r})."
                    if others else "Put the column names in the first row and the data below.")
            listed = f"; the workbook's sheets are {listing}" if others else ""
            raise InputFileError(f"sheet {sheet!r} is empty{listed}", file=str(path), hint=hint)
        return XlsxSheet(header, names, sheet, rows)
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
