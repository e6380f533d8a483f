"""Retention by breakdown value: each value's matrix equals the retention of a workspace holding only that
value's users; top N + "(other)", "(none)", and the property on the first start event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from analytics.errors import UserLensError
from analytics.retention import retention
from analytics.retention_breakdown import breakdown_values, retention_breakdown, retention_breakdown_average
from analytics.workspace import Workspace

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)  # a Monday

ROWS = [  # (user, event, days after T0, properties)
    ("a", "open", 0, {"os": "ios"}), ("a", "open", 7, None), ("a", "open", 14, None),
    ("b", "open", 0, {"os": "web"}), ("b", "open", 8, {"os": "ios"}),
    ("c", "signup", 1, None), ("c", "open", 2, {"os": "ios"}), ("c", "open", 21, None),
    ("d", "open", 7, {"os": "android"}), ("d", "open", 15, None),
    ("e", "open", 9, None), ("e", "open", 30, None),
]
PLANS = {"a": "pro", "b": "pro", "c": "free", "d": "team"}  # e has no plan


def seed(ws: Workspace, rows=ROWS, plans=PLANS) -> None:
    with ws.write("events", "users") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts, properties) VALUES (?, ?, ?, ?)",
                        [(u, e, T0 + timedelta(days=d), json.dumps(p) if p else None) for u, e, d, p in rows])
        for user, plan in plans.items():
            cur.execute("INSERT INTO users (user_id, attributes) VALUES (?, ?)",
                        [user, json.dumps({"plan": plan})])


def alone(users: set[str], **options) -> pl.DataFrame:
    """The reference: retention of a fresh workspace holding only `users`' events."""
    ws = Workspace(":memory:")
    try:
        seed(ws, [r for r in ROWS if r[0] in users], {u: p for u, p in PLANS.items() if u in users})
        return retention(ws.con, timezone="UTC", week_start="monday", **options)
    finally:
        ws.close()


@pytest.mark.parametrize("options", [{"periods": 4}, {"periods": 3, "unbounded": True},
                                     {"periods": 5, "period": "day", "window": "rolling"}])
def test_each_value_is_the_retention_of_its_users_alone(ws: Workspace, options: dict) -> None:
    seed(ws)
    frame = retention_breakdown(ws.con, breakdown="attr:plan", timezone="UTC", week_start="monday", **options)
    # pro has 2 users; free, team and (none) 1 each, tied: ordered by value
    assert frame["breakdown"].unique(maintain_order=True).to_list() == ["pro", "(none)", "free", "team"]
    for value, users in (("pro", {"a", "b"}), ("(none)", {"e"}), ("free", {"c"}), ("team", {"d"})):
        got = frame.filter(pl.col("breakdown") == value).drop("breakdown")
        assert got.equals(alone(users, **options)), value


def test_top_values_and_other(ws: Workspace) -> None:
    seed(ws)
    frame = retention_breakdown(ws.con, breakdown="attr:plan", top=1, periods=2, timezone="UTC",
                                week_start="monday")
    assert frame["breakdown"].unique(maintain_order=True).to_list() == ["pro", "(other)"]
    other = frame.filter(pl.col("breakdown") == "(other)").drop("breakdown")
    assert other.equals(alone({"c", "d", "e"}, periods=2))
    avg = retention_breakdown_average(frame)
    assert avg["breakdown"].to_list() == ["pro", "(other)"] and avg["cohort_size"].to_list() == [2, 3]


def test_property_value_of_the_first_start_event(ws: Workspace) -> None:
    seed(ws)
    values = dict(breakdown_values(ws.con, breakdown="prop:os").iter_rows())
    assert values == {"a": "ios", "b": "web", "c": "(none)", "d": "android", "e": "(none)"}  # c: signup first
    values = dict(breakdown_values(ws.con, breakdown="prop:os", event="open").iter_rows())
    assert values["c"] == "ios" and "c" in values
    assert dict(breakdown_values(ws.con, breakdown="prop:os", event="signup").iter_rows()) == {"c": "(none)"}
    with pytest.raises(UserLensError, match="attr:KEY or prop:KEY"):
        retention_breakdown(ws.con, breakdown="os")
