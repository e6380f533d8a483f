"""What the Journeys and Funnels pages add to the journey metrics (issue 16): the converted group of a
step-matrix comparison (``funnel:A,B``), event property keys for breakdown pickers, and grouped event
names that refuse a rule which does not compile in one sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from analytics.catalog import event_property_keys
from analytics.errors import UserLensError
from analytics.eventspec import GroupRule, grouped_event_names
from analytics.stepmatrix import step_matrix_difference, users_in_group
from analytics.workspace import Workspace

T0 = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
DAY = 86_400


def put(ws: Workspace, rows: list[tuple]) -> None:
    """rows: (user, event, seconds after T0[, properties dict])."""
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts, properties) VALUES (?, ?, ?, ?)",
                        [(r[0], r[1], T0 + timedelta(seconds=r[2]),
                          json.dumps(r[3]) if len(r) > 3 else None) for r in rows])


def test_funnel_group_is_the_users_who_converted_within_14_days(ws: Workspace) -> None:
    put(ws, [("a", "E", 0), ("a", "G", 14 * DAY),        # the window's edge is included
             ("b", "E", 0), ("b", "G", 14 * DAY + 1),    # one second late
             ("c", "G", 0), ("c", "E", 10),              # G before E: not in order
             ("d", "E", 0), ("d", "F", 5), ("d", "G", 10),
             ("e", "G", 0)])                             # no E at all
    assert users_in_group(ws.con, "funnel:E,G") == {"a", "d"}
    assert users_in_group(ws.con, "funnel:E,F,G") == {"d"}


def test_converted_vs_not_step_matrix_by_hand(ws: Workspace) -> None:
    # a and b convert (G within the window); c reads H after E and never does G
    put(ws, [("a", "E", 0), ("a", "G", 60), ("b", "E", 0), ("b", "F", 60), ("b", "G", 120),
             ("c", "E", 0), ("c", "H", 60)])
    diff = step_matrix_difference(ws.con, event="E", k=1, group_a="funnel:E,G")
    cells = {(r["event"], r["offset"]): (r["share_a"], r["share_b"]) for r in diff.iter_rows(named=True)}
    assert cells == {("E", 0): (1.0, 1.0), ("G", 1): (0.5, 0.0), ("F", 1): (0.5, 0.0), ("H", 1): (0.0, 1.0)}
    assert (diff["base_a"][0], diff["base_b"][0]) == (2, 1)
    with pytest.raises(UserLensError, match="No event is named 'Q'"):
        users_in_group(ws.con, "funnel:E,Q")


def test_event_property_keys_count_events_with_a_value(ws: Workspace) -> None:
    put(ws, [("a", "E", 0, {"platform": "ios", "campaign": None}), ("a", "F", 1, {"platform": "web"}),
             ("b", "E", 2, {"platform": "web", "campaign": "june"}), ("b", "F", 3)])
    assert event_property_keys(ws.con).rows() == [("platform", 3), ("campaign", 1)]


def test_grouped_names_refuse_a_rule_that_does_not_compile(ws: Workspace) -> None:
    put(ws, [("a", "task_created", 0), ("a", "task_done", 1), ("a", "open", 2)])
    assert grouped_event_names(ws.con, [GroupRule("^task_", "task")]) == ["task", "open"]
    with pytest.raises(UserLensError, match=r"The grouping rule 'task_\('='task' is not a valid"):
        grouped_event_names(ws.con, [GroupRule("task_(", "task")])
