"""Ingestion of events, users, feedback, Kano answers and requirements (DESIGN §3): public API.

DuckDB reads the file (`analytics.ingest_read`); every field is converted and validated by
set-based SQL (`analytics.ingest_kinds`); one transaction (`analytics.ingest_load`) inserts the
usable rows into the kind's table, the unusable ones into `rejects` with their 1-based data row
number (the header is not a row) and a short reason, and a `batches` row. So
`rows_read = rows_loaded + rows_rejected` and the load lands whole or not at all.

User ids are stored as canonical text: surrounding spaces are trimmed and a float-looking id such
as "17850.0" becomes "17850" (spreadsheets turn integer ids into floats). Naive times are read in
the `timezone` argument, else the workspace timezone; values with an offset keep their offset;
plain numbers are epoch seconds, milliseconds, microseconds or nanoseconds by magnitude.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import polars as pl

from analytics.errors import InputFileError, UserLensError
from analytics.ingest_detect import REQUIRED, check_kind, resolve_mapping
from analytics.ingest_load import cleanup, load, wide_pairs
from analytics.ingest_read import open_source
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
    """What `detect_mapping` found: source headers, field -> column, a sample, format and encoding."""

    columns: list[str]
    mapping: dict[str, str | None]
    required: list[str]
    sample: pl.DataFrame
    encoding: str
    delimiter: str | None
    format: str
    layout: str = "long"  # Kano: "wide" for <feature>_functional / _dysfunctional columns
    wide_features: list[str] = field(default_factory=list)


def detect_mapping(path: str | Path, kind: str) -> MappingPreview:
    """Read a file's header and first rows and propose the column mapping for `kind`.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter, UTF-8/BOM/GBK/GB18030/Latin-1, optionally gzip), Parquet or XLSX.
    kind : str
        events, users, feedback, kano or requirements.

    Returns
    -------
    MappingPreview
        Source columns, field -> column (None where nothing matched), the required fields, the
        first 20 rows as strings, and the detected encoding, delimiter and format.
    """
    check_kind(kind)
    path = Path(path).expanduser()
    con = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="userlens-detect-") as tmp:
        try:
            src = open_source(con, path, Path(tmp))
            sample = con.sql(f"SELECT * FROM {src.relation} LIMIT 20").pl()
        except duckdb.Error as exc:
            raise InputFileError(f"cannot be read: {str(exc).splitlines()[0]}", file=str(path)) from exc
        finally:
            con.close()
    fields = resolve_mapping(src.columns, kind, None, None, str(path))
    pairs = wide_pairs(kind, src.columns, fields)
    return MappingPreview(columns=src.columns, mapping=fields, required=list(REQUIRED[kind]), sample=sample,
                          encoding=src.encoding, delimiter=src.delimiter, format=src.format,
                          layout="wide" if pairs else "long", wide_features=list(pairs))


def ingest_file(ws: Workspace, kind: str, path: str | Path, *, mapping: dict[str, str] | None = None,
                constants: dict[str, str] | None = None, timezone: str | None = None,
                pseudonymise: bool = False, replace: bool = False,
                display_name: str | None = None) -> IngestResult:
    """Load one file of `kind` into the workspace in a single transaction.

    Parameters
    ----------
    ws : Workspace
        Target workspace.
    kind : str
        events, users, feedback, kano or requirements.
    path : str or Path
        CSV (any delimiter; UTF-8, UTF-8 BOM, UTF-16, GBK/GB18030, Latin-1; optionally gzip),
        Parquet or XLSX (first sheet). The first row holds the column names.
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

    Returns
    -------
    IngestResult
        Batch id and row counts; ``rows_read == rows_loaded + rows_rejected``.

    Raises
    ------
    InputFileError
        Missing, empty or unreadable file, unknown mapped column, missing required column.
    DuplicateFileError
        The file was loaded before and `replace` is False.
    UserLensError
        Unknown kind, field or timezone.
    """
    check_kind(kind)
    path = Path(path).expanduser()
    name = display_name or path.name
    constants = {k: str(v) for k, v in (constants or {}).items()}
    tz = timezone or ws.timezone
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserLensError(f"Unknown timezone {tz!r}: use an IANA name such as 'Europe/Berlin' "
                            "or 'UTC'.") from exc
    cur = ws.con
    cleanup(cur)
    with tempfile.TemporaryDirectory(prefix="userlens-ingest-") as tmp:
        try:
            return IngestResult(**load(ws, cur, kind, path, name, mapping, constants, tz, pseudonymise,
                                       replace, Path(tmp)))
        finally:
            cleanup(cur)


def list_batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every load, newest first: batch_id, kind, file_name, rows_read/loaded/rejected, loaded_at, sha256."""
    return run_sql(con, "list_batches")


def rejects_for(con: duckdb.DuckDBPyConnection, batch_id: int) -> pl.DataFrame:
    """Rejected rows of one batch in file order: row_number, reason, column_name, raw_line."""
    return run_sql(con, "rejects_for", batch_id=batch_id)
