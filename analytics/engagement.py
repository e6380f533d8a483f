"""Engagement metrics (DESIGN §4): DAU/WAU/MAU and stickiness, power-user curve, sessions, KPIs.

Days are local calendar days in the workspace timezone. WAU and MAU at day d count distinct users
active on days (d - 7, d] and (d - 30, d]; stickiness = DAU / MAU.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl

from analytics.activity import ensure_activity
from analytics.errors import UserLensError
from analytics.periods import check_event_times, period_params, to_timestamp
from analytics.sqlfiles import run_sql


def dau_wau_mau(con: duckdb.DuckDBPyConnection, *, timezone: str | None = None,
                week_start: str | None = None) -> pl.DataFrame:
    """Daily active, weekly active and monthly active users and stickiness per local day.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        ``day`` (Date), ``dau``, ``wau``, ``mau`` (Int64), ``stickiness`` (Float64, DAU/MAU),
        one row for every day from the first to the last active day.
    """
    params = period_params(con, period="day", timezone=timezone, week_start=week_start)
    ensure_activity(con, period="day", tz=params["tz"], wshift=params["wshift"])
    return run_sql(con, "dau_wau_mau", **params)


def power_users(con: duckdb.DuckDBPyConnection, *, days: int = 7, as_of: datetime | date | str | None = None,
                timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """Power-user curve (L7 / L28): users by number of active days in the last `days` days.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    days : {7, 28}
        Window length in local days, ending on the day of ``as_of``.
    as_of : datetime, date, str or None
        Only events at or before it count; None means the last event.
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        ``active_days`` 1..days and ``users`` (zeros included).
    """
    if days not in (7, 28):
        raise UserLensError(f"The power-user curve covers 7 or 28 days, not {days!r}.")
    params = period_params(con, timezone=timezone, week_start=week_start)
    check_event_times(con)
    return run_sql(con, "power_users", days=days, as_of=to_timestamp(as_of), **params)


def sessions(con: duckdb.DuckDBPyConnection, *, gap_minutes: float = 30) -> pl.DataFrame:
    """Per-user session summary; sessions come from ``session_id`` when present, else from gaps.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    gap_minutes : float
        Inactivity (minutes, at least) that ends a session for events without a session id.

    Returns
    -------
    polars.DataFrame
        ``user_id``, ``sessions``, ``median_session_seconds``, ``events_per_session``.
    """
    per_session = session_table(con, gap_minutes=gap_minutes)
    return (per_session.group_by("user_id")
            .agg(pl.len().cast(pl.Int64).alias("sessions"),
                 pl.col("seconds").median().alias("median_session_seconds"),
                 (pl.col("events").sum() / pl.len()).alias("events_per_session"))
            .sort("user_id"))


def session_table(con: duckdb.DuckDBPyConnection, *, gap_minutes: float = 30) -> pl.DataFrame:
    """One row per session: ``user_id, session_key, started, ended, seconds, events``."""
    if gap_minutes <= 0:
        raise UserLensError(f"gap_minutes must be positive, not {gap_minutes!r}.")
    check_event_times(con)
    return run_sql(con, "sessions", gap_us=int(round(gap_minutes * 60_000_000)))


def session_kpis(con: duckdb.DuckDBPyConnection, *, gap_minutes: float = 30) -> pl.DataFrame:
    """Session KPIs: number of sessions, median session length (s), mean events per session.

    Returns
    -------
    polars.DataFrame
        One row: ``sessions``, ``median_session_seconds``, ``events_per_session``.
    """
    table = session_table(con, gap_minutes=gap_minutes)
    n = table.height
    return pl.DataFrame([{
        "sessions": n,
        "median_session_seconds": float(table["seconds"].median()) if n else None,
        "events_per_session": float(table["events"].sum()) / n if n else None,
    }], schema={"sessions": pl.Int64, "median_session_seconds": pl.Float64, "events_per_session": pl.Float64})


def events_per_user(con: duckdb.DuckDBPyConnection, *, timezone: str | None = None,
                    week_start: str | None = None) -> pl.DataFrame:
    """Per user: ``events``, ``distinct_events``, ``active_days``, ``first_event``, ``last_event``."""
    check_event_times(con)
    return run_sql(con, "events_per_user", **period_params(con, timezone=timezone, week_start=week_start))


def kpis(con: duckdb.DuckDBPyConnection, *, timezone: str | None = None,
         week_start: str | None = None) -> pl.DataFrame:
    """Headline KPIs in one row.

    Returns
    -------
    polars.DataFrame
        ``users``, ``events``, ``dau_avg`` (mean DAU over days from first to last event),
        ``wau`` and ``mau`` (at the last day), ``stickiness`` (mean DAU / MAU over the last 30 days),
        ``first_event``, ``last_event``.
    """
    daily = dau_wau_mau(con, timezone=timezone, week_start=week_start)  # refuses out-of-range times
    totals = run_sql(con, "kpis")
    last = daily.tail(1)
    recent = daily.tail(30)
    return totals.select(
        "users", "events",
        pl.lit(float(daily["dau"].mean()) if daily.height else None, pl.Float64).alias("dau_avg"),
        pl.lit(int(last["wau"][0]) if daily.height else None, pl.Int64).alias("wau"),
        pl.lit(int(last["mau"][0]) if daily.height else None, pl.Int64).alias("mau"),
        pl.lit(float(recent["stickiness"].mean()) if daily.height else None, pl.Float64).alias("stickiness"),
        "first_event", "last_event")
