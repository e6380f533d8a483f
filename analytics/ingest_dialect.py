"""How a delimited text file is written: delimiter, quoting, line endings and header, from a sample.

The dialect is decided on the well-formed majority of the first lines, never on one line: for each
candidate delimiter (comma, tab, semicolon, pipe) the header's field count and the share of sample
lines with that count are measured, and the candidate that splits the header into the most fields
while keeping at least half of the lines consistent wins. Files that no candidate splits but runs of
spaces do (aligned text exports such as ``customer_id date quantity``) are whitespace-separated. So a
stray quote or a short line costs its own row later, and cannot turn the whole file into one column.

`looks_binary` tells text from binary garbage before any of this (a few control bytes per hundred).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

CANDIDATES = (",", "\t", ";", "|")
WHITESPACE = " "  # runs of spaces and tabs, as one delimiter
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", WHITESPACE: "whitespace"}
SAMPLE_LINES = 400
MIN_CONSISTENT = 0.5  # the well-formed majority: at least half of the sample lines
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"


@dataclass(frozen=True)
class Dialect:
    """A delimited text dialect: `delimiter` is one character, or `WHITESPACE` for runs of blanks."""

    delimiter: str
    header: tuple[str, ...]
    quote: str = '"'
    escape: str = '"'
    mixed_newlines: bool = False
    consistent: float = 1.0  # share of the sample's data lines with the header's field count

    @property
    def whitespace(self) -> bool:
        """Fields are separated by runs of spaces/tabs (no quoting)."""
        return self.delimiter == WHITESPACE

    @property
    def label(self) -> str:
        """The delimiter as a person names it ("comma", "tab", ...)."""
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def delimiter_from_name(value: str | None) -> str | None:
    """A delimiter given by a person: a character or a name (comma, tab, semicolon, pipe, whitespace,
    space); None for automatic detection. Raises ValueError for anything else."""
    if value is None or value in ("", "auto"):
        return None
    names = {name: char for char, name in DELIMITER_NAMES.items()}
    names.update({"space": WHITESPACE, "\\t": "\t", "tsv": "\t", "csv": ","})
    key = value.strip().lower() if value.strip() else value
    if key in names:
        return names[key]
    if len(value) == 1 and value not in ('"', "\n", "\r"):
        return WHITESPACE if value == " " else value
    raise ValueError(f"unknown delimiter {value!r}: use comma, tab, semicolon, pipe, whitespace or one "
                     "character")


def looks_binary(head: bytes) -> bool:
    """True when `head` is not text: more than 1 % (and at least 3) control bytes other than tab,
    line feed, carriage return, vertical tab, form feed and escape (UTF-16 has a BOM and is text)."""
    sample = head[:1 << 16]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    control = sum(sample.count(bytes([b])) for b in _CONTROL)
    return control >= 3 and control > 0.01 * len(sample)


def sample_lines(text: str, limit: int = SAMPLE_LINES) -> list[str]:
    """Up to `limit` physical lines of `text`, line endings kept (split only at CR, LF and CRLF)."""
    out = []
    for line in io.StringIO(text, newline=""):
        out.append(line)
        if len(out) >= limit:
            break
    return out


def split_fields(line: str, dialect_delim: str, quote: str = '"', escape: str = '"') -> list[str] | None:
    """The fields of one physical line (line ending removed), or None when its quoting is broken."""
    body = line.rstrip("\r\n")
    if dialect_delim == WHITESPACE:
        return body.split()
    if quote not in body:
        return body.split(dialect_delim)
    try:
        rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=dialect_delim, quotechar=quote,
                               escapechar=None if escape == quote else escape,
                               doublequote=escape == quote, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _count(fields: list[str] | None, width: int) -> bool:
    """Whether a line's fields fit a header of `width` (a trailing empty field is tolerated)."""
    if fields is None:
        return False
    return len(fields) == width or (len(fields) == width + 1 and fields[-1] == "")


def column_names(fields: list[str]) -> tuple[str, ...]:
    """Header fields -> unique column names: trimmed, empty ones ``column<i>``, repeats ``name_1``."""
    names: list[str] = []
    seen: set[str] = set()
    for i, field in enumerate(fields):
        name = field.strip().lstrip("\ufeff").strip() or f"column{i}"
        base, k = name, 0
        while name in seen:
            k += 1
            name = f"{base}_{k}"
        seen.add(name)
        names.append(name)
    return tuple(names)


def _odd(line: str, escape: str) -> bool:
    count = line.count('"') - (line.count('\\"') if escape == "\\" else 0)
    return count % 2 == 1


def _parsed(lines: list[str], delim: str, escape: str, span: int = 50) -> list[list[str] | None]:
    """The fields of each record: a line whose quote opens a value that closes on a later line (within
    `span` lines) is joined with them, as a CSV reader would; None for a line that is broken."""
    out: list[list[str] | None] = []
    i = 0
    while i < len(lines):
        fields = split_fields(lines[i], delim, '"', escape)
        if fields is None and delim != WHITESPACE and _odd(lines[i], escape):
            joined = lines[i]
            for j in range(i + 1, min(len(lines), i + span)):
                joined += lines[j]
                if _odd(lines[j], escape):
                    whole = split_fields(joined, delim, '"', escape)
                    if whole is not None:
                        fields, i = whole, j
                    break
        out.append(fields)
        i += 1
    return out


def _endings(lines: list[str]) -> set[str]:
    """Line endings of rows (not those inside a quoted value, e.g. LF in an Excel cell of a CRLF file)."""
    out: set[str] = set()
    inside = False
    for line in lines:
        inside ^= line.count('"') % 2 == 1
        if inside:
            continue
        if line.endswith("\r\n"):
            out.add("\r\n")
        elif line.endswith(("\n", "\r")):
            out.add(line[-1])
    return out


def sniff_dialect(text: str, *, tail: str = "", delimiter: str | None = None) -> Dialect:
    """The dialect of a delimited text whose first characters are `text` (and last ones `tail`).

    Parameters
    ----------
    text : str
        The decoded start of the file (a cut last line is ignored by the caller's slicing).
    tail : str
        The decoded end of the file, to notice a last line ending that differs (CRLF, then LF).
    delimiter : str, optional
        The delimiter a person chose (a character or `WHITESPACE`); detection is skipped.

    Returns
    -------
    Dialect
        Delimiter, header names, quote/escape characters, whether line endings are mixed, and the
        share of sample lines that fit the header.
    """
    lines = [ln for ln in sample_lines(text.lstrip("\ufeff")) if ln.strip(" \t\r\n")]
    if not lines:
        return Dialect(delimiter or ",", ())
    mixed = len(_endings(sample_lines(text)) | _endings(sample_lines(tail)[1:])) > 1
    escape = "\\" if '\\"' in text and '""' not in text else '"'

    def header_of(delim: str) -> list[str] | None:
        fields = _parsed(lines[:1], delim, escape)[0]
        if fields and len(fields) > 1 and not fields[-1].strip():  # "a,b,c,": a trailing delimiter
            fields = fields[:-1]
        return fields

    def score(delim: str) -> tuple[float, int]:
        header = header_of(delim)
        if header is None:
            return 0.0, 0
        width = len(header)
        records = _parsed(lines[1:], delim, escape)
        fits = sum(_count(fields, width) for fields in records)
        return (fits / len(records) if records else 1.0), width

    if delimiter is None:
        scores = {d: score(d) for d in CANDIDATES}
        usable = {d: s for d, s in scores.items() if s[1] >= 2 and s[0] >= MIN_CONSISTENT}
        if usable:
            best = max(s[0] for s in usable.values())
            # among the nearly as consistent, the one that makes the most columns (then list order)
            delimiter = max((d for d, s in usable.items() if s[0] >= best - 0.05),
                            key=lambda d: (usable[d][1], -CANDIDATES.index(d)))
        else:
            ws = score(WHITESPACE)
            if ws[1] >= 2 and ws[0] >= MIN_CONSISTENT:
                delimiter = WHITESPACE
            else:  # one column: a delimiter that never occurs keeps each line whole
                delimiter = next((d for d in CANDIDATES if d not in text), ",")
    header = header_of(delimiter) or [lines[0].rstrip("\r\n")]
    consistent, _ = score(delimiter)
    return Dialect(delimiter, column_names(header), '"', escape, mixed, consistent)
