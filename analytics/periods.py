"""Period helpers shared by the behaviour metrics (DESIGN §4).

Every metric takes ``timezone`` and ``week_start``; ``None`` means "read the workspace
``settings`` table" (defaults UTC / monday). The SQL files receive the resolved values as
parameters built here:

- ``$tz``: IANA zone; ``'UTC'`` for any UTC alias, which lets the SQL skip the per-row zone
  conversion (``timezone($tz, ts)`` is exact but costs ~0.3 s per 10 M rows).
- ``$wshift``: 3 for Monday weeks, 4 for Sunday weeks. With ``dnum`` the local day number
  (days since 1970-01-01), the week number is ``(dnum + wshift) // 7`` and the week starts on
  day ``7 * week - wshift`` (1970-01-05 was a Monday, 1970-01-04 a Sunday).
- ``$len_us``: rolling period length in microseconds: exactly 24 h, 7 d or 30 d, so a rolling
  period is a fixed span of elapsed time even across a DST change; calendar periods follow the
  local calendar (a DST day has 23 or 25 hours).

The SQL spells these rules once, as macros created by migration 6 (``analytics/migrations.py``):
``local_day(ts, $tz)``, ``period_number(dnum, $period, $wshift)``, ``period_first_day(pnum,
$period, $wshift)`` and ``local_midnight(date, $tz)``.

Event times must lie in :data:`EVENT_TIME_RANGE`: Python, polars' conversions and the pages hold
years 1 to 9999, and a year's margin keeps every local day, period start and period end inside.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import duckdb

from analytics.errors import UserLensError
from analytics.names import check_timezone
from analytics.sqlfiles import run_sql

PERIODS = ("day", "week", "month")
WEEK_STARTS = ("monday", "sunday")
DAY_US = 86_400_000_000
EVENT_TIME_RANGE = (datetime(2, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
ROLLING_LENGTH_US = {"day": DAY_US, "week": 7 * DAY_US, "month": 30 * DAY_US}


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    """Return `value` lower-cased if it is one of `choices`, else raise a UserLensError."""
    low = str(value).lower()
    if low not in choices:
        raise UserLensError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return low


def resolve_settings(con: duckdb.DuckDBPyConnection, timezone: str | None = None,
                     week_start: str | None = None) -> tuple[str, str]:
    """The timezone and week start to use: the arguments, else the workspace settings.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection (its ``settings`` table is read only for arguments left None).
    timezone, week_start : str or None
        Explicit values; None reads the setting (defaults ``UTC`` and ``monday``).

    Returns
    -------
    tuple of str
        ``(timezone, week_start)``, the zone normalised to ``'UTC'`` for UTC aliases.
    """
    if timezone is None or week_start is None:
        stored = dict(con.execute(
            "SELECT key, value FROM settings WHERE key IN ('timezone', 'week_start')").fetchall())
        timezone = timezone if timezone is not None else stored.get("timezone", "UTC")
        week_start = week_start if week_start is not None else stored.get("week_start", "monday")
    return check_timezone(timezone), check_choice("week_start", week_start, WEEK_STARTS)


def week_shift(week_start: str) -> int:
    """``$wshift`` for a week start (3 = Monday, 4 = Sunday); see the module docstring."""
    return 3 if check_choice("week_start", week_start, WEEK_STARTS) == "monday" else 4


def period_length_us(period: str) -> int:
    """Length of one rolling period in microseconds (24 h, 7 d or 30 d)."""
    return ROLLING_LENGTH_US[check_choice("period", period, PERIODS)]


def period_params(con: duckdb.DuckDBPyConnection, *, period: str = "day", timezone: str | None = None,
                  week_start: str | None = None) -> dict[str, Any]:
    """SQL parameters ``tz``, ``period``, ``wshift`` and ``len_us`` for one computation.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    period : {'day', 'week', 'month'}
        Calendar period (or rolling period length).
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    dict
        Parameters for :func:`analytics.sqlfiles.run_sql`.
    """
    tz, ws = resolve_settings(con, timezone, week_start)
    period = check_choice("period", period, PERIODS)
    return {"tz": tz, "period": period, "wshift": week_shift(ws), "len_us": period_length_us(period)}


def to_date(value: date | datetime | str | None, name: str = "date") -> date | None:
    """Accept a date, datetime or ISO string (``YYYY-MM-DD``); None passes through."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise UserLensError(f"{name} {value!r} is not a date: write it as YYYY-MM-DD.") from exc


def to_timestamp(value: date | datetime | str | None, name: str = "as_of") -> datetime | None:
    """Accept a datetime, date (midnight UTC) or ISO string; None passes through."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise UserLensError(f"{name} {value!r} is not a time: write it as YYYY-MM-DD[THH:MM].") from exc


def ensure_events(con: duckdb.DuckDBPyConnection, where: str = "the workspace") -> None:
    """Raise a UserLensError saying how to load events when the events table is empty."""
    if not con.execute("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)").fetchall()[0][0]:
        raise UserLensError(f"No events in {where}: load them first with `userlens ingest events FILE`.")


def check_event_times(con: duckdb.DuckDBPyConnection) -> None:
    """Raise a UserLensError naming the rows when an event time lies outside :data:`EVENT_TIME_RANGE`.

    Such rows can only come from a load made before ingestion rejected them (or from writing to the
    table directly); a metric refuses them in one sentence instead of failing on a date it cannot hold.
    """
    lo, hi = EVENT_TIME_RANGE
    found = run_sql(con, "event_time_outliers", lo=lo, hi=hi)
    if found.is_empty():
        return
    row = found.row(0, named=True)
    n = int(row["n"])
    where = (f"batch {row['batch_id']}" + (f" from {row['file_name']}" if row["file_name"] else "")
             if row["batch_id"] is not None else "not from a loaded file")
    fix = (f"delete batch {row['batch_id']} on the Data page or load its file again with "
           "`userlens ingest events FILE --replace`, which rejects such times"
           if row["batch_id"] is not None else "delete those rows from the events table")
    raise UserLensError(
        f"{n:,} event{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} a time outside "
        f"{lo.date().isoformat()}..{hi.year - 1}-12-31 UTC that no calendar period can hold (the first: user "
        f"{row['user_id']!r} at {row['ts_text']}, {where}): {fix}.")
