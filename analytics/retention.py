"""Cohort retention (DESIGN §4): matrix, percentages, weighted average, JSON shape of DESIGN §8.

Semantics, exactly:

- ``cohort='first'``: a user's anchor is their first start event over *all* data; they sit in the
  one row of the period that holds the anchor. ``cohort='recurring'``: a user sits in every row
  whose period holds one of their start events (the anchor of that row is the first such event).
- Column ``p0`` is the cohort size; ``pk`` (k = 1..periods) counts the row's users with a return
  event in period row + k. A return in the anchor's own period never counts for k >= 1.
- ``unbounded``: a user counts in every column 1..k where k is the latest period they returned in
  over *all* data, not only among the columns shown: asking for more or fewer columns never changes
  a value (a user active in week 9 counts in week 5 of a 6-column table).
- ``window='rolling'``: period k of a user is [t0 + k*L, t0 + (k+1)*L) after their anchor t0,
  L = exactly 24 h / 7 d / 30 d; the row is still the calendar period of the anchor.
- A cell is null (unobservable) when its period ends after the last event in the data; for rolling
  windows the period of the row's latest anchor decides.
- Date range: ``date_from`` / ``date_to`` (inclusive, local dates) select the rows whose anchor
  falls in the range. The anchor is still computed over all data, so a user whose first event
  precedes ``date_from`` is not a new user of the range (they appear in no ``first`` row of it),
  and returns are counted after ``date_to`` as long as they are observable.

Calendar periods with any event as start and return event read the activity table
(``analytics/activity.py``, ``retention_activity.sql``) for first cohorts, and for recurring ones
counted "on or after" without a date range; every other combination scans the events
(``retention.sql``).
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from analytics.activity import ensure_activity
from analytics.errors import UserLensError
from analytics.names import period_column, period_columns
from analytics.periods import check_event_times, period_params
from analytics.queries import RetentionQuery
from analytics.sqlfiles import run_sql



def retention(con: duckdb.DuckDBPyConnection, *, timezone: str | None = None, week_start: str | None = None,
              **options: Any) -> pl.DataFrame:
    """Cohort retention matrix.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    timezone, week_start : str or None
        None reads the workspace settings.
    **options
        The options of `analytics.queries.RetentionQuery`, where they are declared and validated:
        ``period`` ('day', 'week', 'month'; also the rolling period length: 24 h, 7 d, 30 d),
        ``cohort`` ('first' or 'recurring'), ``unbounded`` (count a user in every column up to their
        latest return over all data), ``window`` ('calendar' or 'rolling'), ``periods`` (columns
        ``p1..p<periods>``), ``start_event`` / ``return_event`` (None: any event), ``date_from`` /
        ``date_to`` (inclusive local dates the anchors fall in; see the module docstring). Each option
        is also a ``$name`` parameter of ``retention.sql`` and ``retention_activity.sql``.

    Returns
    -------
    polars.DataFrame
        ``cohort_start`` (Date), ``cohort_size`` (Int64), ``p0`` .. ``p<periods>`` (Int64; null
        where unobservable; ``p0`` equals the cohort size), one row per non-empty cohort.
    """
    q = RetentionQuery(**options)  # the one place the options are validated
    if q.breakdown is not None:
        raise UserLensError("A breakdown gives one matrix per value: use "
                            "analytics.retention_breakdown.retention_breakdown.")
    params: dict[str, Any] = q.matrix_params()
    params.update(period_params(con, period=q.period, timezone=timezone, week_start=week_start))
    if q.window == "calendar" and q.start_event is None and q.return_event is None and (
            q.cohort == "first" or (q.unbounded and q.date_from is None and q.date_to is None)):
        ensure_activity(con, period=params["period"], tz=params["tz"], wshift=params["wshift"],
                        neighbours=False)
        long = run_sql(con, "retention_activity", **params)
    else:
        check_event_times(con)
        long = run_sql(con, "retention", **params)
    return _wide(long, q.periods)


def _wide(long: pl.DataFrame, periods: int) -> pl.DataFrame:
    """Pivot (cohort_start, cohort_size, k, users) into p0..pN columns."""
    columns = [period_column(k) for k in range(periods + 1)]
    schema = {"cohort_start": pl.Date, "cohort_size": pl.Int64, **{c: pl.Int64 for c in columns}}
    if long.is_empty():
        return pl.DataFrame(schema=schema)
    wide = (long.with_columns(pl.format("p{}", pl.col("k")).alias("col"))
            .pivot(on="col", index=["cohort_start", "cohort_size"], values="users",
                   aggregate_function="first")
            .sort("cohort_start"))
    return wide.select(
        pl.col("cohort_start").cast(pl.Date), pl.col("cohort_size").cast(pl.Int64),
        *[pl.col(c).cast(pl.Int64) for c in columns])


def retention_percent(frame: pl.DataFrame) -> pl.DataFrame:
    """Each cell as a percentage of its cohort size (null stays null; ``p0`` is 100).

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`retention` result.

    Returns
    -------
    polars.DataFrame
        Same shape; ``p*`` columns are Float64 percentages.
    """
    return frame.with_columns(
        [(pl.col(c) * 100.0 / pl.col("cohort_size")).alias(c) for c in period_columns(frame)])


def retention_average(frame: pl.DataFrame) -> pl.DataFrame:
    """The average retention row: per column, sum of counts / sum of sizes over observable rows.

    Weighted by cohort size; rows whose cell is null (unobservable) are skipped for that column.

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`retention` result.

    Returns
    -------
    polars.DataFrame
        One row: ``cohort_size`` (total users) and ``p*`` percentages (null when no row observes it).
    """
    cols = period_columns(frame)
    out: dict[str, Any] = {"cohort_size": int(frame["cohort_size"].sum()) if frame.height else 0}
    for c in cols:
        seen = frame.filter(pl.col(c).is_not_null())
        size = seen["cohort_size"].sum() if seen.height else 0
        out[c] = float(seen[c].sum()) * 100.0 / size if size else None
    return pl.DataFrame([out], schema={"cohort_size": pl.Int64, **{c: pl.Float64 for c in cols}})


def retention_json(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The DESIGN §8 JSON document of a retention matrix.

    Returns
    -------
    dict
        ``{"rows": [{"cohort_start": ISO date, "cohort_size": n, "counts": [c0, c1, ... null]}]}``.
    """
    cols = period_columns(frame)
    return {"rows": [
        {"cohort_start": row["cohort_start"].isoformat(), "cohort_size": int(row["cohort_size"]),
         "counts": [None if row[c] is None else int(row[c]) for c in cols]}
        for row in frame.iter_rows(named=True)]}
