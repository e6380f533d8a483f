"""Input files -> a DuckDB table expression with every column as VARCHAR.

Formats: CSV (delimiter sniffed by DuckDB), gzip CSV, Parquet, XLSX. Encodings: UTF-8 (with or
without BOM), UTF-16 with BOM, GBK/GB18030 and Latin-1. DuckDB reads the files; Python only looks
at the first megabytes to choose the format and encoding, and streams the two cases DuckDB cannot
read itself (GB18030 text, XLSX workbooks) through a chunked pass into a temporary UTF-8 CSV.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb

from analytics.errors import InputFileError
from analytics.sqlfiles import quote_ident, quote_literal

HEAD_BYTES = 4 << 20  # bytes examined to decide the encoding
CHUNK = 1 << 20
_STORE = ", store_rejects = true, rejects_table = 'ul_rej_errors', rejects_scan = 'ul_rej_scans'"


@dataclass
class Source:
    """A readable input: `relation` is SQL for a table expression whose columns are all VARCHAR."""

    path: Path
    format: str  # csv | csv.gz | parquet | xlsx
    encoding: str
    delimiter: str | None
    columns: list[str]
    relation: str  # for CSV: stores malformed lines in the temp table ul_rej_errors
    quiet_relation: str = ""  # the same rows without storing rejects again (second scans)
    csv_rejects: bool = False
    temp_files: list[Path] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x20000 <= o <= 0x2A6DF)


def sniff_encoding(head: bytes, complete: bool) -> str:
    """Encoding of a text sample: utf-8-sig, utf-16, utf-8, gb18030 or latin-1.

    Strict UTF-8 first; then GB18030 when that decodes and at least 80 % of the non-ASCII
    characters are CJK ideographs or CJK punctuation; otherwise Latin-1 (which decodes anything).
    `complete` says whether `head` is the whole file (else a cut multi-byte character is fine).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(head, final=complete)
    except UnicodeDecodeError:
        return "latin-1"
    wide = [ch for ch in text if ord(ch) > 127]
    if wide and sum(map(_is_cjk, wide)) >= 0.8 * len(wide):
        return "gb18030"
    return "latin-1"


def _format_of(path: Path) -> str:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    name = path.name.lower()
    if magic[:2] == b"\x1f\x8b":
        return "csv.gz"
    if magic == b"PAR1":
        return "parquet"
    if magic[:2] == b"PK" and (name.endswith((".xlsx", ".xlsm")) or _is_xlsx(path)):
        return "xlsx"
    if name.endswith((".xlsx", ".xls", ".xlsm")):
        raise InputFileError("is not a readable .xlsx workbook (old .xls files are not supported)",
                             file=str(path), hint="Save it as .xlsx or CSV and try again.")
    return "csv"


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _head(path: Path, fmt: str) -> tuple[bytes, bool]:
    opener = gzip.open if fmt == "csv.gz" else open
    try:
        with opener(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            return head, len(fh.read(1)) == 0
    except (OSError, EOFError) as exc:
        raise InputFileError(f"cannot be read ({exc})", file=str(path),
                             hint="Check that the file is complete and not corrupted.") from exc


def _transcode(path: Path, fmt: str, encoding: str, out: Path) -> None:
    """Stream `path` (maybe gzip) from `encoding` to a UTF-8 file, 1 MB at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    opener = gzip.open if fmt == "csv.gz" else open
    with opener(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK)
            try:
                dst.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"is not valid {encoding.upper()} text near byte {offset + exc.start}",
                    file=str(path), hint="Save the file as UTF-8 and load it again.") from exc
            if not chunk:
                return
            offset += len(chunk)


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


def _xlsx_to_csv(path: Path, out: Path) -> None:
    """First worksheet of an XLSX workbook -> UTF-8 CSV, streaming rows (openpyxl read-only)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputFileError(f"is not a readable XLSX workbook ({exc})", file=str(path)) from exc
    try:
        sheet = book.worksheets[0]
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            width = 0
            for i, row in enumerate(sheet.iter_rows(values_only=True)):
                cells = [_cell(v) for v in row]
                if i == 0:
                    while cells and cells[-1] is None:
                        cells.pop()
                    width = len(cells)
                    cells = [c if c not in (None, "") else f"column_{j + 1}" for j, c in enumerate(cells)]
                elif all(c is None for c in cells):
                    continue
                writer.writerow((cells + [None] * width)[:width])
    finally:
        book.close()


def _csv_relation(path: Path, *, encoding: str | None, compression: str | None) -> str:
    opts = ["all_varchar = true", "header = true", "ignore_errors = true", "store_rejects = true",
            "rejects_table = 'ul_rej_errors'", "rejects_scan = 'ul_rej_scans'"]
    if encoding:
        opts.append(f"encoding = {quote_literal(encoding)}")
    if compression:
        opts.append(f"compression = {quote_literal(compression)}")
    return f"read_csv({quote_literal(str(path))}, {', '.join(opts)})"


def open_source(con: duckdb.DuckDBPyConnection, path: Path, tmpdir: Path) -> Source:
    """Decide format and encoding of `path` and return a `Source` DuckDB can scan.

    Raises
    ------
    InputFileError
        Missing, empty, unreadable or header-only files, with what to do about it.
    """
    if not path.exists():
        raise InputFileError("does not exist", file=str(path), hint="Check the path and try again.")
    if not path.is_file():
        raise InputFileError("is not a file", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("is empty", file=str(path), hint="Export the data again with a header row.")
    fmt = _format_of(path)
    encoding, delimiter, temp = "binary", None, []
    if fmt == "parquet":
        relation = f"read_parquet({quote_literal(str(path))})"
    elif fmt == "xlsx":
        out = tmpdir / "sheet.csv"
        _xlsx_to_csv(path, out)
        temp.append(out)
        encoding = "utf-8"
        relation = _csv_relation(out, encoding=None, compression=None)
    else:
        head, complete = _head(path, fmt)
        if not head.strip():
            raise InputFileError("is empty", file=str(path), hint="Export the data again with a header row.")
        encoding = sniff_encoding(head, complete)
        compression = "gzip" if fmt == "csv.gz" else None
        if encoding in ("gb18030", "utf-16"):
            out = tmpdir / "utf8.csv"
            _transcode(path, fmt, encoding, out)
            temp.append(out)
            relation = _csv_relation(out, encoding=None, compression=None)
        else:
            relation = _csv_relation(path, encoding="latin-1" if encoding == "latin-1" else None,
                                     compression=compression)
    try:
        described = con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise InputFileError(f"cannot be read as {fmt.upper()}: {str(exc).splitlines()[0]}",
                             file=str(path), hint="Check the format, or save it as UTF-8 CSV.") from exc
    columns = [row[0] for row in described]
    if fmt == "parquet":
        relation = ("(SELECT " + ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}"
                                           for c in columns) + f" FROM {relation})")
    else:
        delimiter = _delimiter(con, relation)
    quiet = relation.replace(_STORE, "")
    return Source(path=path, format=fmt, encoding=encoding, delimiter=delimiter, columns=columns,
                  relation=relation, quiet_relation=quiet, csv_rejects=fmt != "parquet", temp_files=temp)


def _delimiter(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """The delimiter DuckDB chose for `relation` (a read_csv call), via sniff_csv with the same options."""
    sniff = relation.replace("read_csv(", "sniff_csv(", 1)
    for opt in (_STORE, ", ignore_errors = true", "all_varchar = true, "):
        sniff = sniff.replace(opt, "")
    try:
        rows = con.execute(f"SELECT Delimiter FROM {sniff}").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if rows else None
