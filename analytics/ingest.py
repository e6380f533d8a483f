"""Ingestion of events, users, feedback, Kano answers and requirements (DESIGN §3): public API.

DuckDB reads the file (`analytics.ingest_read`); every field is converted and validated by
set-based SQL (`analytics.ingest_kinds`); one transaction (`analytics.ingest_load`) inserts the
usable rows into the kind's table, the unusable ones into `rejects` with their 1-based data row
number (the header is not a row) and a short reason, and a `batches` row. So
`rows_read = rows_loaded + rows_rejected` and the load lands whole or not at all.

User ids are stored as canonical text: surrounding blanks (spaces, tabs, no-break and zero-width
spaces) are trimmed and a float-looking id such as "17850.0" becomes "17850" (spreadsheets turn
integer ids into floats). Naive times are read in the `timezone` argument, else the workspace
timezone; values with an offset keep their offset; integers that are calendar dates (19970101,
199701, 19970101083000) are dates; other plain numbers are epoch seconds, milliseconds, microseconds
or nanoseconds by magnitude. Times outside 1970-01-01..2100-01-01 are rejected unless allowed.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.errors import InputFileError, UserLensError
from analytics.ingest_detect import REQUIRED, check_kind, resolve_mapping
from analytics.ingest_detect import guess_kind as _guess_kind
from analytics.ingest_dialect import delimiter_from_name
from analytics.ingest_kinds import DEFAULT_TS_WINDOW
from analytics.ingest_load import (DEFAULT_MAX_REJECT_SHARE, LoadRequest, cleanup, fill_rates, load,
                                   sample_notes, time_rules, wide_pairs)
from analytics.ingest_read import open_with_sample
from analytics.ingest_xlsx import sheet_names
from analytics.names import check_timezone
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace


@dataclass
class IngestResult:
    """Outcome of one load (the `batches` row plus the reject counts by reason)."""

    batch_id: int
    kind: str
    file_name: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    reject_reasons: dict[str, int]
    mapping: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The §8 ingest document: batch_id, kind, rows_read, rows_loaded, rows_rejected,
        reject_reasons, then file_name, mapping and warnings."""
        doc = {k: getattr(self, k) for k in ("batch_id", "kind", "rows_read", "rows_loaded",
                                             "rows_rejected", "reject_reasons")}
        doc.update({k: v for k, v in asdict(self).items() if k not in doc})
        return doc


@dataclass
class MappingPreview:
    """What `detect_mapping` found: source headers, field -> column, a sample, format and encoding,
    how full each column is and how numeric times are read."""

    columns: list[str]
    mapping: dict[str, str | None]
    required: list[str]
    sample: pl.DataFrame  # the first 20 rows
    encoding: str
    delimiter: str | None  # the character; " " for runs of whitespace (None: not delimited text)
    format: str
    layout: str = "long"  # Kano: "wide" for <feature>_functional / _dysfunctional columns
    wide_features: list[str] = field(default_factory=list)
    fill: dict[str, float] = field(default_factory=dict)  # column -> share of sampled rows with a value
    sample_rows: int = 0  # how many rows `fill` and `time_rules` were measured on
    time_rules: dict[str, str] = field(default_factory=dict)  # column -> how its numbers read as times
    warnings: list[str] = field(default_factory=list)  # sparse mapped columns, dates read as yyyymmdd
    sheets: list[str] = field(default_factory=list)  # XLSX: every worksheet
    sheet: str | None = None  # XLSX: the worksheet read


def _delimiter(value: str | None) -> str | None:
    try:
        return delimiter_from_name(value)
    except ValueError as exc:
        raise UserLensError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from exc


def detect_mapping(path: str | Path, kind: str, *, delimiter: str | None = None,
                   sheet: str | None = None) -> MappingPreview:
    """Read a file's header and first rows and propose the column mapping for `kind`.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter, UTF-8/BOM/GBK/GB18030/Latin-1, optionally gzip), Parquet or XLSX.
    kind : str
        events, users, feedback, kano or requirements.
    delimiter : str, optional
        comma, tab, semicolon, pipe, whitespace or one character; default detected.
    sheet : str, optional
        The XLSX worksheet to read; default the first.

    Returns
    -------
    MappingPreview
        Source columns, field -> column (None where nothing matched; filled columns preferred), the
        required fields, the first 20 rows as strings, the detected encoding, delimiter and format,
        each column's fill rate in the first 1,000 rows, and notes on numeric times.
    """
    check_kind(kind)
    path = Path(path).expanduser()
    con = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="userlens-detect-") as tmp:
        try:
            src, sample = open_with_sample(con, path, Path(tmp), delimiter=_delimiter(delimiter), sheet=sheet)
        except duckdb.Error as exc:
            raise InputFileError(f"cannot be read: {str(exc).splitlines()[0]}", file=str(path)) from exc
        finally:
            con.close()
    fill = fill_rates(sample)
    fields = resolve_mapping(src.columns, kind, None, None, str(path), fill)
    pairs = wide_pairs(kind, src.columns, fields)
    warnings = sample_notes(kind, fields, sample)
    return MappingPreview(columns=src.columns, mapping=fields, required=list(REQUIRED[kind]),
                          sample=sample.head(20), encoding=src.encoding, delimiter=src.delimiter,
                          format=src.format, layout="wide" if pairs else "long", wide_features=list(pairs),
                          fill=fill, sample_rows=sample.height, time_rules=time_rules(sample),
                          warnings=warnings, sheets=src.sheets, sheet=src.sheet)


def file_sheets(path: str | Path) -> list[str]:
    """The sheet names of an XLSX workbook, in order; [] for any other file."""
    path = Path(path).expanduser()
    if not path.name.lower().endswith((".xlsx", ".xlsm")):
        return []
    return sheet_names(path)


def guess_kind(file_name: str, preview: MappingPreview) -> str:
    """The kind a file most likely holds, from its name, else from its columns (see
    `analytics.ingest_detect.guess_kind`); `preview` is its `detect_mapping` for any kind."""
    return _guess_kind(file_name, preview.columns, preview.fill)


_DAY = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})-(\d{1,2}))?\s*$")


def parse_date_window(text: str | None) -> tuple[date, date]:
    """``FROM..TO`` (ISO dates or years; either side may be left out) -> the [from, to) window of
    accepted timestamps; None or "" gives the default 1970-01-01..2100-01-01.

    Raises
    ------
    UserLensError
        Not of that shape, or FROM is not before TO.
    """
    if not text:
        return DEFAULT_TS_WINDOW
    lo_text, sep, hi_text = text.partition("..")
    out = list(DEFAULT_TS_WINDOW)
    for i, part in enumerate((lo_text, hi_text)):
        if not part.strip():
            continue
        match = _DAY.match(part)
        try:
            if not sep or match is None:
                raise ValueError(text)
            year, month, day = match.groups()
            out[i] = date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise UserLensError(f"--allow-dates expects FROM..TO (dates like 1900-01-01 or years like 1900), "
                                f"got {text!r}.") from exc
    if out[0] >= out[1]:
        raise UserLensError(f"--allow-dates {text!r}: FROM must be before TO.")
    return out[0], out[1]


def ingest_file(ws: Workspace, kind: str, path: str | Path, *, mapping: dict[str, str] | None = None,
                constants: dict[str, str] | None = None, timezone: str | None = None,
                pseudonymise: bool = False, replace: bool = False, display_name: str | None = None,
                delimiter: str | None = None, sheet: str | None = None,
                allow_dates: str | tuple[date, date] | None = None,
                max_reject_share: float = DEFAULT_MAX_REJECT_SHARE) -> IngestResult:
    """Load one file of `kind` into the workspace in a single transaction.

    Parameters
    ----------
    ws : Workspace
        Target workspace.
    kind : str
        events, users, feedback, kano or requirements.
    path : str or Path
        CSV (any delimiter; UTF-8, UTF-8 BOM, UTF-16, GBK/GB18030, Latin-1; optionally gzip),
        Parquet or XLSX. The first row holds the column names.
    mapping : dict, optional
        field -> source column, overriding the detection from header names.
    constants : dict, optional
        field -> constant text for every row (e.g. ``{"event": "purchase"}``).
    timezone : str, optional
        IANA zone of naive times in the file; default the workspace timezone.
    pseudonymise : bool
        Store user ids as HMAC-SHA256 under the workspace secret, and redact emails, phone and ID
        numbers in feedback text.
    replace : bool
        When the same file (sha256) was loaded before as this kind, replace that batch.
    display_name : str, optional
        Name recorded in ``batches.file_name`` (default the file's name).
    delimiter : str, optional
        comma, tab, semicolon, pipe, whitespace or one character; default detected from the file.
    sheet : str, optional
        XLSX worksheet to read (default the first).
    allow_dates : str or tuple of date, optional
        Accepted timestamps ``FROM..TO`` (default 1970-01-01..2100-01-01, TO excluded); times
        outside are rejected with the reason "<field> out of range".
    max_reject_share : float
        Refuse the load (nothing stored) when more than this share of the rows would be rejected.

    Returns
    -------
    IngestResult
        Batch id and row counts; ``rows_read == rows_loaded + rows_rejected``.

    Raises
    ------
    InputFileError
        Missing, empty, binary or unreadable file, unknown mapped column or sheet, missing required
        column, or more rejects than `max_reject_share` allows.
    DuplicateFileError
        The file was loaded before and `replace` is False.
    UserLensError
        Unknown kind, field, timezone, delimiter or date window.
    """
    check_kind(kind)
    path = Path(path).expanduser()
    tz = timezone or ws.timezone
    check_timezone(tz)
    if not 0 <= max_reject_share <= 1:
        raise UserLensError(f"--max-reject-share must be between 0 and 1, got {max_reject_share}.")
    window = allow_dates if isinstance(allow_dates, tuple) else parse_date_window(allow_dates)
    request = LoadRequest(kind=kind, path=path, name=display_name or path.name, mapping=mapping,
                          constants={k: str(v) for k, v in (constants or {}).items()}, timezone=tz,
                          pseudonymise=pseudonymise, replace=replace, delimiter=_delimiter(delimiter),
                          sheet=sheet, ts_window=window, max_reject_share=max_reject_share)
    cur = ws.con
    cleanup(cur)
    with tempfile.TemporaryDirectory(prefix="userlens-ingest-") as tmp:
        try:
            return IngestResult(**load(ws, cur, request, Path(tmp)))
        finally:
            cleanup(cur)


@dataclass(frozen=True)
class FilePlan:
    """One uploaded file as the Data page's widgets describe it, ready for `load_files`."""

    name: str  # as uploaded (recorded in batches.file_name)
    path: Path  # where it was saved
    kind: str
    mapping: dict[str, str] | None  # field -> column; None while a required field has none
    constants: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    sheet: str | None = None

    @property
    def ready(self) -> bool:
        """Every required field has a column or a value."""
        return self.mapping is not None


@dataclass
class LoadOutcome:
    """What `load_files` did: one `IngestResult.to_json()` per loaded file, one sentence per failure."""

    results: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def load_files(ws: Workspace, plans: Sequence[FilePlan], *, timezone: str | None = None,
               pseudonymise: bool = False, replace: bool = False,
               progress: Callable[[int, FilePlan], None] | None = None) -> LoadOutcome:
    """Load several planned files one by one (each its own transaction), as the Data page does.

    A file that fails (a `UserLensError`) is reported in `failures` and the others still load.
    `progress(i, plan)` is called before the i-th file (0-based).
    """
    outcome = LoadOutcome()
    for i, plan in enumerate(plans):
        if progress is not None:
            progress(i, plan)
        try:
            result = ingest_file(ws, plan.kind, plan.path, mapping=plan.mapping, constants=plan.constants,
                                 timezone=timezone or None, pseudonymise=pseudonymise, replace=replace,
                                 display_name=plan.name, delimiter=plan.delimiter, sheet=plan.sheet)
            outcome.results.append(result.to_json())
        except UserLensError as exc:
            outcome.failures.append(f"{plan.name}: {exc}")
    return outcome


def list_batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every load, newest first: batch_id, kind, file_name, rows_read/loaded/rejected, loaded_at, sha256."""
    return run_sql(con, "list_batches")


def rejects_for(con: duckdb.DuckDBPyConnection, batch_id: int) -> pl.DataFrame:
    """Rejected rows of one batch in file order: row_number, reason, column_name, raw_line."""
    return run_sql(con, "rejects_for", batch_id=batch_id)
