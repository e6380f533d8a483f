"""Funnel: order, the window's edge, furthest step over attempts, median times — by hand."""

from __future__ import annotations

import pytest

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
