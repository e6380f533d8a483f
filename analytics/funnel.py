"""Ordered conversion funnel (DESIGN §4)."""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.periods import DAY_US
from analytics.sqlfiles import run_sql


def funnel(con: duckdb.DuckDBPyConnection, *, steps: list[str], window_days: float = 14,
           timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """Users reaching each step of an ordered funnel.

    Every step-1 event starts an attempt. Step k+1 is the earliest event named ``steps[k]`` after
    step k (same timestamp allowed when the names differ) and at most ``window_days`` after the
    attempt's step-1 event, the edge included. A user's result is the furthest step reached in any
    attempt; the median time between steps uses each user's first attempt that got that far.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    steps : list of str
        Event names in order (at least two).
    window_days : float
        Conversion window measured from the step-1 event.
    timezone, week_start : str or None
        Accepted for a uniform signature; a funnel uses exact elapsed time, not calendar periods.

    Returns
    -------
    polars.DataFrame
        ``step`` (1-based), ``step_name``, ``users``, ``conversion_from_start``,
        ``conversion_from_previous`` (null for step 1), ``median_seconds_from_previous``.
    """
    steps = [str(s).strip() for s in steps if str(s).strip()]
    if len(steps) < 2:
        raise UserLensError("A funnel needs at least two steps, e.g. --steps signup,activate,purchase.")
    if not window_days or window_days <= 0:
        raise UserLensError(f"The conversion window must be a positive number of days, not {window_days!r}.")
    return run_sql(con, "funnel", steps=steps, window_us=int(round(window_days * DAY_US)))
