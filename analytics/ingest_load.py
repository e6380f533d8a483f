"""The write path of one load: plan the SQL, run it in one transaction, count what landed where.

Two strategies, both one transaction:

- events (the big kind) stream: one INSERT reads the source, converts, validates and writes every
  row straight into ``events``, unusable ones marked with batch_id = -batch; only when there are
  such rows does a second scan stage the reject columns to number and store them, and the marked
  rows are deleted, all before the commit, so nobody ever sees them.
- the other kinds stage every row in a temp table first (feedback/Kano ids are generated from the
  row number; users and requirements need a within-file de-duplication before their upsert).

DuckDB reads a well-formed CSV itself; when its strict parser stops on a malformed line, the load
is rolled back and the file is read again line by line (`analytics.ingest_repair`), so a broken
line costs only itself. A load that would reject more than `LoadRequest.max_reject_share` of the
rows is refused (nothing is stored) with the first reasons and what to do.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics import ingest_kinds as K
from analytics.datamgmt import delete_batch_rows
from analytics.errors import DuplicateFileError, InputFileError, UserLensError
from analytics.ingest_detect import MIN_FILL, REQUIRED, resolve_mapping, wide_kano_features
from analytics.ingest_read import Source, file_sha256, open_source, open_with_sample, read_sample
from analytics.ingest_repair import FORMULA, RAW, REASON, ROW
from analytics.kano_answers import BLANKS, KANO_CODES, KANO_KEYS
from analytics.pseudonymise import hmac_params
from analytics.pseudonymise_batch import pseudonymise_batch
from analytics.sqlfiles import quote_ident, quote_literal
from analytics.workspace import Workspace

TEMP_TABLES = ("ul_stage", "ul_wide")
DEFAULT_MAX_REJECT_SHARE = 0.5


@dataclass(frozen=True)
class LoadRequest:
    """Everything one load needs to know besides the workspace (what `ingest_file` was asked)."""

    kind: str
    path: Path
    name: str  # recorded in batches.file_name
    mapping: dict[str, str] | None = None  # field -> column, over the detection
    constants: dict[str, str] = field(default_factory=dict)  # field -> one value for every row
    timezone: str = "UTC"  # of naive times
    pseudonymise: bool = False
    replace: bool = False
    delimiter: str | None = None  # a character or ingest_dialect.WHITESPACE; None: detected
    sheet: str | None = None  # XLSX worksheet; None: the first
    ts_window: tuple[date, date] = K.DEFAULT_TS_WINDOW
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE


class _Unparseable(Exception):
    """DuckDB's strict parser stopped on the file: read it again line by line."""


def _exec(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute with only the parameters `sql` names (DuckDB refuses extra ones)."""
    return cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def cleanup(cur: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables a load uses (and keep DuckDB's progress bar off stdout: --format json)."""
    cur.execute("SET enable_progress_bar = false")
    for name in TEMP_TABLES:
        cur.execute(f"DROP TABLE IF EXISTS {name}")


@contextmanager
def _reading(cur: duckdb.DuckDBPyConnection, tz: str, src: Source) -> Iterator[None]:
    """Naive times are read in `tz`; DuckDB errors while scanning the file become InputFileError, or
    `_Unparseable` when the file can be read again more carefully."""
    cur.execute(f"SET TimeZone = {quote_literal(tz)}")
    try:
        yield
    except duckdb.Error as exc:
        if src.repairable:
            raise _Unparseable(str(exc)) from exc
        raise InputFileError(f"cannot be loaded: {str(exc).splitlines()[0]}", file=str(src.path),
                             hint="Check that the file is a well-formed table with one header row.") from exc
    finally:
        cur.execute("SET TimeZone = 'UTC'")


def wide_pairs(kind: str, columns: list[str], fields: dict[str, str | None]) -> dict[str, dict[str, str]]:
    """Complete feature column groups when a Kano file is a wide survey export, else {}."""
    if kind != "kano" or fields.get("functional") or fields.get("dysfunctional"):
        return {}
    found = wide_kano_features(columns)
    pairs = {f: parts for f, parts in found.items() if "functional" in parts and "dysfunctional" in parts}
    broken = [f for f, parts in found.items() if f not in pairs and len(parts.keys() - {"importance"})]
    if broken and pairs:
        raise InputFileError(f"wide Kano columns for {', '.join(map(repr, broken))} lack a functional or "
                             "dysfunctional partner", hint="Each feature needs <feature>_functional and "
                             "<feature>_dysfunctional columns.")
    return pairs


def _plan(req: LoadRequest, src: Source, fields: dict[str, str | None],
          pairs: dict[str, dict[str, str]]) -> K.StagePlan:
    constants = req.constants
    checked = src.rewritten
    # Wide files are first copied to ul_wide with positional column names, so that no source column
    # (one called "rowid", say) can shadow a name the union below needs.
    alias = {c: f"__ul_c{i}" for i, c in enumerate(src.columns)} if pairs else {c: c for c in src.columns}
    raw: dict[str, str] = {}
    label: dict[str, str] = {}
    for fld, col in fields.items():
        if fld in constants:
            raw[fld], label[fld] = f"$ul_c_{fld}", f"--set {fld}"
        elif col is not None:
            raw[fld], label[fld] = quote_ident(alias[col]), col
    used = {c for c in fields.values() if c is not None}
    formula = ({f: c for f, c in fields.items() if c is not None and f not in constants}
               if src.format == "xlsx" and not pairs else {})
    common = {"pseudonymise": req.pseudonymise, "checked": checked, "formula": formula,
              "ts_window": req.ts_window}
    if not pairs:
        extras = [(c, c) for c in src.columns if c not in used]
        return K.StagePlan(req.kind, raw, label, extras, [(c, c) for c in src.columns], src.relation,
                           raw_for_all=req.kind in K.UPSERT_KEY, keep=[ROW] if checked else [], **common)
    wide_cols = {c for parts in pairs.values() for c in parts.values()}
    keep = [c for c in (fields.get("respondent_id"), fields.get("user_id")) if c]
    extras = [c for c in src.columns if c not in wide_cols and c not in keep]
    carried = "".join(f", {quote_ident(alias[c])}" for c in dict.fromkeys(keep + extras))
    carried += "".join(f", {c}" for c in (REASON, RAW, FORMULA)) if checked else ""
    row = f"CAST({ROW} AS BIGINT)" if checked else "rowid + 1"
    # a line the reader rejected counts once, not once per feature
    where = f" WHERE {REASON} IS NULL OR {{i}} = 0" if checked else ""
    selects = []
    for i, (feature, parts) in enumerate(pairs.items()):
        imp = quote_ident(alias[parts["importance"]]) if "importance" in parts else "CAST(NULL AS VARCHAR)"
        selects.append(
            f"SELECT {row} AS __ul_row, {i} AS __ul_fi, {quote_literal(feature)} AS __ul_feature, "
            f"{quote_ident(alias[parts['functional']])} AS __ul_functional, "
            f"{quote_ident(alias[parts['dysfunctional']])} AS __ul_dysfunctional, {imp} AS __ul_importance"
            + carried + " FROM ul_wide" + where.format(i=i))
    union = "(" + " UNION ALL ".join(selects) + " ORDER BY __ul_row, __ul_fi)"
    for part in ("feature", "functional", "dysfunctional", "importance"):
        if part not in constants:
            raw[part], label[part] = quote_ident(f"__ul_{part}"), part
    raw_cols = [(c, alias[c]) for c in keep] + [(p, f"__ul_{p}") for p in ("feature", "functional",
                                                                          "dysfunctional", "importance")]
    return K.StagePlan(req.kind, raw, label, [(c, alias[c]) for c in extras], raw_cols, union,
                       keep=["__ul_row"], **common)


def _wide_table_sql(src: Source) -> str:
    cols = ", ".join(f"{quote_ident(c)} AS {quote_ident(f'__ul_c{i}')}" for i, c in enumerate(src.columns))
    extra = f", {ROW}, {REASON}, {RAW}, {FORMULA}" if src.rewritten else ""
    return f"CREATE OR REPLACE TEMP TABLE ul_wide AS SELECT {cols}{extra} FROM {src.relation}"


class _Hash(threading.Thread):
    """sha256 of the file in a background thread (hashlib releases the GIL) while DuckDB reads it."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.value, self.error = path, "", None

    def run(self) -> None:
        try:
            self.value = file_sha256(self.path)
        except OSError as exc:
            self.error = exc

    def result(self) -> str:
        self.join()
        if self.error is not None:
            raise InputFileError(f"cannot be read ({self.error})", file=str(self.path))
        return self.value


def fill_rates(sample: pl.DataFrame) -> dict[str, float]:
    """Column -> share of the sampled rows holding a value (blanks, tabs and no-break spaces are empty)."""
    if sample.height == 0:
        return {c: 0.0 for c in sample.columns}
    return {c: sample[c].cast(pl.Utf8).str.strip_chars(BLANKS).replace("", None).count() / sample.height
            for c in sample.columns}


def time_rules(sample: pl.DataFrame) -> dict[str, str]:
    """Column -> how the plain numbers in it are read when it is a time (calendar dates or which epoch
    unit), for the columns of the sample that hold numbers."""
    out = {}
    for col in sample.columns:
        text, _ = K.describe_times(sample[col].cast(pl.Utf8).to_list())
        if text:
            out[col] = text
    return out


def sample_notes(kind: str, fields: dict[str, str | None], sample: pl.DataFrame) -> list[str]:
    """The warnings a load summary repeats: calendar integers chosen over epoch seconds for a time
    field, mapped columns filled in less than `MIN_FILL` of the sampled rows."""
    warnings: list[str] = []
    fill = fill_rates(sample)
    for fld, col in fields.items():
        if col is None or col not in sample.columns:
            continue
        if K.FIELD_TYPES[kind].get(fld) == "ts":
            text, calendar = K.describe_times(sample[col].cast(pl.Utf8).to_list())
            if text and calendar:
                warnings.append(f"{fld} <- column {col!r}: {text}")
        if sample.height and fill.get(col, 1.0) < MIN_FILL:
            warnings.append(f"{fld} <- column {col!r} is filled in only {fill[col]:.0%} of the first "
                            f"{sample.height:,} rows")
    return warnings


def _sheets_hint(src: Source) -> str:
    if len(src.sheets) < 2:
        return ""
    return (f" The workbook's sheets are {', '.join(map(repr, src.sheets))} (read: {src.sheet!r}); "
            "choose another with --sheet NAME.")


_FIELD_OF_REASON = re.compile(r"^(?:missing|unparseable|non-numeric|unrecognised) (\w+)|^(\w+) out of range")


def _refusal(req: LoadRequest, wcur: duckdb.DuckDBPyConnection, batch_id: int, read: int,
             rejected: int, reasons: dict[str, int], src: Source) -> InputFileError:
    """The error refusing a load that would reject too much: counts, first reasons, what to do."""
    first = wcur.execute("SELECT row_number, reason, column_name FROM rejects WHERE batch_id = $b "
                         "ORDER BY row_number LIMIT 3", {"b": batch_id}).fetchall()
    top = next(iter(reasons), "")
    match = _FIELD_OF_REASON.match(top)
    fld = (match.group(1) or match.group(2)) if match else ("text" if top == "empty text" else None)
    if fld:
        hint = (f"Map another column to {fld} (--map {fld}=COLUMN) or give it one value (--set {fld}=VALUE)")
    elif top.startswith("malformed"):
        hint = "Check the delimiter (--delimiter) and the quoting of the file"
    else:
        hint = "Check the file and the column mapping"
    shown = "; ".join(f"row {r} {why}" + (f" (column {c!r})" if c else "") for r, why, c in first)
    counts = ", ".join(f"{why} {n:,}" for why, n in list(reasons.items())[:3])
    return InputFileError(
        f"{rejected:,} of {read:,} rows ({rejected / read:.0%}) would be rejected, more than the allowed "
        f"{req.max_reject_share:.0%}, so nothing was loaded. Reasons: {counts}. First: {shown}.",
        file=req.name, hint=f"{hint}, or allow more with --max-reject-share.{_sheets_hint(src)}")


def load(ws: Workspace, cur: duckdb.DuckDBPyConnection, req: LoadRequest, tmp: Path) -> dict[str, Any]:
    """Load `req.path` as `req.kind` in one transaction; the IngestResult fields as a dict."""
    src, sample = open_with_sample(cur, req.path, tmp, delimiter=req.delimiter, sheet=req.sheet)
    digest = _Hash(req.path)
    try:
        return _load_source(ws, cur, req, src, sample, digest)
    except _Unparseable:
        cleanup(cur)
        src = open_source(cur, req.path, tmp, delimiter=req.delimiter, sheet=req.sheet, repair=True)
        return _load_source(ws, cur, req, src, read_sample(cur, src), digest)


def _load_source(ws: Workspace, cur: duckdb.DuckDBPyConnection, req: LoadRequest, src: Source,
                 sample: pl.DataFrame, digest: _Hash) -> dict[str, Any]:
    kind, path, constants = req.kind, req.path, req.constants
    if any(str(c).startswith("__ul_") for c in src.columns):
        raise InputFileError("has a column whose name starts with '__ul_' (reserved)", file=str(path),
                             hint="Rename that column.")
    fields = resolve_mapping(src.columns, kind, req.mapping, constants, str(path), fill_rates(sample))
    pairs = wide_pairs(kind, src.columns, fields)
    missing = [f for f in REQUIRED[kind] if fields.get(f) is None and f not in constants
               and not (pairs and f in ("feature", "functional", "dysfunctional"))]
    if missing:
        raise InputFileError(
            f"has no column for the required field(s) {', '.join(missing)}", file=str(path),
            hint=f"Columns: {', '.join(map(repr, src.columns))}. Name one with --map {missing[0]}=COLUMN "
                 f"(or set a constant with --set {missing[0]}=VALUE).{_sheets_hint(src)}")
    if digest.ident is None:  # not started yet (a second reading of the file reuses it)
        digest.start()
    absent = [f for f, c in fields.items()
              if c is None and f not in constants and f not in REQUIRED[kind] and not pairs]
    warnings = [f"no column found for the optional field(s) {', '.join(absent)}"] if absent else []
    warnings += sample_notes(kind, fields, sample)
    params: dict[str, Any] = {f"ul_c_{k}": v for k, v in constants.items()}
    params.update(ul_ts_formats=K.TS_FORMATS, ul_kano_keys=KANO_KEYS, ul_kano_codes=KANO_CODES,
                  ul_ts_min=datetime.combine(req.ts_window[0], datetime.min.time(), UTC),
                  ul_ts_max=datetime.combine(req.ts_window[1], datetime.min.time(), UTC))
    if req.pseudonymise:
        params.update(hmac_params(ws.secret()))
    if pairs:
        with _reading(cur, req.timezone, src):
            cur.execute(_wide_table_sql(src))
        warnings.append(f"wide Kano survey: {len(pairs)} features ({', '.join(pairs)}); each respondent row "
                        "counts once per feature in rows_read")
    stream = kind == "events"
    plan = _plan(req, src, fields, pairs)
    # Data row number: the reader's own (__ul_row), else the staged row's position: a table created
    # inside a transaction numbers its rowids from a large base, in insertion order, so the row
    # number is rowid - min(rowid) + 1 ($ul_base is min(rowid)).
    row_expr = "CAST(__ul_row AS BIGINT)" if (pairs or src.rewritten) else "rowid - $ul_base + 1"
    if not stream:
        with _reading(cur, req.timezone, src):
            _exec(cur, K.stage_sql(plan), params)
        if (dedupe := K.dedupe_sql(kind)) is not None:
            cur.execute(dedupe)
    with ws.write(K.TABLES[kind], "batches", "rejects") as wcur:
        batch_id = int(wcur.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0])
        params["ul_batch"] = batch_id
        if stream:
            with _reading(wcur, req.timezone, src):
                read = int(_exec(wcur, K.stream_insert_sql(plan), params).fetchall()[0][0])
                loaded = read - int(_exec(wcur, K.STREAM_BAD_SQL, params).fetchall()[0][0])
                if read > loaded:
                    _exec(wcur, K.STREAM_DROP_SQL, params)
                    _exec(wcur, K.reject_stage_sql(plan), params)
                    params["ul_base"] = wcur.execute("SELECT min(rowid) FROM ul_stage").fetchall()[0][0]
                    _exec(wcur, K.rejects_sql(row_expr), params)
        else:
            read, loaded, params["ul_base"] = wcur.execute(
                "SELECT count(*), count(*) FILTER (WHERE __ul_reason IS NULL), coalesce(min(rowid), 0) "
                "FROM ul_stage").fetchall()[0]
            _exec(wcur, K.insert_sql(kind, row_expr), params)
            _exec(wcur, K.rejects_sql(row_expr), params)
        if read == 0:
            raise InputFileError("has a header but no data rows", file=str(path),
                                 hint="Export it with data." + _sheets_hint(src))
        reasons = {r: int(n) for r, n in wcur.execute(
            "SELECT reason, count(*) FROM rejects WHERE batch_id = $b GROUP BY reason "
            "ORDER BY count(*) DESC, reason", {"b": batch_id}).fetchall()}
        if loaded + sum(reasons.values()) != read:
            raise UserLensError(f"Internal check failed for {req.name}: {read} rows read but {loaded} "
                                f"loaded and {sum(reasons.values())} rejected; nothing was stored. "
                                "Please report this.")
        rejected = read - loaded
        if rejected > req.max_reject_share * read:
            raise _refusal(req, wcur, batch_id, read, rejected, reasons, src)
        sha = digest.result()
        old = wcur.execute("SELECT max(batch_id) FROM batches WHERE kind = $k AND sha256 = $s",
                           {"k": kind, "s": sha}).fetchall()[0][0]
        if old is not None and not req.replace:
            raise DuplicateFileError(f"{req.name} was already loaded as {kind} (batch {old}); use --replace "
                                     "to load it again in place of that batch.")
        if old is not None:
            delete_batch_rows(wcur, int(old))
            warnings.append(f"replaced batch {old}")
        if rejected:
            share = f"{rejected / read:.1%}" if rejected / read >= 0.001 else "less than 0.1%"
            warnings.insert(0, f"{share} of the rows were rejected ({rejected:,} of {read:,}); they are "
                               f"listed under rejects of batch {batch_id}")
        used = {f: c for f, c in fields.items() if c is not None}
        record = {"fields": used, "constants": constants, "timezone": req.timezone,
                  "pseudonymised": req.pseudonymise, "format": src.format, "encoding": src.encoding,
                  "delimiter": src.delimiter, "sheet": src.sheet, "layout": "wide" if pairs else "long",
                  "ts_window": [d.isoformat() for d in req.ts_window]}
        wcur.execute("INSERT INTO batches (batch_id, kind, file_name, sha256, rows_read, rows_loaded, "
                     "rows_rejected, mapping) VALUES ($b, $k, $f, $s, $r, $l, $j, $m)",
                     {"b": batch_id, "k": kind, "f": req.name, "s": sha, "r": read, "l": loaded,
                      "j": rejected, "m": json.dumps(record, ensure_ascii=False)})
        if req.pseudonymise:  # every other text this batch stored (rejects included), before the commit
            pseudonymise_batch(wcur, batch_id, ws.secret())
    return {"batch_id": batch_id, "kind": kind, "file_name": req.name, "rows_read": read,
            "rows_loaded": loaded, "rows_rejected": rejected, "reject_reasons": reasons,
            "mapping": used, "warnings": warnings}
