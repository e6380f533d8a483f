"""The write path of one load: plan the SQL, run it in one transaction, count what landed where.

Two strategies, both one transaction:

- events (the big kind) stream: one INSERT reads the source, converts, validates and writes every
  row straight into ``events``, unusable ones marked with batch_id = -batch; only when there are
  such rows does a second scan stage the reject columns to number and store them, and the marked
  rows are deleted, all before the commit, so nobody ever sees them.
- the other kinds stage every row in a temp table first (feedback/Kano ids are generated from the
  row number; users and requirements need a within-file de-duplication before their upsert).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from analytics import ingest_kinds as K
from analytics.datamgmt import delete_batch_rows
from analytics.errors import DuplicateFileError, InputFileError, UserLensError
from analytics.ingest_detect import REQUIRED, resolve_mapping, wide_kano_features
from analytics.ingest_read import Source, file_sha256, open_source
from analytics.kano_answers import KANO_CODES, KANO_KEYS
from analytics.pseudonymise import hmac_params
from analytics.pseudonymise_batch import pseudonymise_batch
from analytics.sqlfiles import quote_ident, quote_literal
from analytics.workspace import Workspace

TEMP_TABLES = ("ul_stage", "ul_wide", "ul_rej_errors", "ul_rej_scans")


def _exec(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute with only the parameters `sql` names (DuckDB refuses extra ones)."""
    return cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def cleanup(cur: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables a load uses (and keep DuckDB's progress bar off stdout: --format json)."""
    cur.execute("SET enable_progress_bar = false")
    for name in TEMP_TABLES:
        cur.execute(f"DROP TABLE IF EXISTS {name}")


@contextmanager
def _reading(cur: duckdb.DuckDBPyConnection, tz: str, path: Path) -> Iterator[None]:
    """Naive times are read in `tz`; DuckDB errors while scanning the file become InputFileError."""
    cur.execute(f"SET TimeZone = {quote_literal(tz)}")
    try:
        yield
    except duckdb.Error as exc:
        raise InputFileError(f"cannot be loaded: {str(exc).splitlines()[0]}", file=str(path),
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


def _plan(kind: str, src: Source, fields: dict[str, str | None], constants: dict[str, str],
          pairs: dict[str, dict[str, str]], pseudonymise: bool, relation: str) -> K.StagePlan:
    raw: dict[str, str] = {}
    label: dict[str, str] = {}
    for fld, col in fields.items():
        if fld in constants:
            raw[fld], label[fld] = f"$ul_c_{fld}", f"--set {fld}"
        elif col is not None:
            raw[fld], label[fld] = quote_ident(col), col
    used = {c for c in fields.values() if c is not None}
    if not pairs:
        extras = [c for c in src.columns if c not in used]
        return K.StagePlan(kind, raw, label, extras, [(c, c) for c in src.columns], relation,
                           pseudonymise, raw_for_all=kind in K.UPSERT_KEY)
    wide_cols = {c for parts in pairs.values() for c in parts.values()}
    keep = [c for c in (fields.get("respondent_id"), fields.get("user_id")) if c]
    extras = [c for c in src.columns if c not in wide_cols and c not in keep]
    selects = []
    for i, (feature, parts) in enumerate(pairs.items()):
        imp = quote_ident(parts["importance"]) if "importance" in parts else "CAST(NULL AS VARCHAR)"
        selects.append(
            f"SELECT rowid + 1 AS __ul_row, {i} AS __ul_fi, {quote_literal(feature)} AS __ul_feature, "
            f"{quote_ident(parts['functional'])} AS __ul_functional, "
            f"{quote_ident(parts['dysfunctional'])} AS __ul_dysfunctional, {imp} AS __ul_importance"
            + "".join(f", {quote_ident(c)}" for c in dict.fromkeys(keep + extras)) + " FROM ul_wide")
    union = "(" + " UNION ALL ".join(selects) + " ORDER BY __ul_row, __ul_fi)"
    for part in ("feature", "functional", "dysfunctional", "importance"):
        if part not in constants:
            raw[part], label[part] = quote_ident(f"__ul_{part}"), part
    raw_cols = [(c, c) for c in keep] + [(p, f"__ul_{p}") for p in ("feature", "functional", "dysfunctional",
                                                                   "importance")]
    return K.StagePlan(kind, raw, label, extras, raw_cols, union, pseudonymise, keep=["__ul_row"])


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


def load(ws: Workspace, cur: duckdb.DuckDBPyConnection, kind: str, path: Path, name: str,
         mapping: dict[str, str] | None, constants: dict[str, str], tz: str, pseudonymise: bool,
         replace: bool, tmp: Path) -> dict[str, Any]:
    """Load `path` as `kind` in one transaction; the IngestResult fields as a dict."""
    src = open_source(cur, path, tmp)
    if any(str(c).startswith("__ul_") for c in src.columns):
        raise InputFileError("has a column whose name starts with '__ul_' (reserved)", file=str(path),
                             hint="Rename that column.")
    fields = resolve_mapping(src.columns, kind, mapping, constants, str(path))
    pairs = wide_pairs(kind, src.columns, fields)
    missing = [f for f in REQUIRED[kind] if fields.get(f) is None and f not in constants
               and not (pairs and f in ("feature", "functional", "dysfunctional"))]
    if missing:
        raise InputFileError(
            f"has no column for the required field(s) {', '.join(missing)}", file=str(path),
            hint=f"Columns: {', '.join(map(str, src.columns))}. Name one with --map {missing[0]}=COLUMN "
                 f"(or set a constant with --set {missing[0]}=VALUE).")
    digest = _Hash(path)
    digest.start()
    absent = [f for f, c in fields.items()
              if c is None and f not in constants and f not in REQUIRED[kind] and not pairs]
    warnings = [f"no column found for the optional field(s) {', '.join(absent)}"] if absent else []
    if pairs:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE ul_wide AS SELECT * FROM {src.relation}")
        warnings.append(f"wide Kano survey: {len(pairs)} features ({', '.join(pairs)}); each respondent row "
                        "counts once per feature in rows_read")
    params: dict[str, Any] = {f"ul_c_{k}": v for k, v in constants.items()}
    params.update(ul_ts_formats=K.TS_FORMATS, ul_kano_keys=KANO_KEYS, ul_kano_codes=KANO_CODES)
    if pseudonymise:
        params.update(hmac_params(ws.secret()))
    stream = kind == "events"
    plan = _plan(kind, src, fields, constants, pairs, pseudonymise, src.relation)
    # Data row number: a table created inside a transaction numbers its rowids from a large base,
    # in insertion order, so the row number is rowid - min(rowid) + 1 ($ul_base is min(rowid)).
    row_expr = "__ul_row" if pairs else "rowid - $ul_base + 1"
    if not stream:
        with _reading(cur, tz, path):
            _exec(cur, K.stage_sql(plan), params)
        if (dedupe := K.dedupe_sql(kind)) is not None:
            cur.execute(dedupe)
    with ws.write(K.TABLES[kind], "batches", "rejects") as wcur:
        batch_id = int(wcur.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0])
        params["ul_batch"] = batch_id
        if stream:
            with _reading(wcur, tz, path):
                staged = int(_exec(wcur, K.stream_insert_sql(plan), params).fetchall()[0][0])
                loaded = staged - int(_exec(wcur, K.STREAM_BAD_SQL, params).fetchall()[0][0])
                if staged > loaded:
                    _exec(wcur, K.STREAM_DROP_SQL, params)
                    quiet = _plan(kind, src, fields, constants, pairs, pseudonymise, src.quiet_relation)
                    _exec(wcur, K.reject_stage_sql(quiet), params)
                    params["ul_base"] = wcur.execute("SELECT min(rowid) FROM ul_stage").fetchall()[0][0]
                    _exec(wcur, K.rejects_sql(row_expr), params)
        else:
            staged, loaded, params["ul_base"] = wcur.execute(
                "SELECT count(*), count(*) FILTER (WHERE __ul_reason IS NULL), coalesce(min(rowid), 0) "
                "FROM ul_stage").fetchall()[0]
            _exec(wcur, K.insert_sql(kind, row_expr), params)
            _exec(wcur, K.rejects_sql(row_expr), params)
        malformed = 0
        if src.csv_rejects and wcur.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ul_rej_errors'").fetchall()[0][0]:
            malformed = wcur.execute("SELECT count(DISTINCT line) FROM ul_rej_errors").fetchall()[0][0]
            if malformed:
                _exec(wcur, K.MALFORMED_SQL, params)
                warnings.append("row numbers of malformed CSV lines are file line numbers minus one")
        read = staged + malformed
        if read == 0:
            raise InputFileError("has a header but no data rows", file=str(path), hint="Export it with data.")
        sha = digest.result()
        old = wcur.execute("SELECT max(batch_id) FROM batches WHERE kind = $k AND sha256 = $s",
                           {"k": kind, "s": sha}).fetchall()[0][0]
        if old is not None and not replace:
            raise DuplicateFileError(f"{name} was already loaded as {kind} (batch {old}); use --replace to "
                                     "load it again in place of that batch.")
        if old is not None:
            delete_batch_rows(wcur, int(old))
            warnings.append(f"replaced batch {old}")
        reasons = {r: int(n) for r, n in wcur.execute(
            "SELECT reason, count(*) FROM rejects WHERE batch_id = $b GROUP BY reason "
            "ORDER BY count(*) DESC, reason", {"b": batch_id}).fetchall()}
        if loaded + sum(reasons.values()) != read:
            raise UserLensError(f"Internal check failed for {name}: {read} rows read but {loaded} loaded and "
                                f"{sum(reasons.values())} rejected; nothing was stored. Please report this.")
        used = {f: c for f, c in fields.items() if c is not None}
        record = {"fields": used, "constants": constants, "timezone": tz, "pseudonymised": pseudonymise,
                  "format": src.format, "encoding": src.encoding, "delimiter": src.delimiter,
                  "layout": "wide" if pairs else "long"}
        wcur.execute("INSERT INTO batches (batch_id, kind, file_name, sha256, rows_read, rows_loaded, "
                     "rows_rejected, mapping) VALUES ($b, $k, $f, $s, $r, $l, $j, $m)",
                     {"b": batch_id, "k": kind, "f": name, "s": sha, "r": read, "l": loaded,
                      "j": read - loaded, "m": json.dumps(record, ensure_ascii=False)})
        if pseudonymise:  # every other text this batch stored (rejects included), before the commit
            pseudonymise_batch(wcur, batch_id, ws.secret())
    return {"batch_id": batch_id, "kind": kind, "file_name": name, "rows_read": read,
            "rows_loaded": loaded, "rows_rejected": read - loaded, "reject_reasons": reasons,
            "mapping": used, "warnings": warnings}
