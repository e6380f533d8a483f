"""Lifecycle of the user base per calendar period (DESIGN §4)."""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.activity import ensure_activity
from analytics.periods import period_params
from analytics.sqlfiles import run_sql

STATUSES = ("new", "returning", "resurrecting", "dormant")


def lifecycle(con: duckdb.DuckDBPyConnection, *, period: str = "week", timezone: str | None = None,
              week_start: str | None = None) -> pl.DataFrame:
    """New, returning, resurrecting and dormant users per period.

    For period p and each user: ``new`` = first-ever event in p; ``returning`` = active in p and in
    p-1; ``resurrecting`` = active in p, not in p-1, active before p-1; ``dormant`` = active in
    p-1, not in p (reported as a negative count).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    period : {'day', 'week', 'month'}
        Calendar period in the workspace timezone.
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        Long frame ``period_start`` (Date), ``status``, ``users`` (Int64; dormant negative), four
        rows per period from the first to the last active period.
    """
    params = period_params(con, period=period, timezone=timezone, week_start=week_start)
    ensure_activity(con, period=params["period"], tz=params["tz"], wshift=params["wshift"])
    return run_sql(con, "lifecycle", **params)
