"""Ordered conversion funnel (DESIGN §4)."""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.periods import DAY_US
from analytics.sqlfiles import run_sql

MAX_STEPS = 10


def funnel(con: duckdb.DuckDBPyConnection, *, steps: list[str], window_days: float = 14,
           timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """Users reaching each step of an ordered funnel.

    Every step-1 event starts an attempt; an attempt reaches step k+1 with an event named
    ``steps[k]`` after its step-k event (the same timestamp is allowed when the names differ) and at
    most ``window_days`` after the attempt's step-1 event, the edge included. A user's result is the
    furthest step reached in any attempt. It is computed greedily: a step-k event continues the
    latest step-(k-1) event before it, whose chain has the latest start, so no attempt reaches
    further (the ClickHouse ``windowFunnel`` rule). The median time for step k is taken over users:
    the gap between their first counted step-k event and the step-(k-1) event it continues.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    steps : list of str
        Event names in order (2 to 10).
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
    if len(steps) > MAX_STEPS:
        raise UserLensError(f"A funnel has at most {MAX_STEPS} steps, not {len(steps)}: split it in two.")
    if not window_days or window_days <= 0:
        raise UserLensError(f"The conversion window must be a positive number of days, not {window_days!r}.")
    return run_sql(con, "funnel", steps=steps, window_us=int(round(window_days * DAY_US)))
