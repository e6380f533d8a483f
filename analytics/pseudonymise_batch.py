"""Pseudonymisation of everything a load stored: text columns, extra-column JSON, rejects, the batch row.

The loader converts user ids to their HMAC and redacts the feedback text while it reads the file.
`pseudonymise_batch` runs afterwards, in the same transaction (so nothing raw is ever committed),
over every other place the batch wrote text:

- every VARCHAR column of the kind's table (from the catalogue, so a new column is covered):
  free text is redacted; session and respondent ids, which only group rows and often embed the
  user id (``u42-s001``), are replaced by their HMAC; feedback and requirement ids, which teams
  join on, are hashed only when they hold contact data (an e-mail as a feedback id);
- every JSON column (``properties`` / ``attributes``): each value redacted (`redact_json_sql`);
- ``rejects.raw_line``: user, session and respondent id values replaced by their HMAC and every
  other value redacted; a line that did not parse has every field replaced by its HMAC;
- the ``batches`` row: the file name redacted, ``--set`` constants of id fields HMACed, others redacted.

Each column is rewritten from its distinct values, and only rows whose value changes are updated.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from analytics.ingest_kinds import FIELD_TYPES, TABLES
from analytics.pseudonymise import (
    canonical_id, hmac_id, hmac_sql, pseudonymise_line_sql, pseudonymise_params, redact, redact_json_sql,
    redact_sql,
)
from analytics.sqlfiles import quote_ident

# Identifiers that only group rows and often embed the user id (u42-s001): always hashed.
HASHED_COLUMNS = frozenset({"session_id", "respondent_id"})
# Identifiers teams join on (labels by feedback id, the backlog): hashed only when they hold contact
# data, so they stay distinct where redaction would merge them.
KEY_COLUMNS = frozenset({"feedback_id", "req_id"})
# Columns the loader has already made safe (user ids are HMACs) or that hold no source text.
SKIP_COLUMNS = frozenset({"user_id", "batch_id"})


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = 'main' AND table_name = $t ORDER BY ordinal_position",
                       {"t": table}).fetchall()


def _rewrite_column(cur: duckdb.DuckDBPyConnection, table: str, column: str, expr: str,
                    params: dict[str, Any]) -> None:
    """Set `column` to `expr` (over ``old``) in the batch's rows: computed once per distinct value into
    a temp table (so it is never evaluated per row), then only the rows whose value changes are updated."""
    col = quote_ident(column)
    cur.execute(f"CREATE OR REPLACE TEMP TABLE ul_pseudo_old AS SELECT DISTINCT CAST({col} AS VARCHAR) "
                f"AS old FROM {table} WHERE batch_id = $b AND {col} IS NOT NULL", {"b": params["ul_batch"]})
    sql = (f"CREATE OR REPLACE TEMP TABLE ul_pseudo_map AS SELECT old, new FROM (SELECT old, {expr} AS new "
           "FROM ul_pseudo_old) WHERE new IS DISTINCT FROM old")
    cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    if cur.execute("SELECT count(*) FROM ul_pseudo_map").fetchall()[0][0]:
        cur.execute(f"UPDATE {table} SET {col} = m.new FROM ul_pseudo_map AS m WHERE {table}.batch_id = $b "
                    f"AND CAST({table}.{col} AS VARCHAR) = m.old", {"b": params["ul_batch"]})
    cur.execute("DROP TABLE ul_pseudo_map")
    cur.execute("DROP TABLE ul_pseudo_old")


def _batch_record(cur: duckdb.DuckDBPyConnection, batch_id: int, secret: bytes) -> tuple[str, dict]:
    kind, name, mapping = cur.execute("SELECT kind, file_name, mapping FROM batches WHERE batch_id = $b",
                                      {"b": batch_id}).fetchall()[0]
    record = json.loads(mapping) if mapping else {}
    types = FIELD_TYPES.get(kind, {})
    constants = {f: hmac_id(secret, canonical_id(str(v))) if types.get(f) == "id" else redact(str(v))
                 for f, v in (record.get("constants") or {}).items()}
    if record.get("constants"):
        record["constants"] = constants
    cur.execute("UPDATE batches SET file_name = $f, mapping = $m WHERE batch_id = $b",
                {"f": redact(name) if name else name, "m": json.dumps(record, ensure_ascii=False),
                 "b": batch_id})
    return kind, record


def pseudonymise_batch(cur: duckdb.DuckDBPyConnection, batch_id: int, secret: bytes) -> None:
    """Pseudonymise every text a pseudonymised load stored, inside the load's transaction.

    Parameters
    ----------
    cur : duckdb.DuckDBPyConnection
        The cursor of the load's open write transaction (its ``batches`` row already inserted).
    batch_id : int
        The batch just loaded.
    secret : bytes
        The workspace secret (`Workspace.secret()`).
    """
    kind, record = _batch_record(cur, batch_id, secret)
    fields = record.get("fields") or {}
    id_columns = [col for f, col in fields.items()
                  if FIELD_TYPES.get(kind, {}).get(f) == "id" or f in HASHED_COLUMNS]
    params: dict[str, Any] = {**pseudonymise_params(secret), "ul_batch": batch_id,
                              "ul_id_columns": id_columns}
    table = TABLES[kind]
    for column, dtype in _columns(cur, table):
        if column in SKIP_COLUMNS:
            continue
        if dtype == "JSON":
            _rewrite_column(cur, table, column, redact_json_sql("old"), params)
        elif dtype == "VARCHAR" and column in HASHED_COLUMNS:
            _rewrite_column(cur, table, column, hmac_sql("old"), params)
        elif dtype == "VARCHAR" and column in KEY_COLUMNS:
            _rewrite_column(cur, table, column, f"CASE WHEN {redact_sql('old')} = old THEN old "
                                                f"ELSE {hmac_sql('old')} END", params)
        elif dtype == "VARCHAR":
            _rewrite_column(cur, table, column, redact_sql("old"), params)
    parsed = ("json_valid(raw_line) AND starts_with(ltrim(raw_line), '{') "
              "AND NOT starts_with(reason, 'malformed')")
    sql = (f"UPDATE rejects SET raw_line = {pseudonymise_line_sql('raw_line', parsed)} "
           "WHERE batch_id = $ul_batch AND raw_line IS NOT NULL")
    cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
