"""Lifecycle: every transition on a hand-computed example."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.errors import UserLensError
from analytics.lifecycle import lifecycle
from analytics.workspace import Workspace


def put(ws: Workspace, rows: list[tuple[str, str]]) -> None:
    with ws.write("events") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, 'x', ?::TIMESTAMPTZ)", rows)


def table(frame) -> dict[date, dict[str, int]]:
    out: dict[date, dict[str, int]] = {}
    for row in frame.iter_rows(named=True):
        out.setdefault(row["period_start"], {})[row["status"]] = row["users"]
    return out


def test_each_transition_weekly(ws: Workspace) -> None:
    # a: weeks 1, 2, 4; b: weeks 1, 3; c: week 2 (weeks start Mon Jan 5, 12, 19, 26)
    put(ws, [("a", "2026-01-05 10:00+00"), ("a", "2026-01-06 10:00+00"), ("a", "2026-01-13 10:00+00"),
             ("a", "2026-01-28 10:00+00"), ("b", "2026-01-07 10:00+00"), ("b", "2026-01-21 10:00+00"),
             ("c", "2026-01-18 23:00+00")])
    got = table(lifecycle(ws.con, period="week"))
    z = {"new": 0, "returning": 0, "resurrecting": 0, "dormant": 0}
    assert got == {
        date(2026, 1, 5): {**z, "new": 2},
        date(2026, 1, 12): {**z, "new": 1, "returning": 1, "dormant": -1},
        date(2026, 1, 19): {**z, "resurrecting": 1, "dormant": -2},
        date(2026, 1, 26): {**z, "resurrecting": 1, "dormant": -1},
    }
    statuses = lifecycle(ws.con, period="week")["status"].to_list()[:4]
    assert statuses == ["new", "returning", "resurrecting", "dormant"]


def test_timezone_and_sunday_weeks_move_a_user(ws: Workspace) -> None:
    # Sunday 2026-01-18 23:00 UTC is Monday 07:00 in Shanghai.
    put(ws, [("a", "2026-01-12 10:00+00"), ("a", "2026-01-18 23:00+00")])
    utc = table(lifecycle(ws.con, period="week"))
    assert list(utc) == [date(2026, 1, 12)] and utc[date(2026, 1, 12)]["new"] == 1
    sh = table(lifecycle(ws.con, period="week", timezone="Asia/Shanghai"))
    assert sh[date(2026, 1, 19)]["returning"] == 1
    sunday = table(lifecycle(ws.con, period="week", week_start="sunday"))
    assert list(sunday) == [date(2026, 1, 11), date(2026, 1, 18)]
    assert sunday[date(2026, 1, 18)]["returning"] == 1


def test_daily_and_monthly(ws: Workspace) -> None:
    put(ws, [("a", "2026-01-31 10:00+00"), ("a", "2026-02-01 10:00+00"), ("a", "2026-04-02 10:00+00")])
    month = table(lifecycle(ws.con, period="month"))
    assert month[date(2026, 2, 1)]["returning"] == 1
    assert month[date(2026, 3, 1)]["dormant"] == -1
    assert month[date(2026, 4, 1)]["resurrecting"] == 1
    day = table(lifecycle(ws.con, period="day"))
    assert len(day) == 62 and day[date(2026, 2, 2)]["dormant"] == -1


def test_empty_and_bad_period(ws: Workspace) -> None:
    assert lifecycle(ws.con).is_empty()
    with pytest.raises(UserLensError):
        lifecycle(ws.con, period="quarter")
