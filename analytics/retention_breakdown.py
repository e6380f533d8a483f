"""Retention by breakdown (DESIGN §4 "Retention", issue 16): one retention matrix per value of a user
attribute or event property, computed by the unchanged :func:`analytics.retention.retention`.

Each user gets one value: ``attr:KEY`` reads ``users.attributes``; ``prop:KEY`` reads the property on the
user's first start event (their first event when the start event is "any"). Users without a value are
``(none)``. Values are ranked by users (ties by value); the top ``top`` get their own matrix and the rest
share one called ``(other)``. A value's matrix is exactly the retention of a workspace holding only
that value's users: the metric runs on a private cursor whose ``events`` is a temporary view of those
users' events, so every retention rule (anchors over all of a user's data, returns, unbounded) is the
shared one. One consequence: a cell is unobservable when its period ends after the *group's* last
event (as in a workspace holding only that group), not the last event of all users.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import polars as pl

from analytics.eventspec import OTHER, Breakdown, breakdown_params, parse_breakdown
from analytics.errors import UserLensError
from analytics.periods import resolve_settings
from analytics.retention import retention, retention_average
from analytics.sqlfiles import quote_ident, run_sql


def breakdown_values(con: duckdb.DuckDBPyConnection, *, breakdown: str | Breakdown,
                     event: str | None = None) -> pl.DataFrame:
    """``user_id``, ``value``: each user's breakdown value (users with an `event` event; any when None)."""
    bd = parse_breakdown(breakdown)
    if bd is None:
        raise UserLensError("Name the breakdown: attr:KEY (a user attribute) or prop:KEY "
                            "(an event property).")
    return run_sql(con, "breakdown_values", event=event or None, **breakdown_params(bd))


def ranked_groups(values: pl.DataFrame, top: int) -> pl.DataFrame:
    """``user_id``, ``breakdown``, ``rank``: the top `top` values by users keep their name, the rest OTHER."""
    if not isinstance(top, int) or top < 1:
        raise UserLensError(f"The breakdown shows the top N values: N must be a whole number >= 1, "
                            f"not {top!r}.")
    ranks = (values.group_by("value").agg(pl.len().alias("n")).sort(["n", "value"], descending=[True, False])
             .with_row_index("rank", offset=1))
    return (values.join(ranks, on="value").select(
        "user_id", breakdown=pl.when(pl.col("rank") <= top).then("value").otherwise(pl.lit(OTHER)),
        rank=pl.min_horizontal(pl.col("rank"), pl.lit(top + 1)).cast(pl.Int64)))


@contextmanager
def only_users(con: duckdb.DuckDBPyConnection, user_ids: list[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private cursor on the same workspace whose ``events`` shows only `user_ids`' events."""
    cur = con.cursor()
    try:
        cur.execute("SET TimeZone = 'UTC'")
        catalog = cur.execute("SELECT current_database()").fetchall()[0][0]
        cur.execute("CREATE TEMP TABLE ul_group_users AS SELECT unnest($ids::VARCHAR[]) AS user_id",
                    {"ids": user_ids})
        # A temporary view is found before the workspace's table of the same name on this cursor only;
        # the catalog name is an identifier, so it is quoted, never a value formatted into SQL.
        cur.execute(f"CREATE TEMP VIEW events AS SELECT e.* FROM {quote_ident(catalog)}.main.events e "
                    "SEMI JOIN ul_group_users g ON g.user_id = e.user_id")
        yield cur
    finally:
        cur.close()


def retention_breakdown(con: duckdb.DuckDBPyConnection, *, breakdown: str | Breakdown, top: int = 10,
                        **options: Any) -> pl.DataFrame:
    """One retention matrix per breakdown value, stacked.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    breakdown : str or Breakdown
        ``attr:KEY`` or ``prop:KEY``.
    top : int
        Values with their own matrix; the rest are ``(other)``.
    **options
        Any :func:`analytics.retention.retention` option (period, cohort, periods, start_event ...).

    Returns
    -------
    polars.DataFrame
        ``breakdown`` then the retention columns (``cohort_start``, ``cohort_size``, ``p0``..), the values
        in rank order, ``(other)`` last.
    """
    tz, week_start = resolve_settings(con, options.pop("timezone", None), options.pop("week_start", None))
    groups = ranked_groups(breakdown_values(con, breakdown=breakdown, event=options.get("start_event")), top)
    frames = []
    for name, _rank, members in groups.group_by("breakdown", "rank").agg("user_id").sort("rank").iter_rows():
        with only_users(con, members) as cur:
            matrix = retention(cur, timezone=tz, week_start=week_start, **options)
        frames.append(matrix.select(pl.lit(name, pl.Utf8).alias("breakdown"), pl.all()))
    if not frames:
        return retention(con, timezone=tz, week_start=week_start, **options).select(
            pl.lit(None, pl.Utf8).alias("breakdown"), pl.all()).clear()
    return pl.concat(frames)


def retention_query(con: duckdb.DuckDBPyConnection, *, breakdown: str | Breakdown | None = None,
                    top: int = 10, **options: Any) -> pl.DataFrame:
    """`analytics.queries.RetentionQuery`'s function: the matrix, or one per breakdown value when named.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    breakdown : str or Breakdown or None
        ``attr:KEY`` or ``prop:KEY``; None gives the plain :func:`analytics.retention.retention` matrix.
    top : int
        Values with their own matrix (breakdown only).
    **options
        Any :func:`analytics.retention.retention` option.

    Returns
    -------
    polars.DataFrame
        The retention matrix, with a leading ``breakdown`` column when a breakdown is named.
    """
    if parse_breakdown(breakdown) is None:
        return retention(con, **options)
    return retention_breakdown(con, breakdown=breakdown, top=top, **options)


def retention_breakdown_average(frame: pl.DataFrame) -> pl.DataFrame:
    """One curve per value: the size-weighted average row of each value's matrix (percentages)."""
    rows = [retention_average(part.drop("breakdown")).select(pl.lit(name).alias("breakdown"), pl.all())
            for (name,), part in frame.group_by("breakdown", maintain_order=True)]
    return pl.concat(rows) if rows else pl.DataFrame(schema={"breakdown": pl.Utf8})
