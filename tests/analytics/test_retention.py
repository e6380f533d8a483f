"""Retention: hand-computed edge cases, invariants, and agreement with a reference written from DESIGN §4."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.retention import retention, retention_average, retention_json, retention_percent
from analytics.workspace import Workspace

UTC = ZoneInfo("UTC")
ROLLING_LENGTH = {"day": timedelta(hours=24), "week": timedelta(days=7), "month": timedelta(days=30)}


# ---------------------------------------------------------------------------- reference (DESIGN §4 text)
# Written from the words of DESIGN §4 alone, one sentence at a time, without the SQL: a calendar
# period is identified by the local date it starts on; counting happens per user over ALL their
# events; the N columns shown only select which counts are reported.
def local_date(ts: datetime, tz: str) -> date:
    """The wall-clock date of an instant in the workspace zone."""
    return ts.astimezone(ZoneInfo(tz)).date()


def calendar_period(d: date, period: str, week_start: str) -> date:
    """The first local date of the calendar period (day; week starting on `week_start`; month) of `d`."""
    if period == "day":
        return d
    if period == "week":
        first_weekday = {"monday": 0, "sunday": 6}[week_start]
        return d - timedelta(days=(d.weekday() - first_weekday) % 7)
    return date(d.year, d.month, 1)


def shift_period(start: date, period: str, k: int) -> date:
    """The first local date of the calendar period `k` periods after the one starting on `start`."""
    if period == "day":
        return start + timedelta(days=k)
    if period == "week":
        return start + timedelta(weeks=k)
    month_number = start.year * 12 + (start.month - 1) + k
    return date(month_number // 12, month_number % 12 + 1, 1)


def periods_apart(a: date, b: date, period: str) -> int:
    """How many calendar periods the period starting on `b` lies after the one starting on `a`."""
    if period == "day":
        return (b - a).days
    if period == "week":
        return (b - a).days // 7
    return (b.year - a.year) * 12 + (b.month - a.month)


def local_midnight(d: date, tz: str) -> datetime:
    """The instant at which local date `d` begins in zone `tz`."""
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz))


def reference_retention(events: list[tuple[str, str, datetime]], *, period: str = "week",
                        cohort: str = "first", unbounded: bool = False, window: str = "calendar",
                        periods: int = 8, start_event: str | None = None, return_event: str | None = None,
                        tz: str = "UTC", week_start: str = "monday",
                        date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """Rows ``{"cohort_start", "cohort_size", "counts": [c0..cN]}`` with None for unobservable cells.

    DESIGN §4, sentence by sentence:
    - cohort=first: the anchor is the user's first start event over all data, in one row (the
      anchor's period); cohort=recurring: a row for every period holding a start event (its anchor
      is the first start event in that period).
    - date range (the CLI's --from/--to): keeps the rows whose anchor's local date lies in it.
    - column 0 is the cohort size; column k counts users with a return event in period row + k
      (calendar) or in [t0 + k*L, t0 + (k+1)*L) (rolling); k = 0 never counts as a return.
    - unbounded: a user counts in every column 1..k, k = their latest return period over all data.
    - a cell whose period ends after the last event is null; percentages are not computed here.
      For rolling windows each user's period differs, so the row's latest anchor decides.
    """
    if not events:
        return []
    last_event = max(ts for _, _, ts in events)
    users = sorted({user for user, _, _ in events})
    members: dict[date, list[tuple[str, datetime]]] = {}  # row start -> (user, anchor)
    for user in users:
        start_times = sorted(ts for u, name, ts in events
                             if u == user and (start_event is None or name == start_event))
        if not start_times:
            continue
        if cohort == "first":
            anchors = [start_times[0]]
        else:
            first_in_period: dict[date, datetime] = {}
            for ts in start_times:
                row = calendar_period(local_date(ts, tz), period, week_start)
                if row not in first_in_period:
                    first_in_period[row] = ts
            anchors = list(first_in_period.values())
        for anchor in anchors:
            day = local_date(anchor, tz)
            if (date_from is not None and day < date_from) or (date_to is not None and day > date_to):
                continue
            row = calendar_period(day, period, week_start)
            members.setdefault(row, []).append((user, anchor))
    out = []
    for row in sorted(members):
        size = len(members[row])
        counts: list[int | None] = [size] + [0] * periods
        for user, anchor in members[row]:
            returned_in: set[int] = set()
            for u, name, ts in events:
                if u != user or (return_event is not None and name != return_event):
                    continue
                if window == "calendar":
                    k = periods_apart(row, calendar_period(local_date(ts, tz), period, week_start), period)
                else:
                    k = (ts - anchor) // ROLLING_LENGTH[period] if ts >= anchor else -1
                if k >= 1:  # over all data: no upper bound here
                    returned_in.add(k)
            if unbounded:
                counted = set(range(1, max(returned_in) + 1)) if returned_in else set()
            else:
                counted = returned_in
            for k in counted:
                if k <= periods:
                    counts[k] += 1
        for k in range(1, periods + 1):
            if window == "calendar":
                ends = local_midnight(shift_period(row, period, k + 1), tz)
            else:
                ends = max(a for _, a in members[row]) + ROLLING_LENGTH[period] * (k + 1)
            if ends > last_event:
                counts[k] = None
        out.append({"cohort_start": row, "cohort_size": size, "counts": counts})
    return out


# ---------------------------------------------------------------------------- helpers for the tests
def put(ws: Workspace, rows: list[tuple[str, str, str]]) -> None:
    """Insert (user, event, ISO timestamp with offset) rows."""
    with ws.write("events") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?::TIMESTAMPTZ)", rows)


LATE = ("zz", "x", "2026-06-01 00:00+00")  # keeps every early cell observable; its own row is dropped


def counts(frame: pl.DataFrame, before: date = date(2026, 5, 1)) -> list[list[int | None]]:
    """The p0..pN cells of every row before `before` (default: drop the LATE user's row)."""
    cols = [c for c in frame.columns if c.startswith("p") and c[1:].isdigit()]
    return [[row[c] for c in cols] for row in frame.iter_rows(named=True) if row["cohort_start"] < before]


def starts(frame: pl.DataFrame) -> list[date]:
    return [d for d in frame["cohort_start"].to_list() if d < date(2026, 5, 1)]


# ---------------------------------------------------------------------------- hand-computed vectors
def test_return_in_own_period_does_not_count(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("a", "x", "2026-01-07 10:00+00"), LATE])
    frame = retention(ws.con, period="week", periods=2)
    assert starts(frame)[0] == date(2026, 1, 5)
    assert counts(frame)[0] == [1, 0, 0]


def test_unbounded_counts_every_column_up_to_latest_return(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("a", "x", "2026-01-19 10:00+00"),
             ("b", "x", "2026-01-06 10:00+00"), ("b", "x", "2026-01-13 10:00+00"), LATE])
    bounded = retention(ws.con, period="week", periods=3)
    unbounded = retention(ws.con, period="week", periods=3, unbounded=True)
    assert counts(bounded)[0] == [2, 1, 1, 0]
    assert counts(unbounded)[0] == [2, 2, 1, 0]


def test_unbounded_counts_a_return_beyond_the_columns_shown(ws: Workspace) -> None:
    # DESIGN §4: "a user active in week 9 counts in week 5 of a 6-column table".
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("a", "x", "2026-03-09 10:00+00"), LATE])  # weeks 0 and 9
    assert counts(retention(ws.con, period="week", periods=6, unbounded=True)) == [[1, 1, 1, 1, 1, 1, 1]]
    assert counts(retention(ws.con, period="week", periods=6)) == [[1, 0, 0, 0, 0, 0, 0]]


def test_unbounded_week_5_does_not_depend_on_the_number_of_columns(ws: Workspace) -> None:
    # The shape of issue 10's 47-vs-48 case: b's latest return (week 7) lies beyond a 6-column table and
    # b was not active in weeks 4-6, so counting "latest return among the columns shown" drops b from 5.
    put(ws, [("a", "x", "2026-01-05 10:00+00"), *[("a", "x", f"2026-{d} 10:00+00") for d in
                                                   ("01-12", "01-19", "01-26", "02-02", "02-09")],  # 1..5
             ("b", "x", "2026-01-06 10:00+00"), ("b", "x", "2026-01-20 10:00+00"),  # week 2
             ("b", "x", "2026-02-24 10:00+00"),  # week 7
             ("c", "x", "2026-01-07 10:00+00"), ("c", "x", "2026-01-28 10:00+00"), LATE])  # c: week 3
    six = counts(retention(ws.con, period="week", periods=6, unbounded=True))
    eight = counts(retention(ws.con, period="week", periods=8, unbounded=True))
    assert six == [[3, 3, 3, 3, 2, 2, 1]]
    assert eight == [[3, 3, 3, 3, 2, 2, 1, 1, 0]]
    assert counts(retention(ws.con, period="week", periods=8)) == [[3, 1, 2, 2, 1, 1, 0, 1, 0]]


def test_unbounded_recurring_and_rolling_look_past_the_last_column(ws: Workspace) -> None:
    # u starts in weeks 0 and 1 and is next seen in week 9: both recurring rows count u in p1..p3.
    put(ws, [("u", "x", "2026-01-05 10:00+00"), ("u", "x", "2026-01-12 10:00+00"),
             ("u", "x", "2026-03-09 10:00+00"), LATE])
    rec = retention(ws.con, period="week", periods=3, cohort="recurring", unbounded=True)
    assert counts(rec) == [[1, 1, 1, 1], [1, 1, 1, 1], [1, 0, 0, 0]]
    # rolling: the return 9 weeks (63 days) after the anchor is in rolling week 9
    rolling = retention(ws.con, period="week", periods=3, window="rolling", unbounded=True)
    assert counts(rolling) == [[1, 1, 1, 1]]
    assert counts(retention(ws.con, period="week", periods=3, window="rolling")) == [[1, 1, 0, 0]]


def test_first_versus_recurring(ws: Workspace) -> None:
    # u starts in weeks 0 and 2; v only in week 0 and returns in week 1.
    put(ws, [("u", "x", "2026-01-05 10:00+00"), ("u", "x", "2026-01-19 10:00+00"),
             ("v", "x", "2026-01-05 11:00+00"), ("v", "x", "2026-01-12 11:00+00"), LATE])
    first = retention(ws.con, period="week", periods=2)
    assert starts(first) == [date(2026, 1, 5)]
    assert counts(first) == [[2, 1, 1]]
    rec = retention(ws.con, period="week", periods=2, cohort="recurring")
    assert starts(rec) == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    assert counts(rec) == [[2, 1, 1], [1, 0, 0], [1, 0, 0]]


def test_first_event_before_date_range_is_not_a_new_user_of_the_range(ws: Workspace) -> None:
    put(ws, [("old", "x", "2025-12-20 10:00+00"), ("old", "x", "2026-01-06 10:00+00"),
             ("old", "x", "2026-01-13 10:00+00"),
             ("new", "x", "2026-01-07 10:00+00"), ("new", "x", "2026-01-13 10:00+00"), LATE])
    frame = retention(ws.con, period="week", periods=1, date_from="2026-01-01", date_to="2026-01-31")
    assert starts(frame) == [date(2026, 1, 5)]
    assert counts(frame) == [[1, 1]]
    # recurring rows are the periods with a start event, so "old" is in the range's row
    rec = retention(ws.con, period="week", periods=1, cohort="recurring", date_from="2026-01-01",
                    date_to="2026-01-11")
    assert counts(rec) == [[2, 2]]


def test_midnight_crossing_calendar_versus_rolling(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-05 23:59+00"), ("a", "x", "2026-01-06 00:01+00"), LATE])
    assert counts(retention(ws.con, period="day", periods=1))[0] == [1, 1]
    assert counts(retention(ws.con, period="day", periods=1, window="rolling"))[0] == [1, 0]


def test_monday_versus_sunday_weeks(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-11 10:00+00"), ("a", "x", "2026-01-12 10:00+00"), LATE])  # Sun, Mon
    monday = retention(ws.con, period="week", periods=1, week_start="monday")
    assert starts(monday) == [date(2026, 1, 5)]
    assert counts(monday) == [[1, 1]]
    ws.set_setting("week_start", "sunday")
    sunday = retention(ws.con, period="week", periods=1)
    assert starts(sunday) == [date(2026, 1, 11)]
    assert counts(sunday) == [[1, 0]]


def test_utc_plus_8_moves_events_across_the_day_boundary(ws: Workspace) -> None:
    # 10:00 UTC = 18:00 in Shanghai (Jan 5); 17:00 UTC = 01:00 in Shanghai (Jan 6)
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("a", "x", "2026-01-05 17:00+00"), LATE])
    assert counts(retention(ws.con, period="day", periods=1)) == [[1, 0]]
    ws.set_setting("timezone", "Asia/Shanghai")
    shanghai = retention(ws.con, period="day", periods=1)
    assert starts(shanghai) == [date(2026, 1, 5)]
    assert counts(shanghai) == [[1, 1]]
    # 2026-01-04 20:00 UTC is Jan 5 04:00 in Shanghai: the cohort day moves too
    put(ws, [("b", "x", "2026-01-04 20:00+00")])
    assert starts(retention(ws.con, period="day", periods=1)) == [date(2026, 1, 5)]
    assert starts(retention(ws.con, period="day", periods=1, timezone="UTC")) == [
        date(2026, 1, 4), date(2026, 1, 5)]


def test_dst_change_berlin(ws: Workspace) -> None:
    # 2026-03-29: Berlin goes from UTC+1 to UTC+2 at 01:00 UTC; that local day has 23 hours.
    # anchor: 2026-03-28 23:30 local (22:30 UTC); return 1: 2026-03-30 00:15 local (22:15 UTC on the
    # 29th) -- only 23 h 45 min later; return 2: 2026-03-30 23:30 local (21:30 UTC).
    put(ws, [("a", "x", "2026-03-28 22:30+00"), ("a", "x", "2026-03-29 22:15+00"),
             ("b", "x", "2026-03-28 22:30+00"), ("b", "x", "2026-03-30 21:30+00"), LATE])
    ws.set_setting("timezone", "Europe/Berlin")
    cal = retention(ws.con, period="day", periods=2)
    assert starts(cal) == [date(2026, 3, 28)]
    assert counts(cal) == [[2, 0, 2]]  # Mar 30 is period 2 for both
    rolling = retention(ws.con, period="day", periods=2, window="rolling")
    # a: 23.75 h -> k=0; b: 47 h -> k=1 (exact 24 h multiples, not wall-clock days)
    assert counts(rolling) == [[2, 1, 0]]


def test_unobservable_cells_are_null_and_period_ending_at_last_event_is_observable(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("b", "x", "2026-01-12 10:00+00"),
             ("c", "x", "2026-01-19 00:00+00")])  # last event: exactly the end of week Jan 12
    frame = retention(ws.con, period="week", periods=3)
    assert counts(frame) == [[1, 0, None, None], [1, None, None, None], [1, None, None, None]]
    frame = retention(ws.con, period="week", periods=3, window="rolling")
    assert counts(frame)[0] == [1, None, None, None]  # a's rolling week 1 ends Jan 19 10:00


def test_start_and_return_events(ws: Workspace) -> None:
    put(ws, [("a", "open", "2026-01-05 10:00+00"), ("a", "signup", "2026-01-06 10:00+00"),
             ("a", "buy", "2026-01-13 10:00+00"), ("b", "signup", "2026-01-13 10:00+00"),
             ("b", "open", "2026-01-20 10:00+00"), LATE])
    frame = retention(ws.con, period="week", periods=1, start_event="signup", return_event="buy")
    assert counts(frame) == [[1, 1], [1, 0]]


def test_percent_average_and_json() -> None:
    frame = pl.DataFrame({"cohort_start": [date(2026, 1, 5), date(2026, 1, 12)], "cohort_size": [4, 2],
                          "p0": [4, 2], "p1": [2, 1], "p2": [1, None]},
                         schema_overrides={"p2": pl.Int64})
    assert retention_percent(frame)["p1"].to_list() == [50.0, 50.0]
    avg = retention_average(frame)
    assert avg["p1"][0] == pytest.approx(100 * 3 / 6)
    assert avg["p2"][0] == pytest.approx(100 * 1 / 4)  # the null row is skipped, weights by size
    assert retention_json(frame) == {"rows": [
        {"cohort_start": "2026-01-05", "cohort_size": 4, "counts": [4, 2, 1]},
        {"cohort_start": "2026-01-12", "cohort_size": 2, "counts": [2, 1, None]}]}


def test_bad_arguments_raise_user_errors(ws: Workspace) -> None:
    with pytest.raises(UserLensError, match="period"):
        retention(ws.con, period="year")
    with pytest.raises(UserLensError, match="YYYY-MM-DD"):
        retention(ws.con, date_from="yesterday")
    with pytest.raises(UserLensError, match="timezone"):
        retention(ws.con, timezone="Mars/Base")


# ---------------------------------------------------------------------------- property-based
BASE = datetime(2026, 3, 1, tzinfo=UTC)
event_rows = st.lists(
    st.tuples(st.sampled_from(["u1", "u2", "u3", "u4", "u5"]), st.sampled_from(["a", "b"]),
              st.integers(0, 70 * 24 * 4).map(lambda q: BASE + timedelta(minutes=15 * q))),
    min_size=1, max_size=40)
options = st.fixed_dictionaries({
    "period": st.sampled_from(["day", "week", "month"]),
    "cohort": st.sampled_from(["first", "recurring"]),
    "window": st.sampled_from(["calendar", "rolling"]),
    "unbounded": st.booleans(),
    "start_event": st.sampled_from([None, "a"]),
    "return_event": st.sampled_from([None, "b"]),
    "tz": st.sampled_from(["UTC", "Europe/Berlin", "Asia/Shanghai", "America/New_York"]),
    "week_start": st.sampled_from(["monday", "sunday"]),
    "date_from": st.sampled_from([None, date(2026, 3, 10)]),
    "date_to": st.sampled_from([None, date(2026, 4, 20)]),
})


def load(ws: Workspace, rows: list[tuple[str, str, datetime]]) -> None:
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?)", rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=event_rows, opts=options)
def test_agrees_with_independent_implementation(ws: Workspace, rows, opts) -> None:
    load(ws, rows)
    periods = 4 if opts["period"] != "day" else 10
    frame = retention(ws.con, periods=periods, period=opts["period"], cohort=opts["cohort"],
                      window=opts["window"], unbounded=opts["unbounded"], start_event=opts["start_event"],
                      return_event=opts["return_event"], timezone=opts["tz"], week_start=opts["week_start"],
                      date_from=opts["date_from"], date_to=opts["date_to"])
    expected = reference_retention(rows, periods=periods, period=opts["period"], cohort=opts["cohort"],
                                   window=opts["window"], unbounded=opts["unbounded"],
                                   start_event=opts["start_event"], return_event=opts["return_event"],
                                   tz=opts["tz"], week_start=opts["week_start"],
                                   date_from=opts["date_from"], date_to=opts["date_to"])
    assert retention_json(frame)["rows"] == [
        {"cohort_start": r["cohort_start"].isoformat(), "cohort_size": r["cohort_size"],
         "counts": r["counts"]} for r in expected]


def call(ws: Workspace, opts: dict, periods: int, **overrides) -> pl.DataFrame:
    """retention() with the hypothesis options (and `overrides`)."""
    kw = dict(period=opts["period"], cohort=opts["cohort"], window=opts["window"],
              unbounded=opts["unbounded"], start_event=opts["start_event"], return_event=opts["return_event"],
              timezone=opts["tz"], week_start=opts["week_start"], date_from=opts["date_from"],
              date_to=opts["date_to"])
    kw.update(overrides)
    return retention(ws.con, periods=periods, **kw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=event_rows, opts=options, shown=st.integers(0, 3), more=st.integers(1, 9))
def test_more_columns_never_change_the_first_ones(ws: Workspace, rows, opts, shown, more) -> None:
    load(ws, rows)
    small = call(ws, opts, shown)
    large = call(ws, opts, shown + more)
    assert small.columns == ["cohort_start", "cohort_size", *[f"p{k}" for k in range(shown + 1)]]
    assert large.select(small.columns).to_dicts() == small.to_dicts()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=event_rows, opts=options)
def test_invariants(ws: Workspace, rows, opts) -> None:
    load(ws, rows)
    last_event = max(ts for _, _, ts in rows)
    length = ROLLING_LENGTH[opts["period"]]
    unb = call(ws, opts, 6, unbounded=True)
    for row in counts(unb, date.max):
        seen = [c for c in row if c is not None]
        assert all(a >= b for a, b in zip(seen, seen[1:], strict=False))  # unbounded rows never increase
    bounded = call(ws, opts, 6, unbounded=False)
    for frame in (unb, bounded):
        for rec in frame.iter_rows(named=True):
            cells = [rec[f"p{k}"] for k in range(7)]
            assert cells[0] == rec["cohort_size"] and all(c is None or 0 <= c <= rec["cohort_size"]
                                                         for c in cells)
            start = rec["cohort_start"]
            for k in range(1, 7):
                if opts["window"] == "calendar":  # null exactly where period start + k has not ended
                    ends = local_midnight(shift_period(start, opts["period"], k + 1), opts["tz"])
                    assert (cells[k] is None) == (ends > last_event)
                else:  # rolling: the row's anchors lie inside the row's calendar period
                    if cells[k] is not None:
                        assert local_midnight(start, opts["tz"]) + length * (k + 1) <= last_event
                    next_row = local_midnight(shift_period(start, opts["period"], 1), opts["tz"])
                    if next_row + length * (k + 1) <= last_event:
                        assert cells[k] is not None
    for b_row, u_row in zip(counts(bounded, date.max), counts(unb, date.max), strict=True):
        assert all(b is None and u is None or b <= u for b, u in zip(b_row, u_row, strict=True))
    rec = call(ws, opts, 6, cohort="recurring", start_event=None, date_from=None, date_to=None)
    active: dict[date, set[str]] = {}
    for user, _, ts in rows:
        row_start = calendar_period(local_date(ts, opts["tz"]), opts["period"], opts["week_start"])
        active.setdefault(row_start, set()).add(user)
    assert dict(zip(rec["cohort_start"].to_list(), rec["cohort_size"].to_list(), strict=True)) == {
        p: len(users) for p, users in active.items()}


def test_cli_json_is_the_design_shape(tmp_path, capsys) -> None:
    import json

    from dashboard.cli import main

    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    put(ws, [("a", "x", "2026-01-05 10:00+00"), ("a", "x", "2026-01-13 10:00+00"),
             ("b", "x", "2026-01-14 10:00+00"), ("c", "x", "2026-01-20 10:00+00")])
    ws.close()
    assert main(["retention", "--workspace", str(path), "--periods", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"rows": [
        {"cohort_start": "2026-01-05", "cohort_size": 1, "counts": [1, 1, None]},
        {"cohort_start": "2026-01-12", "cohort_size": 1, "counts": [1, None, None]},
        {"cohort_start": "2026-01-19", "cohort_size": 1, "counts": [1, None, None]}]}
    assert main(["retention", "--workspace", str(tmp_path / "empty.duckdb")]) == 2
    assert "userlens ingest events" in capsys.readouterr().err
