"""Funnel options (DESIGN §4 "Funnel options"): exclusions, optional steps, breakdowns — by hand and
against an exhaustive search over every chain, written from the text of analytics/funnel.py's docstring."""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.funnel import funnel, funnel_breakdown_summary, parse_exclusion
from analytics.workspace import Workspace

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def put(ws: Workspace, rows: list[tuple], users: dict[str, dict] | None = None) -> None:
    """rows: (user, event, hours after T0[, properties dict])."""
    with ws.write("events", "users") as cur:
        cur.execute("DELETE FROM events")
        cur.execute("DELETE FROM users")
        cur.executemany("INSERT INTO events (user_id, event, ts, properties) VALUES (?, ?, ?, ?)",
                        [(r[0], r[1], at(r[2]), json.dumps(r[3]) if len(r) > 3 else None) for r in rows])
        for user, attrs in (users or {}).items():
            cur.execute("INSERT INTO users (user_id, attributes) VALUES (?, ?)", [user, json.dumps(attrs)])


def users(ws: Workspace, steps: list[str], **kw) -> list[int]:
    return funnel(ws.con, steps=steps, **kw)["users"].to_list()


# ---------------------------------------------------------------------------------------- exclusions
def test_exclusion_between_two_steps_by_hand(ws: Workspace) -> None:
    put(ws, [
        ("p", "A", 0), ("p", "B", 1), ("p", "X", 2), ("p", "C", 3),  # X between B and C: stops at B
        ("q", "A", 0), ("q", "B", 1), ("q", "C", 3), ("q", "X", 4),  # X after C: converts
        ("r", "X", -1), ("r", "A", 0), ("r", "B", 1), ("r", "C", 2),  # X before step 1: converts
        ("s", "A", 0), ("s", "B", 1), ("s", "X", 2), ("s", "B", 3), ("s", "C", 4),  # C continues B at 3
        ("t", "A", 0), ("t", "X", 1), ("t", "B", 2), ("t", "C", 3),  # X between A and B: not excluded there
        ("u", "A", 0), ("u", "B", 1), ("u", "X", 1), ("u", "C", 2),  # X at B's instant: not strictly between
    ])
    assert users(ws, ["A", "B", "C"]) == [6, 6, 6]
    assert users(ws, ["A", "B", "C"], exclude=["X:2"]) == [6, 6, 5]
    # X:1 (between A and B) drops t at step 1; the others' X are not between their A and B.
    assert users(ws, ["A", "B", "C"], exclude=["X:1"]) == [6, 5, 5]
    # bare X = between step 1 and the last: p stops at B; s's B at 3 is cut off from A (X at 2), so C
    # continues B at 1 across X and s stops at B too; t stops at A.
    assert users(ws, ["A", "B", "C"], exclude=["X"]) == [6, 5, 3]
    assert users(ws, ["A", "B", "C"], exclude=["X:1-3"]) == [6, 5, 3]


def test_exclusion_inside_one_attempt_window_does_not_touch_a_later_attempt(ws: Workspace) -> None:
    put(ws, [
        # attempt 1: X between B and C, inside its 1-day window; attempt 2 (a day later) is clean
        ("a", "A", 0), ("a", "B", 1), ("a", "X", 2), ("a", "C", 3),
        ("a", "A", 30), ("a", "B", 31), ("a", "C", 32),
        # only attempt: C after the 1-day window; the X after the window end changes nothing
        ("b", "A", 0), ("b", "B", 1), ("b", "C", 23), ("b", "X", 25),
        # X outside the window (after its end) but before a C that is outside too: stops at B either way
        ("c", "A", 0), ("c", "B", 1), ("c", "X", 26), ("c", "C", 27),
    ])
    assert users(ws, ["A", "B", "C"], window_days=1) == [3, 3, 2]
    assert users(ws, ["A", "B", "C"], window_days=1, exclude=["X:2"]) == [3, 3, 2]
    # with a 2-day window c's C counts, unless X (now inside the window, between B and C) excludes it
    assert users(ws, ["A", "B", "C"], window_days=2) == [3, 3, 3]
    assert users(ws, ["A", "B", "C"], window_days=2, exclude=["X:2"]) == [3, 3, 2]


def test_exclusion_specs_parse_and_bad_specs_say_what_to_do() -> None:
    assert parse_exclusion("X", 3) == parse_exclusion("X:1-3", 3)
    assert (parse_exclusion("X:2", 4).from_step, parse_exclusion("X:2", 4).to_step) == (2, 3)
    page_view = parse_exclusion("page:view:1-2", 3)
    assert (page_view.event, page_view.from_step, page_view.to_step) == ("page:view", 1, 2)
    assert parse_exclusion("page:view", 3).event == "page:view"
    for bad in ("X:3", "X:0-2", "X:2-2", "X:3-1"):
        with pytest.raises(UserLensError, match="outside this 3-step funnel"):
            parse_exclusion(bad, 3)


# ------------------------------------------------------------------------------------ optional steps
def test_optional_step_by_hand(ws: Workspace) -> None:
    put(ws, [
        ("u1", "A", 0), ("u1", "B", 1), ("u1", "C", 3),  # all three
        ("u2", "A", 0), ("u2", "C", 2),  # skips B
        ("u3", "A", 0), ("u3", "C", 1), ("u3", "B", 4),  # B after C: still B in order after A
        ("u4", "B", 0), ("u4", "C", 1),  # no step 1: not in the funnel
        ("u5", "A", 0),
    ])
    assert users(ws, ["A", "B", "C"]) == [4, 2, 1]
    frame = funnel(ws.con, steps=["A", "B", "C"], optional=["B"])
    assert frame["users"].to_list() == [4, 2, 3]
    # previous *required* step for C is A: 3 / 4
    assert frame["conversion_from_previous"].to_list() == [None, 0.5, 0.75]
    # B: u1 1 h, u3 4 h -> 2.5 h. C's gap to the event it continues (same start: the later one): u1 B->C
    # 2 h, u2 A->C 2 h, u3 A->C 1 h -> median 2 h
    assert frame["median_seconds_from_previous"].to_list() == [None, 9000.0, 7200.0]
    assert funnel(ws.con, steps=["A", "B", "C"], optional=[2]).equals(frame)


def test_optional_step_with_an_exclusion_takes_the_clean_link(ws: Workspace) -> None:
    # The latest end before C is the second A, whose link (skipping B) X:1 breaks; the earlier B's link
    # to C spans only pair 2, which X:1 does not exclude.
    put(ws, [("v", "A", 0), ("v", "B", 1), ("v", "A", 2), ("v", "X", 3), ("v", "C", 4),
             ("w", "A", 0), ("w", "X", 1), ("w", "C", 2)])  # skipping B, X:1 breaks A -> C
    assert users(ws, ["A", "B", "C"], optional=[2], exclude=["X:1"]) == [2, 1, 1]
    frame = funnel(ws.con, steps=["A", "B", "C"], optional=[2], exclude=["X:1"])
    assert frame["median_seconds_from_previous"][2] == 3 * 3600.0  # B at 1 h -> C at 4 h


def test_optional_rules(ws: Workspace) -> None:
    for bad, match in (([1], "Step 1 cannot be optional"), ([3], "Step 3 cannot be optional"),
                       (["Z"], "not a step"), (["A"], "Step 1 cannot be optional")):
        with pytest.raises(UserLensError, match=match):
            funnel(ws.con, steps=["A", "B", "C"], optional=bad)
    with pytest.raises(UserLensError, match="more than one step"):
        funnel(ws.con, steps=["A", "B", "B", "C"], optional=["B"])


# ----------------------------------------------------------------------------------------- breakdown
def test_breakdown_top_ten_plus_other_by_hand(ws: Workspace) -> None:
    # plan counts among users with step 1: v01 x3, v02 x2, then ten values with one user each, and
    # one user without a plan ("(none)"). Ties sort by value: "(none)" < "v03" < ... < "v12".
    plans = {"a1": "v01", "a2": "v01", "a3": "v01", "b1": "v02", "b2": "v02"}
    plans.update({f"c{i:02d}": f"v{i:02d}" for i in range(3, 13)})
    rows = [(u, "A", 0) for u in [*plans, "n1"]]
    rows += [(u, "B", 5) for u in ("a1", "a2", "b1", "c10", "c12", "n1")]
    rows += [("z", "B", 1)]  # no step 1: in no funnel
    put(ws, rows, users={u: {"plan": p} for u, p in plans.items()} | {"n1": {"country": "DE"}})
    frame = funnel(ws.con, steps=["A", "B"], breakdown="attr:plan")
    order = frame.filter(frame["step"] == 1)["breakdown"].to_list()
    assert order == ["v01", "v02", "(none)", "v03", "v04", "v05", "v06", "v07", "v08", "v09", "(other)"]
    summary = funnel_breakdown_summary(frame)
    got = {r["breakdown"]: (r["entered"], r["converted"]) for r in summary.iter_rows(named=True)}
    assert got["v01"] == (3, 2) and got["v02"] == (2, 1) and got["(none)"] == (1, 1)
    assert got["v03"] == (1, 0) and got["(other)"] == (3, 2)  # v10, v11, v12: c10 and c12 converted
    assert summary.filter(summary["breakdown"] == "v01")["median_seconds_to_convert"][0] == 5 * 3600.0
    # the breakdown's funnels add up to the whole funnel
    assert frame.group_by("step").agg(pl.col("users").sum()).sort("step")["users"].to_list() == \
        users(ws, ["A", "B"])
    top2 = funnel(ws.con, steps=["A", "B"], breakdown="attr:plan", top=2)
    assert top2["breakdown"].unique(maintain_order=True).to_list() == ["v01", "v02", "(other)"]
    assert top2.filter(pl.col("breakdown") == "(other)")["users"].to_list() == [11, 3]


def test_breakdown_by_event_property_uses_the_first_step_one_event(ws: Workspace) -> None:
    put(ws, [("a", "A", 1, {"os": "ios"}), ("a", "A", 0, {"os": "android"}), ("a", "B", 2),
             ("b", "A", 0, {"os": "ios"}), ("b", "B", 5),
             ("c", "A", 0), ("c", "A", 1, {"os": "ios"})])  # first A has no os: "(none)"
    frame = funnel(ws.con, steps=["A", "B"], breakdown="prop:os")
    rows = {(r["breakdown"], r["step"]): r for r in frame.iter_rows(named=True)}
    assert [k for k in rows] == [("(none)", 1), ("(none)", 2), ("android", 1), ("android", 2),
                                 ("ios", 1), ("ios", 2)]
    # a's B continues the later A (the latest start): converted 1 h after that attempt began
    assert rows[("android", 2)]["users"] == 1 and rows[("android", 2)]["median_seconds_from_start"] == 3600.0
    assert rows[("ios", 2)]["median_seconds_from_start"] == 5 * 3600.0
    assert rows[("(none)", 2)]["users"] == 0 and rows[("(none)", 2)]["conversion_from_start"] == 0.0
    with pytest.raises(UserLensError, match="attr:KEY or prop:KEY"):
        funnel(ws.con, steps=["A", "B"], breakdown="plan")


# --------------------------------------------------------------------------- exhaustive reference
def _every_chain(evs, steps, window, exclusions, optional, best, level, idx, start) -> None:
    """Extend the chain ending at (level, evs[idx]) by every allowed next event, recursively."""
    ts, name = evs[idx]
    for q in range(level + 1, len(steps) + 1):
        for j, (t2, n2) in enumerate(evs):
            if n2 != steps[q - 1] or t2 > start + window or not (t2 > ts or (t2 == ts and n2 != name)):
                continue
            if any(i < q and k > level and xn == x_name and ts < xt < t2
                   for x_name, i, k in exclusions for xt, xn in evs):
                continue
            if (q, j) not in best or (start, ts) > best[(q, j)]:
                best[(q, j)] = (start, ts)
            _every_chain(evs, steps, window, exclusions, optional, best, q, j, start)
        if q not in optional:  # a required step cannot be skipped
            break


def reference(rows: list[tuple[str, str, datetime]], steps: list[str], window: timedelta,
              exclusions: list[tuple[str, int, int]], optional: set[int]) -> list[tuple[int, float | None]]:
    """Per step: (users, median seconds to the continued event), by enumerating every chain.

    A chain: one event per step in order, each after the previous (later, or the same instant with
    another name), all within `window` of the first; optional steps may be skipped; a link from step
    p to step q (skipping p+1..q-1) is broken by an exclusion (X, i, j) with i < q and j > p whose
    X lies strictly between the two events in time. For each event, the chain that counts for its
    timing is the one with the latest start, then the latest previous event.
    """
    n = len(steps)
    by_user: dict[str, list[tuple[datetime, str]]] = {}
    for user, name, ts in rows:
        by_user.setdefault(user, []).append((ts, name))
    reached: list[dict[str, tuple[datetime, float | None]]] = [{} for _ in range(n + 1)]
    for user, evs in by_user.items():
        evs.sort()
        # (level, event index) -> the best (start, previous event time) over every chain ending there
        best: dict[tuple[int, int], tuple[datetime, datetime | None]] = {}
        for idx, (ts, name) in enumerate(evs):
            if name == steps[0]:
                best[(1, idx)] = (ts, None)
                _every_chain(evs, steps, window, exclusions, optional, best, 1, idx, ts)
        for (level, idx), (_start, prev) in best.items():
            ts = evs[idx][0]
            gap = None if prev is None else (ts - prev).total_seconds()
            if user not in reached[level] or ts < reached[level][user][0]:
                reached[level][user] = (ts, gap)
    out = []
    for level in range(1, n + 1):
        gaps = [g for _, g in reached[level].values() if g is not None]
        out.append((len(reached[level]), statistics.median(gaps) if gaps else None))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from(["A", "B", "C", "X"]),
                               st.integers(0, 30).map(lambda h: T0 + timedelta(hours=12 * h))),
                     min_size=1, max_size=24),
       steps=st.sampled_from([["A", "B", "C"], ["A", "B", "C", "A"], ["B", "A", "C", "B"], ["A", "C"]]),
       days=st.sampled_from([1, 3, 7]), data=st.data())
def test_options_agree_with_the_exhaustive_reference(ws: Workspace, rows, steps, days, data) -> None:
    n = len(steps)
    optional = data.draw(st.sets(st.integers(2, n - 1), max_size=2)) if n > 2 else set()
    exclusions = data.draw(st.lists(st.tuples(st.sampled_from(["X", "C"]), st.integers(1, n - 1))
                                    .flatmap(lambda t: st.tuples(st.just(t[0]), st.just(t[1]),
                                                                 st.integers(t[1] + 1, n))),
                                    max_size=2))
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?)", rows)
    frame = funnel(ws.con, steps=steps, window_days=days, optional=sorted(optional),
                   exclude=[f"{x}:{i}-{j}" for x, i, j in exclusions])
    want = reference(rows, steps, timedelta(days=days), exclusions, optional)
    assert frame["users"].to_list() == [u for u, _ in want]
    assert frame["median_seconds_from_previous"].to_list() == [m for _, m in want]


def test_cli_funnel_options_json_and_errors(tmp_path, capsys) -> None:
    from dashboard.cli import main

    path = str(tmp_path / "w.duckdb")
    ws = Workspace(path)
    try:
        put(ws, [("p", "A", 0), ("p", "B", 1), ("p", "X", 2), ("p", "C", 3), ("q", "A", 0), ("q", "C", 2)],
            users={"p": {"plan": "pro"}, "q": {"plan": "free"}})
    finally:
        ws.close()
    argv = ["funnel", "--workspace", path, "--steps", "A,B,C", "--format", "json"]
    assert main(argv) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["meta"] == {"steps": ["A", "B", "C"], "window_days": 14}
    assert [r["users"] for r in plain["rows"]] == [2, 1, 1]
    assert set(plain["rows"][0]) == {"step", "step_name", "users", "conversion_from_start",
                                     "conversion_from_previous", "median_seconds_from_previous"}
    assert main([*argv, "--exclude", "X:2", "--optional", "B", "--breakdown", "attr:plan"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["exclude"] == [{"event": "X", "from_step": 2, "to_step": 3}]
    assert doc["meta"]["optional"] == ["B"] and doc["meta"]["breakdown"] == "attr:plan"
    got = {(r["breakdown"], r["step"]): r["users"] for r in doc["rows"]}
    # p: X between B and C drops it at B; q skips the optional B and converts
    assert got == {("free", 1): 1, ("free", 2): 0, ("free", 3): 1,
                   ("pro", 1): 1, ("pro", 2): 1, ("pro", 3): 0}
    for extra, message in ((["--exclude", "Y:1"], "No event is named 'Y'"),
                           (["--exclude", "X:3"], "outside this 3-step funnel"),
                           (["--optional", "A"], "Step 1 cannot be optional"),
                           (["--breakdown", "plan"], "attr:KEY or prop:KEY")):
        assert main([*argv, *extra]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert main(["funnel", "--workspace", path, "--steps", "A,Nope"]) == 2
    assert "No event is named 'Nope'" in capsys.readouterr().err
    assert main(["funnel", "--workspace", path, "--steps", "A"]) == 2
    assert "at least two steps" in capsys.readouterr().err
