"""Correlation (DESIGN §4): odds ratios with Woolf intervals and the Haldane–Anscombe correction by hand,
the target populations and their windows, and the CLI's JSON."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from analytics.correlation import correlation, odds_ratio, strongest, target_users
from analytics.errors import UserLensError
from analytics.workspace import Workspace
from dashboard.cli import main

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def put(ws: Workspace, rows: list[tuple[str, str, float]], users: dict[str, dict] | None = None) -> None:
    """rows: (user, event, hours after T0)."""
    with ws.write("events", "users") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?)",
                        [(u, e, T0 + timedelta(hours=h)) for u, e, h in rows])
        for user, attrs in (users or {}).items():
            cur.execute("INSERT INTO users (user_id, attributes) VALUES (?, ?)", [user, json.dumps(attrs)])


def test_odds_ratio_and_woolf_interval_by_hand() -> None:
    # a=20 b=10 c=5 d=15: OR = 20*15 / (10*5) = 6; se = sqrt(1/20 + 1/10 + 1/5 + 1/15) = 0.645497;
    # 95 % CI = exp(1.791759 -/+ 1.265151) = (e^0.526608, e^3.056911) = (1.69318, 21.2618)
    ratio, lo, hi, corrected = odds_ratio(20, 10, 5, 15)
    assert ratio == pytest.approx(6.0)
    assert lo == pytest.approx(1.69318, rel=1e-5) and hi == pytest.approx(21.2618, rel=1e-5)
    assert not corrected


def test_a_zero_cell_adds_one_half_to_every_cell() -> None:
    # a=0 b=10 c=5 d=15 -> 0.5, 10.5, 5.5, 15.5: OR = 0.5*15.5 / (10.5*5.5) = 0.134199;
    # se = sqrt(2 + 1/10.5 + 1/5.5 + 1/15.5) = 1.530220
    ratio, lo, hi, corrected = odds_ratio(0, 10, 5, 15)
    assert corrected and ratio == pytest.approx(0.1341991, rel=1e-6)
    assert lo == pytest.approx(0.1341991 * math.exp(-1.959964 * 1.530220), rel=1e-5)
    assert hi == pytest.approx(0.1341991 * math.exp(1.959964 * 1.530220), rel=1e-5)


def seed_tour(ws: Workspace) -> None:
    """Ten users with A; u1..u6 reach B within 14 days. 'tour' before converting: u1..u4 and u7.
    'late' only after converting (u1, u2) or by a non-converter (u8); 'early' before A (u9)."""
    rows = [(f"u{i}", "A", 0) for i in range(1, 11)]
    rows += [(f"u{i}", "B", 24) for i in range(1, 7)]
    rows += [(u, "tour", 1) for u in ("u1", "u2", "u3", "u4", "u7")]
    rows += [("u1", "late", 30), ("u2", "late", 30), ("u8", "late", 30), ("u9", "early", -5)]
    rows += [("u10", "B", 24 * 15)]  # B after the 14-day window: not converted
    plans = {f"u{i}": {"plan": "pro" if i <= 3 else "free", "uid": f"id{i}"} for i in range(1, 11)}
    put(ws, rows, plans)


@pytest.fixture
def tour(ws: Workspace) -> Workspace:
    seed_tour(ws)
    return ws


def test_funnel_target_population_and_windows(tour: Workspace) -> None:
    pop = target_users(tour.con, target="funnel:A,B")
    assert pop.height == 10 and pop["success"].sum() == 6
    row = pop.filter(pop["user_id"] == "u1").row(0, named=True)
    assert (row["win_from"], row["win_to"]) == (T0, T0 + timedelta(hours=24))  # until converting
    row = pop.filter(pop["user_id"] == "u8").row(0, named=True)
    assert row["win_to"] == T0 + timedelta(days=14)  # the end of the conversion window


def test_funnel_target_two_by_two_tables(tour: Workspace) -> None:
    frame = correlation(tour.con, target="funnel:A,B", min_users=1)
    got = {r["feature"]: r for r in frame.iter_rows(named=True)}
    assert "A" not in got and "B" not in got and "early" not in got  # steps and events before A: out
    t = got["tour"]  # a=4 (u1-u4), b=1 (u7), c=2 (u5, u6), d=3 (u8, u9, u10)
    assert (t["a"], t["b"], t["c"], t["d"]) == (4, 1, 2, 3)
    assert t["odds_ratio"] == pytest.approx(6.0) and t["share"] == 0.5
    se = math.sqrt(1 / 4 + 1 + 1 / 2 + 1 / 3)
    assert t["ci_low"] == pytest.approx(6 * math.exp(-1.959964 * se), rel=1e-5)
    assert not t["significant"]
    late = got["late"]  # only u8 did it inside their window: a=0, b=1 -> corrected
    assert (late["a"], late["b"]) == (0, 1) and late["corrected"]
    pro = got["plan=pro"]  # 3, 0, 3, 4 -> 3.5*4.5 / (0.5*3.5) = 9
    assert pro["odds_ratio"] == pytest.approx(9.0) and pro["corrected"]
    assert got["plan=free"]["odds_ratio"] == pytest.approx((3.5 * 0.5) / (4.5 * 3.5))
    pos, neg = strongest(frame, 2)
    # ranked by the interval's end nearest 1: tour's lower end 0.355 beats plan=pro's 0.340
    assert pos["feature"].to_list() == ["tour", "plan=pro"] and neg["feature"].to_list()[0] == "plan=free"


def test_many_valued_keys_and_rare_features_are_left_out(tour: Workspace) -> None:
    few = correlation(tour.con, target="funnel:A,B", min_users=1, max_values=5)
    assert not few["feature"].str.starts_with("uid=").any()  # 10 distinct ids > 5
    many = correlation(tour.con, target="funnel:A,B", min_users=1, max_values=20)
    assert many["feature"].str.starts_with("uid=").sum() == 10
    assert "late" not in correlation(tour.con, target="funnel:A,B", min_users=2)["feature"].to_list()


def test_retained_target_uses_the_first_week(ws: Workspace) -> None:
    # Week 0 = the week of the first event (Mon 2 Mar); retained:1 = any event in week 1 (9-15 Mar).
    put(ws, [("r", "start", 0), ("r", "widget", 2), ("r", "start", 24 * 8),  # retained, widget in week 0
             ("s", "start", 0), ("s", "widget", 24 * 7),  # widget only in week 1: not a week-0 feature
             ("t", "start", 1),
             ("z", "start", 24 * 20)])  # data runs to day 20: week 1 has ended for the others, not for z
    pop = target_users(ws.con, target="retained:1", timezone="UTC", week_start="monday")
    assert sorted(pop["user_id"].to_list()) == ["r", "s", "t"]
    assert dict(zip(pop["user_id"], pop["success"], strict=True)) == {"r": True, "s": True, "t": False}
    frame = correlation(ws.con, target="retained:1", min_users=1, timezone="UTC", week_start="monday")
    widget = frame.filter(frame["feature"] == "widget").row(0, named=True)
    assert (widget["a"], widget["b"], widget["c"], widget["d"]) == (1, 0, 1, 1)


def test_bad_targets(tour: Workspace) -> None:
    for bad in ("funnel:A", "retained:0", "retained:x", "converted"):
        with pytest.raises(UserLensError):
            correlation(tour.con, target=bad)
    with pytest.raises(UserLensError, match="No event is named 'Q'"):
        correlation(tour.con, target="funnel:A,Q")


def test_cli_json_shape(tmp_path, capsys) -> None:
    path = str(tmp_path / "w.duckdb")
    ws = Workspace(path)
    try:
        seed_tour(ws)
    finally:
        ws.close()
    assert main(["correlate", "--workspace", path, "--target", "funnel:A,B", "--format", "json",
                 "--min-users", "1", "--top", "3"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"target", "population", "successes", "positive", "negative"}
    assert (doc["population"], doc["successes"]) == (10, 6)
    assert doc["positive"][0]["feature"] == "tour" and len(doc["positive"]) <= 3
    assert {"feature", "odds_ratio", "ci_low", "ci_high", "share", "users"} <= set(doc["positive"][0])
    assert main(["correlate", "--workspace", path, "--target", "funnel:A,Nope"]) == 2
    assert "No event is named 'Nope'" in capsys.readouterr().err
