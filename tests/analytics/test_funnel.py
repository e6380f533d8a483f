"""Funnel: order, the window's edge, furthest step over attempts, median times — by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.funnel import funnel
from analytics.workspace import Workspace


def put(ws: Workspace, rows: list[tuple[str, str, str]]) -> None:
    with ws.write("events") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?::TIMESTAMPTZ)", rows)


@pytest.fixture
def four(ws: Workspace) -> Workspace:
    put(ws, [
        # a: C exactly 14 days after A -> inside the window (the edge counts)
        ("a", "A", "2026-01-01 00:00+00"), ("a", "B", "2026-01-02 00:00+00"),
        ("a", "C", "2026-01-15 00:00+00"),
        # b: C one second past the window -> stops at B
        ("b", "A", "2026-01-01 00:00+00"), ("b", "B", "2026-01-03 00:00+00"),
        ("b", "C", "2026-01-15 00:00:01+00"),
        # c: B before A -> order matters, only A
        ("c", "B", "2026-01-01 00:00+00"), ("c", "A", "2026-01-02 00:00+00"),
        # d: first attempt times out; the second attempt (B at the same instant as A) completes
        ("d", "A", "2026-01-01 00:00+00"), ("d", "A", "2026-02-01 00:00+00"),
        ("d", "B", "2026-02-01 00:00+00"),
        ("d", "C", "2026-02-02 00:00+00"),
    ])
    return ws


def test_order_window_edge_and_attempts(four: Workspace) -> None:
    frame = funnel(four.con, steps=["A", "B", "C"])
    assert frame["step_name"].to_list() == ["A", "B", "C"]
    assert frame["users"].to_list() == [4, 3, 2]
    assert frame["conversion_from_start"].to_list() == [1.0, 0.75, 0.5]
    assert frame["conversion_from_previous"][0] is None
    assert frame["conversion_from_previous"][2] == pytest.approx(2 / 3)
    # A->B: a 1 d, b 2 d, d 0 s -> 1 d; B->C: a 13 d, d 1 d -> 7 d
    assert frame["median_seconds_from_previous"].to_list() == [None, 86400.0, 604800.0]


def test_window_length(four: Workspace) -> None:
    assert funnel(four.con, steps=["A", "B", "C"], window_days=13)["users"].to_list() == [4, 3, 1]
    assert funnel(four.con, steps=["A", "B", "C"], window_days=40)["users"].to_list() == [4, 3, 3]


def test_repeated_step_needs_a_later_event(ws: Workspace) -> None:
    put(ws, [("u", "view", "2026-01-01 00:00+00"), ("v", "view", "2026-01-01 00:00+00"),
             ("v", "view", "2026-01-01 00:05+00")])
    assert funnel(ws.con, steps=["view", "view"])["users"].to_list() == [2, 1]


def test_needs_two_steps(ws: Workspace) -> None:
    with pytest.raises(UserLensError, match="two steps"):
        funnel(ws.con, steps=["A"])
    assert funnel(ws.con, steps=["A", "B"])["users"].to_list() == [0, 0]
    with pytest.raises(UserLensError, match="at most 10"):
        funnel(ws.con, steps=[f"s{i}" for i in range(11)])


def brute_force(rows: list[tuple[str, str, datetime]], steps: list[str], window: timedelta) -> list[int]:
    """Users per furthest step: every step-1 event tried, each next step the earliest allowed event."""
    best: dict[str, int] = {}
    by_user: dict[str, list[tuple[datetime, str]]] = {}
    for user, name, ts in rows:
        by_user.setdefault(user, []).append((ts, name))
    for user, evs in by_user.items():
        evs.sort()
        for t1, name in evs:
            if name != steps[0]:
                continue
            depth, prev_ts, prev_name = 1, t1, name
            for step in steps[1:]:
                nxt = [(ts, n) for ts, n in evs if n == step and ts <= t1 + window
                       and (ts > prev_ts or (ts == prev_ts and n != prev_name))]
                if not nxt:
                    break
                (prev_ts, prev_name), depth = min(nxt), depth + 1
            best[user] = max(best.get(user, 0), depth)
    return [sum(d >= k for d in best.values()) for k in range(1, len(steps) + 1)]


BASE = datetime(2026, 1, 1, tzinfo=UTC)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from(["A", "B", "C"]),
                               st.integers(0, 40).map(lambda h: BASE + timedelta(hours=12 * h))),
                     min_size=1, max_size=30),
       steps=st.sampled_from([["A", "B"], ["A", "B", "C"], ["A", "A", "B"], ["B", "A", "C", "A"]]),
       days=st.sampled_from([1, 3, 7]))
def test_furthest_step_agrees_with_brute_force(ws: Workspace, rows, steps, days) -> None:
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?)", rows)
    got = funnel(ws.con, steps=steps, window_days=days)["users"].to_list()
    assert got == brute_force(rows, steps, timedelta(days=days))
