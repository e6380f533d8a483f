"""The careful reading of a delimited text file that DuckDB's strict parser refused.

DuckDB reads well-formed files itself (`analytics.ingest_read`). When it stops on a malformed line (a
quote that never closes, a short or long line, mixed line endings, bytes that are not UTF-8) or the
file is whitespace-separated, this module streams the file once, line by line, into a clean UTF-8
CSV that DuckDB then reads. Each data row gets its 1-based row number, and a line that cannot be a
row gets a reject reason and its raw text, so the broken line costs only itself:

- a quoted value may span lines, but only while its quote is still open and for at most
  `MAX_SPAN` lines; a quote that never closes rejects its own line ("unclosed quote") and reading
  goes on with the next line;
- a line with more or fewer fields than the header is rejected ("too many columns" / "missing
  columns"); a single trailing empty field is tolerated, as DuckDB does;
- blank lines are skipped (they are not rows), except in one-column files, where they are empty rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from analytics.ingest_dialect import Dialect, split_fields

# Columns the clean CSV carries after the file's own (the __ul_ prefix is reserved in source headers).
ROW, REASON, RAW, FORMULA = "__ul_row", "__ul_src_reason", "__ul_src_raw", "__ul_src_formula"
EXTRA_COLUMNS = (ROW, REASON, RAW, FORMULA)
MAX_SPAN = 200  # lines one quoted value may span
MAX_SPAN_CHARS = 1 << 20
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes the codec could not decode (surrogateescape)


def _lines(path: Path, encoding: str, gzipped: bool) -> Iterator[str]:
    """Physical lines with their endings (CR, LF or CRLF), undecodable bytes kept as surrogates."""
    raw = gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115 - closed below
    with io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="") as text:
        yield from text


def _clean(text: str) -> str:
    """Text safe to store: surrogate-escaped bytes become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _odd_quotes(line: str, dialect: Dialect) -> bool:
    if dialect.whitespace:
        return False
    count = line.count(dialect.quote)
    if dialect.escape != dialect.quote:
        count -= line.count(dialect.escape + dialect.quote)
    return count % 2 == 1


class _Rewriter:
    """State of one pass: the lookahead buffer and the row counter."""

    def __init__(self, lines: Iterator[str], dialect: Dialect, writer: csv.writer) -> None:  # type: ignore[valid-type]
        self.lines, self.dialect, self.writer = lines, dialect, writer
        self.pending: deque[str] = deque()
        self.width = len(dialect.header)
        self.row = 0
        self.rejected = 0

    def next_line(self) -> str | None:
        if self.pending:
            return self.pending.popleft()
        return next(self.lines, None)

    def fields(self, text: str) -> list[str] | None:
        d = self.dialect
        return split_fields(text, d.delimiter, d.quote, d.escape)

    def reject(self, line: str, reason: str) -> None:
        self.rejected += 1
        self.writer.writerow([None] * self.width + [self.row, f"malformed csv line ({reason})",
                                                    _clean(line.rstrip("\r\n")), None])

    def emit(self, line: str, fields: list[str] | None) -> None:
        if fields is not None and len(fields) == self.width + 1 and fields[-1] == "":
            fields = fields[:-1]
        if fields is None:
            self.reject(line, "stray quote")
        elif len(fields) > self.width:
            self.reject(line, "too many columns")
        elif len(fields) < self.width:
            self.reject(line, "missing columns")
        elif _UNDECODED.search(line):
            self.reject(line, "bytes that are not valid text in the file's encoding")
        else:
            self.writer.writerow([*fields, self.row, None, None, None])

    def span(self, line: str) -> bool:
        """Join the lines a quoted value opened on `line` spans; True when that made one good row."""
        taken: list[str] = []
        joined, size = line, len(line)
        while len(taken) < MAX_SPAN and size < MAX_SPAN_CHARS:
            nxt = self.next_line()
            if nxt is None:
                break
            taken.append(nxt)
            joined += nxt
            size += len(nxt)
            if _odd_quotes(nxt, self.dialect):  # the quote closes on this line
                fields = self.fields(joined)
                if fields is not None and len(fields) in (self.width, self.width + 1):
                    self.emit(joined, fields)
                    return True
                break
        self.pending.extendleft(reversed(taken))
        return False

    def run(self) -> None:
        while (line := self.next_line()) is not None:
            if not line.strip(" \t\r\n"):
                if self.width == 1 and line.strip("\r\n") == "":
                    self.row += 1
                    self.writer.writerow([None, self.row, None, None, None])
                continue
            self.row += 1
            fields = self.fields(line)
            if fields is None and _odd_quotes(line, self.dialect):
                if not self.span(line):
                    self.reject(line, "unclosed quote")
                continue
            self.emit(line, fields)


def rewrite_csv(path: Path, *, encoding: str, gzipped: bool, dialect: Dialect, out: Path) -> tuple[int, int]:
    """Stream `path` into the clean UTF-8 CSV `out` (header + `EXTRA_COLUMNS`).

    Parameters
    ----------
    path : Path
        The delimited text file (maybe gzip).
    encoding : str
        Its Python codec name (utf-8, utf-8-sig, latin-1).
    gzipped : bool
        Whether `path` is gzip-compressed.
    dialect : Dialect
        Delimiter, quote and escape characters and the header names.
    out : Path
        Where to write the clean CSV.

    Returns
    -------
    tuple of int
        (rows written, rows of them rejected as malformed).
    """
    lines = _lines(path, encoding, gzipped)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([*dialect.header, *EXTRA_COLUMNS])
        for line in lines:  # the header line (blank lines before it are skipped)
            if line.strip(" \t\r\n\ufeff"):
                break
        rewriter = _Rewriter(lines, dialect, writer)
        rewriter.run()
    return rewriter.row, rewriter.rejected
