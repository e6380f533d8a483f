"""User activity per local period, built once per data version and read by retention, lifecycle and DAU.

The expensive part of these metrics is always the same: which users were active in which local
period. The ``activity`` table (migration 6) holds it per grain (day, week, month), zone and week
start, built by ``analytics/sql/activity_build.sql`` from the events table: for every (user, active
period) the user's first and last active period and first local day and, when asked (lifecycle
and DAU need them, retention does not), the user's previous and next active period, counted by
that pattern. Rows hold no user id, so the table is small (a dense log of 200 k users x 26 weeks
becomes 182 rows) and erasing a user leaves nothing that names them. Queries read one build with
the table macro ``activity_of($period, $tz, $wshift)``.

Freshness: ``activity_builds`` records, per (grain, zone, week shift), :data:`ACTIVITY_FORMAT`,
whether the neighbours are there, and the events table's data version and row count it was built
from. Every write through ``Workspace.write("events")`` bumps the version (ingest, batch deletion,
erasure, settings), so the first metric after a change rebuilds the build it needs (and drops
builds of older data), inside one transaction that reads the events and the version in the same
snapshot; later calls only read the small table. A writer that bypassed ``Workspace.write`` would
go unnoticed unless it changed the row count: write through it.

A cursor whose ``events`` is a temporary view or table (a private subset of the users, as a retention
breakdown group uses) gets a temporary ``activity`` of its own, built on every call: the workspace's
table and its builds never see such a subset.
"""

from __future__ import annotations

import threading
from typing import Any

import duckdb

from analytics.periods import check_event_times
from analytics.sqlfiles import load_sql, quote_ident, run_sql

# Bump when activity_build.sql changes meaning: stored builds of another format are rebuilt.
ACTIVITY_FORMAT = 1
_BUILD_LOCK = threading.Lock()


def ensure_activity(con: duckdb.DuckDBPyConnection, *, period: str, tz: str, wshift: int,
                    neighbours: bool = True) -> None:
    """Make the ``activity`` rows of grain `period` match the current events, zone and week start.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection (this thread's cursor).
    period : {'day', 'week', 'month'}
        The grain to build.
    tz : str
        Resolved zone (``'UTC'`` for UTC aliases), as :func:`analytics.periods.period_params` gives.
    wshift : int
        Week shift (only the week grain depends on it).
    neighbours : bool
        Whether the caller reads ``prev_p`` / ``next_p`` (a build without them is cheaper; a build
        with them serves every caller).

    Raises
    ------
    UserLensError
        The events hold times no calendar period can hold (see
        :func:`analytics.periods.check_event_times`).
    """
    wshift = wshift if period == "week" else 0
    if run_sql(con, "events_is_private")["private"][0]:
        _build_private(con, period, tz, wshift)
        return
    if _is_fresh(con, period, tz, wshift, neighbours):
        return
    with _BUILD_LOCK:  # one build at a time per process; the dashboard runs pages in threads
        own = _begin(con)
        try:
            if not _is_fresh(con, period, tz, wshift, neighbours):  # another thread may have built it
                _build(con, period, tz, wshift, neighbours)
            if own:
                con.execute("COMMIT")
        except BaseException:
            if own:
                con.execute("ROLLBACK")
            raise


def _begin(con: duckdb.DuckDBPyConnection) -> bool:
    """Open a transaction; False when the caller already holds one (the build then joins it)."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        return False
    return True


def _key(con: duckdb.DuckDBPyConnection, period: str, tz: str, wshift: int) -> dict[str, Any]:
    return run_sql(con, "activity_key", period=period, tz=tz, wshift=wshift).row(0, named=True)


def _is_fresh(con: duckdb.DuckDBPyConnection, period: str, tz: str, wshift: int, neighbours: bool) -> bool:
    key = _key(con, period, tz, wshift)
    return (key["format"] == ACTIVITY_FORMAT and key["built_version"] == key["events_version"]
            and key["built_rows"] == key["events_rows"] and (key["neighbours"] or not neighbours))


def _build_private(con: duckdb.DuckDBPyConnection, period: str, tz: str, wshift: int) -> None:
    """Build into a temporary ``activity`` that shadows the workspace's on this cursor only."""
    catalog = con.execute("SELECT current_database()").fetchall()[0][0]
    # the catalog name is an identifier (quoted), never a value formatted into SQL
    con.execute("CREATE OR REPLACE TEMP TABLE activity AS "
                f"SELECT * FROM {quote_ident(catalog)}.main.activity LIMIT 0")
    check_event_times(con)
    build = load_sql("activity_build")
    params = {"period": period, "tz": tz, "wshift": wshift, "neighbours": True}
    con.execute(build, {k: v for k, v in params.items() if f"${k}" in build})


def _build(con: duckdb.DuckDBPyConnection, period: str, tz: str, wshift: int, neighbours: bool) -> None:
    """Replace the build (period, tz, wshift) and drop builds of older data (in the caller's transaction)."""
    check_event_times(con)
    key = _key(con, period, tz, wshift)
    params = {"period": period, "tz": tz, "wshift": wshift, "version": key["events_version"],
              "rows": key["events_rows"], "format": ACTIVITY_FORMAT, "neighbours": neighbours}
    for name in ("activity_drop", "activity_build", "activity_record"):
        query = load_sql(name)
        con.execute(query, {k: v for k, v in params.items() if f"${k}" in query})
