"""Input files -> a DuckDB table expression with every column as VARCHAR.

Formats: CSV (delimiter, quoting and header found by `analytics.ingest_dialect` on a sample), gzip
CSV, Parquet, XLSX. Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030 and Latin-1.
DuckDB reads well-formed files itself with the dialect spelt out (strict, no sniffing). Python looks
at the first megabytes to choose format, encoding and dialect, and streams only what DuckDB cannot
read: GB18030/UTF-16 text (transcoded to UTF-8), XLSX sheets, whitespace-separated or mixed-line-ending
text, and any file DuckDB's strict parser refused (`repair=True`, see `analytics.ingest_repair`).
Such a rewritten source also carries each row's number, reject reason and raw line.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from analytics.errors import InputFileError
from analytics.ingest_dialect import Dialect, looks_binary, sample_lines, sniff_dialect
from analytics.ingest_repair import EXTRA_COLUMNS, REASON, rewrite_csv
from analytics.ingest_xlsx import xlsx_to_csv
from analytics.sqlfiles import quote_ident, quote_literal

HEAD_BYTES = 4 << 20  # bytes examined to decide the encoding
DIALECT_CHARS = 1 << 20  # characters examined to decide the dialect
TAIL_BYTES = 1 << 16
CHUNK = 1 << 20
SAMPLE_ROWS = 1000  # rows read for the preview, fill rates and the time-format notes


@dataclass
class Source:
    """A readable input: `relation` is SQL for a table expression whose columns are all VARCHAR."""

    path: Path
    format: str  # csv | csv.gz | parquet | xlsx
    encoding: str
    delimiter: str | None  # the character (" " for runs of whitespace); None: not delimited text
    columns: list[str]
    relation: str
    rewritten: bool = False  # the relation also has __ul_row, __ul_src_reason, __ul_src_raw, __ul_src_formula
    repairable: bool = False  # DuckDB reads the file itself: a parse error means "read it again carefully"
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    dialect: Dialect | None = None
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


def _tail(path: Path, fmt: str) -> bytes:
    """The last bytes of a plain file (a different last line ending shows there); b"" for gzip."""
    if fmt != "csv":
        return b""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size <= HEAD_BYTES:
            return b""
        fh.seek(size - TAIL_BYTES)
        return fh.read()


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


def _read_csv(path: Path, columns: list[str], dialect: Dialect | None, *, encoding: str | None = None,
              compression: str | None = None) -> str:
    """read_csv with everything spelt out: no sniffing, strict, every column VARCHAR."""
    delim, quote, escape = (dialect.delimiter, dialect.quote, dialect.escape) if dialect else (",", '"', '"')
    types = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in columns)
    opts = [f"columns = {{{types}}}", "auto_detect = false", "header = true",
            f"delim = {quote_literal(delim)}", f"quote = {quote_literal(quote)}",
            f"escape = {quote_literal(escape)}"]
    if encoding:
        opts.append(f"encoding = {quote_literal(encoding)}")
    if compression:
        opts.append(f"compression = {quote_literal(compression)}")
    return f"read_csv({quote_literal(str(path))}, {', '.join(opts)})"


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputFileError("does not exist", file=str(path), hint="Check the path and try again.")
    if not path.is_file():
        raise InputFileError("is not a file", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("is empty", file=str(path), hint="Export the data again with a header row.")


def _text_source(path: Path, fmt: str, tmpdir: Path, delimiter: str | None, repair: bool) -> Source:
    head, complete = _head(path, fmt)
    if not head.strip():
        raise InputFileError("is empty", file=str(path), hint="Export the data again with a header row.")
    if looks_binary(head):
        raise InputFileError("is not a text/CSV file (it holds binary data)", file=str(path),
                             hint="Export the data as CSV (UTF-8), XLSX or Parquet.")
    encoding = sniff_encoding(head, complete)
    codec = "utf-16" if encoding == "utf-16" else encoding
    text = head[:DIALECT_CHARS * 2].decode(codec, errors="replace")[:DIALECT_CHARS]
    dialect = sniff_dialect(text, tail=_tail(path, fmt).decode(codec, errors="replace"), delimiter=delimiter)
    if not dialect.header:
        raise InputFileError("is empty", file=str(path), hint="Export the data again with a header row.")
    read_path, gzipped, temp = path, fmt == "csv.gz", []
    if encoding in ("gb18030", "utf-16"):
        read_path, gzipped = tmpdir / "utf8.csv", False
        _transcode(path, fmt, encoding, read_path)
        temp.append(read_path)
        codec = "utf-8"
    leading_blank = not sample_lines(text.lstrip("\ufeff"), 1)[0].strip(" \t\r\n")
    columns = list(dialect.header)
    if repair or dialect.whitespace or dialect.mixed_newlines or leading_blank:
        out = tmpdir / "repaired.csv"
        rewrite_csv(read_path, encoding=codec, gzipped=gzipped, dialect=dialect, out=out)
        temp.append(out)
        return Source(path, fmt, encoding, dialect.delimiter, columns,
                      _read_csv(out, columns + list(EXTRA_COLUMNS), None), rewritten=True, dialect=dialect,
                      temp_files=temp)
    relation = _read_csv(read_path, columns, dialect, encoding="latin-1" if codec == "latin-1" else None,
                         compression="gzip" if gzipped else None)
    return Source(path, fmt, encoding, dialect.delimiter, columns, relation, repairable=True, dialect=dialect,
                  temp_files=temp)


def open_source(con: duckdb.DuckDBPyConnection, path: Path, tmpdir: Path, *, delimiter: str | None = None,
                sheet: str | None = None, repair: bool = False) -> Source:
    """Decide format, encoding and dialect of `path` and return a `Source` DuckDB can scan.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection used to describe Parquet files.
    path : Path
        The input file.
    tmpdir : Path
        Folder for transcoded or rewritten copies (deleted by the caller).
    delimiter : str, optional
        A delimiter a person chose (one character, or `ingest_dialect.WHITESPACE`); default detected.
    sheet : str, optional
        XLSX worksheet to read (default the first).
    repair : bool
        Read delimited text line by line (`analytics.ingest_repair`) instead of with DuckDB's parser.

    Raises
    ------
    InputFileError
        Missing, empty, binary or unreadable files, unknown sheets, with what to do about it.
    """
    _check_file(path)
    fmt = _format_of(path)
    if fmt == "parquet":
        relation = f"read_parquet({quote_literal(str(path))})"
        try:
            described = con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        except duckdb.Error as exc:
            raise InputFileError(f"cannot be read as PARQUET: {str(exc).splitlines()[0]}", file=str(path),
                                 hint="Check the format, or save it as UTF-8 CSV.") from exc
        columns = [row[0] for row in described]
        # a float NaN (or infinity) is a missing value, not the text "nan" (isnan() is folded away by
        # DuckDB's statistics when the file's min/max leave NaN out; isfinite() is not)
        casts = [f"CASE WHEN isfinite({quote_ident(c)}) THEN CAST({quote_ident(c)} AS VARCHAR) END"
                 if str(t).upper() in ("FLOAT", "DOUBLE") else f"CAST({quote_ident(c)} AS VARCHAR)"
                 for c, t, *_ in described]
        relation = ("(SELECT " + ", ".join(f"{expr} AS {quote_ident(c)}" for expr, c in zip(casts, columns,
                                                                                          strict=True))
                    + f" FROM {relation})")
        return Source(path, fmt, "binary", None, columns, relation)
    if fmt == "xlsx":
        out = tmpdir / "sheet.csv"
        info = xlsx_to_csv(path, out, sheet)
        columns = list(info.header)
        return Source(path, fmt, "utf-8", None, columns, _read_csv(out, columns + list(EXTRA_COLUMNS), None),
                      rewritten=True, sheets=info.sheets, sheet=info.sheet, temp_files=[out])
    return _text_source(path, fmt, tmpdir, delimiter, repair)


def read_sample(con: duckdb.DuckDBPyConnection, src: Source, rows: int = SAMPLE_ROWS) -> pl.DataFrame:
    """The first `rows` usable rows of `src` (its own columns only). Raises duckdb.Error when DuckDB
    cannot parse them (the caller may then read the file again with ``repair=True``)."""
    cols = ", ".join(quote_ident(c) for c in src.columns)
    where = f" WHERE {REASON} IS NULL" if src.rewritten else ""
    found = con.execute(f"SELECT {cols} FROM {src.relation}{where} LIMIT {int(rows)}").fetchall()
    # built from Python rows: .pl() would import pyarrow (a third of a second) on every CLI load
    return pl.DataFrame(found, schema={c: pl.Utf8 for c in src.columns}, orient="row")


def open_with_sample(con: duckdb.DuckDBPyConnection, path: Path, tmpdir: Path, *,
                     delimiter: str | None = None, sheet: str | None = None) -> tuple[Source, pl.DataFrame]:
    """`open_source` and `read_sample`, reading the file carefully when DuckDB's strict parser fails
    on the sample already."""
    src = open_source(con, path, tmpdir, delimiter=delimiter, sheet=sheet)
    try:
        return src, read_sample(con, src)
    except duckdb.Error as exc:
        if not src.repairable:
            raise InputFileError(f"cannot be read as {src.format.upper()}: {str(exc).splitlines()[0]}",
                                 file=str(path), hint="Check the format, or save it as UTF-8 CSV.") from exc
    src = open_source(con, path, tmpdir, delimiter=delimiter, sheet=sheet, repair=True)
    return src, read_sample(con, src)
