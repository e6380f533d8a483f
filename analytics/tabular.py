"""The one CSV / XLSX writer of UserLens: every cell a spreadsheet could run as a formula is made inert.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some treat a leading tab or carriage return the same way (CSV/formula injection, OWASP). Every
table UserLens writes for a spreadsheet — the report's CSV and XLSX, each ``--format csv`` of the
command line, every download button of the dashboard — goes through this module: a text cell
with such a start gets a single quote ``'`` in front (the text stays readable, nothing runs).
Numbers are never touched, and neither is text that *is* a number (``"-12.5"``, ``"+3"``,
``"-1e5"``): a spreadsheet reads it as that number, not as a formula, so a negative Worse stays
numeric. Column names get the same treatment (they can come from uploaded files).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from analytics.errors import UserLensError

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Text that is a plain decimal number: a spreadsheet reads it as the number, never as a formula.
NUMBER_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_NUMBER = re.compile(NUMBER_TEXT)
_RISKY = r"^[=+\-@\t\r]"
#: xlsxwriter options: a string is always written as a string (no formula, URL or number guessing).
XLSX_OPTIONS: dict[str, Any] = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False}


def neutralise(value: Any) -> Any:
    """A string that a spreadsheet could run as a formula, prefixed with ``'``; anything else unchanged.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` when `value` is a string starting with one of ``FORMULA_PREFIXES`` and is not
        a plain number (``"-12.5"`` stays as it is), else `value` itself.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def _text_of(column: str, dtype: pl.DataType) -> pl.Expr | None:
    """`column` as text when it is not a number, boolean or time (None: keep it as it is)."""
    col = pl.col(column)
    if dtype == pl.Utf8:
        return col
    if isinstance(dtype, pl.List) and not isinstance(dtype.inner, pl.List | pl.Struct | pl.Array):
        return col.cast(pl.List(pl.Utf8)).list.join("; ")
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return col.cast(pl.Utf8)
    if isinstance(dtype, pl.List | pl.Struct | pl.Array | pl.Object):
        return col.map_elements(lambda v: json.dumps(v, default=str, ensure_ascii=False),
                                return_dtype=pl.Utf8, skip_nulls=True)
    return None


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` ready for a spreadsheet: lists joined with ``"; "``, nested values as JSON, text neutralised.

    Parameters
    ----------
    frame : polars.DataFrame
        Any frame (numbers, dates, text, lists, structs).

    Returns
    -------
    polars.DataFrame
        Same rows; numeric, boolean and time columns unchanged; every other column text in which
        a value that starts like a formula (and is not a number) has a ``'`` in front; column names
        neutralised the same way.
    """
    exprs = []
    for name, dtype in frame.schema.items():
        text = _text_of(name, dtype)
        if text is None:
            exprs.append(pl.col(name))
            continue
        risky = text.str.contains(_RISKY) & ~text.str.contains(NUMBER_TEXT)
        exprs.append(pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(name))
    out = frame.select(exprs) if exprs else frame
    return out.rename({c: neutralise(c) for c in out.columns if neutralise(c) != c})


def csv_text(frame: pl.DataFrame) -> str:
    """A frame as CSV text (header row, comma separated, safe cells): what ``--format csv`` prints."""
    return safe_frame(frame).write_csv()


def csv_bytes(frame: pl.DataFrame, *, bom: bool = False) -> bytes:
    """A frame as UTF-8 CSV bytes with safe cells (`bom` adds the byte-order mark Excel needs for CJK)."""
    return csv_text(frame).encode("utf-8-sig" if bom else "utf-8")


def rows_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """Header and rows (numbers, None, text) as CSV bytes with safe cells; floats keep full precision.

    Parameters
    ----------
    header : sequence of str
    rows : iterable of sequences
        Cell values; None is written as an empty cell.
    bom : bool
        Start with the UTF-8 byte-order mark.

    Returns
    -------
    bytes
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else neutralise(v)
                         for v in row])
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write_csv(frame: pl.DataFrame, path: str | Path, *, flag: str = "--out") -> Path:
    """Write a frame as a safe CSV file (UTF-8); an unwritable path is a `UserLensError` naming `flag`."""
    target = Path(path).expanduser()
    try:
        target.write_bytes(csv_bytes(frame))
    except OSError as exc:
        raise UserLensError(f"Cannot write {target}: {exc.strerror or exc}. Choose a writable path with "
                            f"{flag}.") from exc
    return target


def write_xlsx_cell(sheet: Any, row: int, col: int, value: Any, text_format: Any = None,
                    number_format: Any = None, date_format: Any = None) -> None:
    """One cell through xlsxwriter: numbers as numbers, text neutralised and always a string; times as
    dates with `date_format`, as ISO text without one."""
    if value is None or (isinstance(value, float) and value != value):
        sheet.write_blank(row, col, None, text_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, text_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, number_format)
    elif isinstance(value, datetime | date) and date_format is not None:
        naive = value.replace(tzinfo=None) if isinstance(value, datetime) else value
        sheet.write_datetime(row, col, naive, date_format)
    else:
        sheet.write_string(row, col, neutralise(str(value)), text_format)


def xlsx_bytes(frame: pl.DataFrame, *, sheet_name: str = "Data") -> bytes:
    """A frame as a one-sheet XLSX workbook (bold header, frozen first row, filter, safe cells).

    Parameters
    ----------
    frame : polars.DataFrame
    sheet_name : str
        Worksheet name (at most 31 characters).

    Returns
    -------
    bytes
    """
    import xlsxwriter

    safe = safe_frame(frame)
    safe = safe.with_columns(pl.col(c).dt.replace_time_zone(None) for c, t in safe.schema.items()
                             if isinstance(t, pl.Datetime) and t.time_zone is not None)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, XLSX_OPTIONS)
    head = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = book.add_worksheet(sheet_name[:31])
    for c, name in enumerate(safe.columns):
        sheet.write_string(0, c, name, head)
        sheet.set_column(c, c, max(10, min(len(name) + 2, 40)))
    for r, row in enumerate(safe.iter_rows(), start=1):
        for c, value in enumerate(row):
            write_xlsx_cell(sheet, r, c, value, date_format=stamp)
    sheet.freeze_panes(1, 0)
    if safe.width:
        sheet.autofilter(0, 0, max(safe.height, 1), safe.width - 1)
    book.close()
    return buf.getvalue()
