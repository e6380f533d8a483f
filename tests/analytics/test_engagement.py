"""Engagement: DAU/WAU/MAU windows, stickiness, power-user curve, sessions and KPIs, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.engagement import dau_wau_mau, events_per_user, kpis, power_users, session_kpis, sessions
from analytics.errors import UserLensError
from analytics.workspace import Workspace


def put(ws: Workspace, rows: list[tuple]) -> None:
    with ws.write("events") as cur:
        cur.executemany(
            "INSERT INTO events (user_id, event, ts, session_id) VALUES (?, ?, ?::TIMESTAMPTZ, ?)",
            [(*r, None) if len(r) == 3 else r for r in rows])


@pytest.fixture
def daily(ws: Workspace) -> Workspace:
    put(ws, [("a", "x", "2026-01-01 10:00+00"), ("a", "y", "2026-01-03 10:00+00"),
             ("b", "x", "2026-01-03 11:00+00"), ("b", "x", "2026-01-10 11:00+00"),
             ("d", "x", "2026-01-08 11:00+00"), ("d", "x", "2026-01-09 11:00+00"),
             ("d", "x", "2026-01-10 09:00+00"), ("c", "x", "2026-01-31 12:00+00")])
    return ws


def test_dau_wau_mau_windows(daily: Workspace) -> None:
    frame = dau_wau_mau(daily.con)
    rows = {r["day"]: (r["dau"], r["wau"], r["mau"]) for r in frame.iter_rows(named=True)}
    assert len(rows) == 31 and frame["day"][0] == date(2026, 1, 1)
    assert rows[date(2026, 1, 1)] == (1, 1, 1)
    assert rows[date(2026, 1, 3)] == (2, 2, 2)
    assert rows[date(2026, 1, 9)] == (1, 3, 3)  # week = Jan 3..9: a, b, d
    assert rows[date(2026, 1, 10)] == (2, 2, 3)  # Jan 4..10: b, d
    assert rows[date(2026, 1, 30)] == (0, 0, 3)  # Jan 1..30
    assert rows[date(2026, 1, 31)] == (1, 1, 4)  # Jan 2..31: a (Jan 3), b, d, c
    last = frame.filter(frame["day"] == date(2026, 1, 31))
    assert last["stickiness"][0] == pytest.approx(1 / 4)


def test_local_days(ws: Workspace) -> None:
    put(ws, [("a", "x", "2026-01-01 20:00+00"), ("b", "x", "2026-01-02 01:00+00")])
    assert dau_wau_mau(ws.con)["dau"].to_list() == [1, 1]
    sh = dau_wau_mau(ws.con, timezone="Asia/Shanghai")
    assert sh["day"].to_list() == [date(2026, 1, 2)] and sh["dau"].to_list() == [2]


def test_power_users(daily: Workspace) -> None:
    curve = power_users(daily.con, days=7, as_of="2026-01-10T23:00:00+00:00")
    assert curve["active_days"].to_list() == list(range(1, 8))
    assert dict(zip(curve["active_days"], curve["users"], strict=True)) == {
        1: 1, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0}  # Jan 4..10: b one day, d three days
    l28 = power_users(daily.con, days=28)
    assert l28["users"].to_list()[:4] == [2, 0, 1, 0]  # Jan 4..31: b and c one day, d three days
    with pytest.raises(UserLensError):
        power_users(daily.con, days=10)


def test_sessions_by_gap_and_by_id(ws: Workspace) -> None:
    put(ws, [("u1", "x", "2026-01-01 10:00+00"), ("u1", "x", "2026-01-01 10:29+00"),
             ("u1", "x", "2026-01-01 10:59+00"),  # a gap of exactly 30 min starts a new session
             ("u2", "x", "2026-01-01 09:00+00", "s1"), ("u2", "x", "2026-01-01 12:00+00", "s1")])
    per_user = {r["user_id"]: r for r in sessions(ws.con).iter_rows(named=True)}
    assert per_user["u1"]["sessions"] == 2 and per_user["u2"]["sessions"] == 1
    assert per_user["u1"]["events_per_session"] == 1.5
    assert per_user["u2"]["median_session_seconds"] == 10800
    k = session_kpis(ws.con).row(0, named=True)
    assert k == {"sessions": 3, "median_session_seconds": 1740.0, "events_per_session": pytest.approx(5 / 3)}
    assert session_kpis(ws.con, gap_minutes=31)["sessions"][0] == 2


def test_kpis_and_events_per_user(daily: Workspace) -> None:
    row = kpis(daily.con).row(0, named=True)
    assert row["users"] == 4 and row["events"] == 8
    assert row["dau_avg"] == pytest.approx(8 / 31)  # 8 user-days over 31 days
    assert (row["wau"], row["mau"]) == (1, 4)
    assert row["first_event"].isoformat().startswith("2026-01-01T10:00")
    per = {r["user_id"]: r for r in events_per_user(daily.con).iter_rows(named=True)}
    assert (per["a"]["events"], per["a"]["distinct_events"], per["a"]["active_days"]) == (2, 2, 2)
    assert per["d"]["active_days"] == 3
