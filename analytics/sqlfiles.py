"""Runs the one-query-per-file SQL in analytics/sql/ with DuckDB parameters."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import duckdb
import polars as pl


@cache
def load_sql(name: str) -> str:
    """Text of analytics/sql/<name>.sql (cached: the files are part of the package)."""
    return resources.files("analytics").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run analytics/sql/<name>.sql with `$name` parameters and return a polars frame.

    Only the parameters the query names are passed, so callers may pass a superset.
    """
    query = load_sql(name)
    used = {k: v for k, v in params.items() if f"${k}" in query}
    return con.sql(query, params=used).pl() if used else con.sql(query).pl()


def quote_ident(name: str) -> str:
    """Quote an identifier that came from a user's file (the only way such names enter SQL)."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string literal for the few places DuckDB takes no parameter (e.g. read_csv options)."""
    return "'" + str(value).replace("'", "''") + "'"
