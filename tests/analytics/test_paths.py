"""Paths (DESIGN §4 "Paths"): session split, ties, collapse, end mode, first E, grouping — by hand, and
against a brute-force reference written from the DESIGN text under hypothesis."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.paths import path_edges, paths, paths_json, top_paths_table, user_paths
from analytics.workspace import Workspace

T0 = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)


def put(ws: Workspace, rows: list[tuple]) -> None:
    """rows: (user, event, seconds after T0[, session_id])."""
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts, session_id) VALUES (?, ?, ?, ?)",
                        [(r[0], r[1], T0 + timedelta(seconds=r[2]), r[3] if len(r) > 3 else None)
                         for r in rows])


def per_user(ws: Workspace, **kw) -> dict[str, list[str]]:
    frame = user_paths(ws.con, **kw)
    return dict(zip(frame["user_id"], frame["path"].to_list(), strict=True))


def test_session_splits_at_thirty_minutes_not_at_29_59(ws: Workspace) -> None:
    put(ws, [("a", "E", 0), ("a", "F", 1799), ("a", "G", 3598),  # two gaps of 29:59: one session
             ("b", "E", 0), ("b", "F", 1800),  # a gap of exactly 30:00 ends the session
             ("c", "G", 0), ("c", "E", 1800), ("c", "F", 1801)])  # E starts a new session
    assert per_user(ws, start="E") == {"a": ["E", "F", "G"], "b": ["E"], "c": ["E", "F"]}
    assert per_user(ws, end="E") == {"a": ["E"], "b": ["E"], "c": ["E"]}
    assert per_user(ws, end="F") == {"a": ["E", "F"], "b": ["F"], "c": ["E", "F"]}
    # a repeat across a session boundary is not a consecutive repeat: the new session starts with it
    put(ws, [("d", "F", 0), ("d", "F", 3600), ("d", "E", 3660)])
    assert per_user(ws, end="E") == {"d": ["F", "E"]}


def test_ties_in_time_are_ordered_by_event_name(ws: Workspace) -> None:
    put(ws, [("u", "F", 0), ("u", "B", 0), ("u", "E", 0), ("u", "A", 0), ("u", "C", 60)])
    assert per_user(ws, start="E") == {"u": ["E", "F", "C"]}
    assert per_user(ws, end="E") == {"u": ["A", "B", "E"]}


def test_consecutive_repeats_collapse_before_the_step_limit(ws: Workspace) -> None:
    put(ws, [("u", "E", 0), ("u", "E", 10), ("u", "F", 20), ("u", "F", 30), ("u", "E", 40), ("u", "G", 50),
             ("u", "H", 60)])
    assert per_user(ws, start="E") == {"u": ["E", "F", "E", "G", "H"]}
    assert per_user(ws, start="E", steps=3) == {"u": ["E", "F", "E"]}
    assert per_user(ws, start="F", steps=2) == {"u": ["F", "E"]}


def test_end_mode_reads_backwards_from_the_first_e(ws: Workspace) -> None:
    put(ws, [("u", "W", 0), ("u", "X", 10), ("u", "Y", 20), ("u", "Y", 30), ("u", "E", 40), ("u", "Z", 50),
             ("u", "E", 60)])
    assert per_user(ws, end="E") == {"u": ["W", "X", "Y", "E"]}
    assert per_user(ws, end="E", steps=2) == {"u": ["Y", "E"]}
    assert per_user(ws, end="E", steps=3) == {"u": ["X", "Y", "E"]}


def test_the_first_e_of_each_user_anchors_the_path(ws: Workspace) -> None:
    put(ws, [("u", "E", 0), ("u", "F", 60),  # session 1
             ("u", "X", 7200), ("u", "E", 7260), ("u", "G", 7320)])  # a later E in another session
    assert per_user(ws, start="E") == {"u": ["E", "F"]}
    assert per_user(ws, end="E") == {"u": ["E"]}
    assert per_user(ws, start="G") == {"u": ["G"]}


def test_session_ids_define_sessions_where_they_exist(ws: Workspace) -> None:
    put(ws, [("u", "E", 0, "s1"), ("u", "X", 60, "s2"), ("u", "F", 120, "s1"),
             ("u", "G", 9000, "s1"),  # 2.5 h later, same id: same session
             ("u", "H", 9060)])  # no id: not in s1
    assert per_user(ws, start="E") == {"u": ["E", "F", "G"]}
    assert per_user(ws, end="X") == {"u": ["X"]}
    # the first E at one instant in two sessions: the session-less one anchors the path
    put(ws, [("u", "E", 0, "s1"), ("u", "F", 10, "s1"), ("u", "E", 0), ("u", "G", 10)])
    assert per_user(ws, start="E") == {"u": ["E", "G"]}


def test_grouping_applies_before_the_first_e_rule_and_the_collapse(ws: Workspace) -> None:
    put(ws, [("u", "open", 0), ("u", "task_created", 10), ("u", "task_completed", 20), ("u", "share", 30),
             ("v", "task_completed", 0), ("v", "open", 10)])
    rules = ["^task_=task"]
    assert per_user(ws, start="open", groups=rules) == {"u": ["open", "task", "share"], "v": ["open"]}
    assert per_user(ws, start="task", groups=rules) == {"u": ["task", "share"], "v": ["task", "open"]}
    # the first matching rule wins; names no rule matches stay
    assert per_user(ws, start="open", groups=["created=made", "task=t"]) == \
        {"u": ["open", "made", "t", "share"], "v": ["open"]}


def test_paths_edges_order_and_json_by_hand(ws: Workspace) -> None:
    put(ws, [("a", "E", 0), ("a", "F", 10), ("a", "G", 20),
             ("b", "E", 0), ("b", "F", 10), ("b", "H", 20),
             ("c", "E", 0), ("c", "F", 10), ("c", "G", 20),
             ("d", "E", 0),
             ("e", "E", 0), ("e", "G", 10)])
    frame = paths(ws.con, start="E", steps=3)
    assert frame.to_dicts() == [{"path": ["E", "F", "G"], "users": 2}, {"path": ["E"], "users": 1},
                                {"path": ["E", "F", "H"], "users": 1}, {"path": ["E", "G"], "users": 1}]
    edges = path_edges(frame, anchor="start")
    assert edges.rows() == [(1, "E", "F", 3), (1, "E", "G", 1), (2, "F", "G", 2), (2, "F", "H", 1)]
    doc = paths_json(frame, edges)
    assert set(doc) == {"paths", "edges"} and doc["edges"][0] == {"step": 1, "source": "E", "target": "F",
                                                                 "users": 3}
    table = top_paths_table(frame, limit=2)
    assert table["path"].to_list() == ["E → F → G", "E"] and table["share"].to_list() == [0.4, 0.2]
    back = paths(ws.con, end="G", steps=3)  # a: E F G; c: E F G; e: E G
    assert back.to_dicts() == [{"path": ["E", "F", "G"], "users": 2}, {"path": ["E", "G"], "users": 1}]
    # end mode: step 1 is the move into G, source the earlier event
    assert path_edges(back, anchor="end").rows() == [(1, "F", "G", 2), (1, "E", "G", 1), (2, "E", "F", 2)]


def test_bad_input_is_one_sentence(ws: Workspace) -> None:
    put(ws, [("u", "signup", 0), ("u", "open", 10)])
    with pytest.raises(UserLensError, match="did you mean 'signup'"):
        paths(ws.con, start="sigup")
    with pytest.raises(UserLensError, match=r"not a valid regular expression"):
        paths(ws.con, start="signup", groups=["(sign=x"])
    with pytest.raises(UserLensError, match="from 2 to 20 steps"):
        paths(ws.con, start="signup", steps=1)
    with pytest.raises(UserLensError, match="exactly one"):
        paths(ws.con, start="signup", end="open")
    with pytest.raises(UserLensError, match="REGEX=NAME"):
        paths(ws.con, start="signup", groups=["nothing"])


# ------------------------------------------------------------------------------ brute-force reference
def reference(rows, rules, event, steps, mode):
    """Distinct paths and edges straight from DESIGN §4, sorted as documented in analytics/paths.py."""
    def grouped(name):
        for pattern, new in rules:
            if re.search(pattern, name):
                return new
        return name

    by_user: dict[str, list] = {}
    for user, name, sec, sid in rows:
        by_user.setdefault(user, []).append((sec, grouped(name), sid))
    found = Counter()
    for evs in by_user.values():
        evs.sort(key=lambda e: (e[0], e[1], e[2] is not None, e[2] or ""))
        anchors = [e for e in evs if e[1] == event]
        if not anchors:
            continue
        first = anchors[0]
        if first[2] is not None:
            session = [e for e in evs if e[2] == first[2]]
        else:
            stream = [e for e in evs if e[2] is None]
            sessions: list[list] = []
            for i, e in enumerate(stream):
                if i == 0 or e[0] - stream[i - 1][0] >= 1800:  # 30 min or more: a new session
                    sessions.append([])
                sessions[-1].append(e)
            session = next(s for s in sessions if any(x is first for x in s))
        pos = next(i for i, x in enumerate(session) if x is first)
        seq = [e[1] for e in (session[pos:] if mode == "start" else session[:pos + 1])]
        collapsed = [n for i, n in enumerate(seq) if i == 0 or n != seq[i - 1]]
        found[tuple(collapsed[:steps] if mode == "start" else collapsed[-steps:])] += 1
    ordered = sorted(found.items(), key=lambda kv: (-kv[1], list(kv[0])))
    edges = Counter()
    for path, n in ordered:
        chrono = list(path) if mode == "start" else list(reversed(path))
        for i in range(1, len(chrono)):
            edges[(i, *((chrono[i - 1], chrono[i]) if mode == "start" else (chrono[i], chrono[i - 1])))] += n
    edge_rows = sorted(((s, a, b, n) for (s, a, b), n in edges.items()),
                       key=lambda r: (r[0], -r[3], r[1], r[2]))
    return [(list(p), n) for p, n in ordered], edge_rows


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]),
                               st.sampled_from(["E", "F", "G", "task_a", "task_b"]),
                               st.sampled_from([0, 60, 1799, 1800, 1860, 3599, 3600, 5400]),
                               st.sampled_from([None, None, None, "s1", "s2"])), min_size=1, max_size=25),
       event=st.sampled_from(["E", "F", "task"]), steps=st.integers(2, 5),
       mode=st.sampled_from(["start", "end"]),
       grouping=st.booleans())
def test_paths_agree_with_the_brute_force_reference(ws: Workspace, rows, event, steps, mode,
                                                     grouping) -> None:
    rules = [("^task_", "task")] if grouping else []
    if event == "task" and not grouping:
        event = "task_a"
    put(ws, rows)
    names = {re.sub("^task_.*", "task", r[1]) if grouping else r[1] for r in rows}
    if event not in names:
        with pytest.raises(UserLensError, match="No event is named"):
            paths(ws.con, **{mode: event}, steps=steps, groups=[f"{p}={n}" for p, n in rules])
        return
    frame = paths(ws.con, **{mode: event}, steps=steps, groups=[f"{p}={n}" for p, n in rules])
    want_paths, want_edges = reference(rows, rules, event, steps, mode)
    assert list(zip(frame["path"].to_list(), frame["users"].to_list(), strict=True)) == want_paths
    assert path_edges(frame, anchor=mode).rows() == want_edges


# ------------------------------------------------------------------------------------------ step matrix
def test_step_matrix_shares_over_users_with_e_by_hand(ws: Workspace) -> None:
    from analytics.stepmatrix import step_matrix, step_matrix_difference

    put(ws, [("a", "X", 0), ("a", "E", 10), ("a", "F", 20), ("a", "G", 30),
             ("b", "E", 0), ("b", "F", 10),
             ("c", "Y", 0), ("c", "Y", 5), ("c", "E", 10),  # Y Y collapses: one step before E
             ("d", "F", 0)])  # no E: not in the denominator
    m = step_matrix(ws.con, event="E", k=2)
    cells = {(r["event"], r["offset"]): (r["users"], r["share"]) for r in m.iter_rows(named=True)}
    assert cells == {("X", -1): (1, 1 / 3), ("Y", -1): (1, 1 / 3), ("E", 0): (3, 1.0), ("F", 1): (2, 2 / 3),
                     ("G", 2): (1, 1 / 3)}
    assert m["base"].unique().to_list() == [3]
    only_ab = step_matrix(ws.con, event="E", k=2, users={"a", "b", "d"})  # d has no E: base 2
    shares = {(r["event"], r["offset"]): r["share"] for r in only_ab.iter_rows(named=True)}
    assert shares[("F", 1)] == 1.0
    diff = step_matrix_difference(ws.con, event="E", k=2, group_a={"a", "b"})  # B = the others with E: c
    rows = {(r["event"], r["offset"]): r for r in diff.iter_rows(named=True)}
    f1 = rows[("F", 1)]
    assert (f1["share_a"], f1["share_b"], f1["difference"]) == (1.0, 0.0, 1.0)
    assert rows[("Y", -1)]["difference"] == -1.0 and rows[("E", 0)]["difference"] == 0.0
    assert (rows[("X", -1)]["base_a"], rows[("X", -1)]["base_b"]) == (2, 1)


def test_step_matrix_groups_by_attribute(ws: Workspace) -> None:
    import json

    from analytics.stepmatrix import step_matrix_difference

    put(ws, [("a", "E", 0), ("a", "F", 10), ("b", "E", 0), ("b", "G", 10), ("c", "E", 0), ("c", "F", 10)])
    with ws.write("users") as cur:
        cur.executemany("INSERT INTO users (user_id, attributes) VALUES (?, ?)",
                        [("a", json.dumps({"plan": "pro"})), ("b", json.dumps({"plan": "free"})),
                         ("c", json.dumps({"plan": "free"}))])
    diff = step_matrix_difference(ws.con, event="E", k=1, group_a="attr:plan=pro", group_b="attr:plan=free")
    rows = {(r["event"], r["offset"]): r["difference"] for r in diff.iter_rows(named=True)}
    assert rows == {("E", 0): 0.0, ("F", 1): 0.5, ("G", 1): -0.5}
    with pytest.raises(UserLensError, match="Both groups need users"):
        step_matrix_difference(ws.con, event="E", k=1, group_a="attr:plan=team")
    with pytest.raises(UserLensError, match="1 to 10 steps"):
        step_matrix_difference(ws.con, event="E", k=0, group_a="attr:plan=pro")


# ---------------------------------------------------------------------------------------------- CLI
def test_cli_paths_json_shape_and_errors(tmp_path, capsys) -> None:
    from dashboard.cli import main

    path = str(tmp_path / "w.duckdb")
    ws = Workspace(path)
    try:
        put(ws, [("a", "E", 0), ("a", "F", 10), ("b", "E", 0), ("b", "F", 10), ("c", "X", 0), ("c", "E", 10)])
    finally:
        ws.close()
    assert main(["paths", "--workspace", path, "--start", "E", "--steps", "3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"paths": [{"path": ["E", "F"], "users": 2}, {"path": ["E"], "users": 1}],
                   "edges": [{"step": 1, "source": "E", "target": "F", "users": 2}]}
    assert main(["paths", "--workspace", path, "--end", "E", "--format", "json"]) == 0
    edges = json.loads(capsys.readouterr().out)["edges"]
    assert edges == [{"step": 1, "source": "X", "target": "E", "users": 1}]
    for argv, message in ((["--start", "Q"], "No event is named 'Q'"),
                          (["--start", "E", "--group", "[=x"], "not a valid regular expression"),
                          (["--start", "E", "--steps", "1"], "from 2 to 20 steps")):
        assert main(["paths", "--workspace", path, *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert main(["paths", "--workspace", path, "--start", "E", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "rank,path,events,users,share"
