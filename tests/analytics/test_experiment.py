"""Experiments: hand-computed two-proportion z, Welch t (also against scipy), SRM χ², metric forms."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats

from analytics.errors import UserLensError
from analytics.experiment import experiment, srm_p_value
from analytics.workspace import Workspace

A = [("a1", 1, True), ("a2", 2, True), ("a3", 3, True), ("a4", 4, False)]
B = [("b1", 2, True), ("b2", 4, False), ("b3", 6, False), ("b4", 8, False), ("b5", 10, False)]


@pytest.fixture
def ab(ws: Workspace) -> Workspace:
    with ws.write("users", "events") as cur:
        for variant, rows in (("A", A), ("B", B)):
            for uid, score, paid in rows:
                cur.execute("INSERT INTO users (user_id, attributes) VALUES (?, ?)",
                            [uid, json.dumps({"variant": variant, "score": score, "paid": paid})])
        cur.execute("INSERT INTO users (user_id, attributes) VALUES ('nobody', '{}')")
    return ws


def row(frame, group):
    return frame.filter(frame["group"] == group).row(0, named=True)


def test_binary_two_proportion_z_by_hand(ab: Workspace) -> None:
    frame = experiment(ab.con, group="variant", metric="attr:paid")
    a, b = row(frame, "A"), row(frame, "B")
    assert a["is_control"] and a["kind"] == "binary" and (a["n"], b["n"]) == (4, 5)
    assert (a["value"], b["value"]) == (0.75, 0.2)
    assert b["diff"] == pytest.approx(-0.55)
    assert b["rel_diff"] == pytest.approx(-0.55 / 0.75)
    pooled = 4 / 9
    z = -0.55 / math.sqrt(pooled * (1 - pooled) * (1 / 5 + 1 / 4))  # = -1.65
    assert z == pytest.approx(-1.65)
    assert b["p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))  # 0.09894...
    half = 1.959963984540054 * math.sqrt(0.2 * 0.8 / 5 + 0.75 * 0.25 / 4)
    assert (b["diff_ci_low"], b["diff_ci_high"]) == (pytest.approx(-0.55 - half), pytest.approx(-0.55 + half))
    assert a["p_value"] is None and a["diff"] is None
    # SRM: 4 vs 5 against 50/50 -> chi2 = 2 * 0.5^2 / 4.5; df 1 -> p = erfc(sqrt(chi2 / 2))
    assert a["srm_p_value"] == pytest.approx(math.erfc(math.sqrt(1 / 18)))  # chi2 = 1/9


def test_numeric_welch_matches_hand_formula_and_scipy(ab: Workspace) -> None:
    frame = experiment(ab.con, group="variant", metric="attr:score")
    b = row(frame, "B")
    assert b["kind"] == "numeric" and b["value"] == 6.0 and b["diff"] == 3.5
    va, vb = 5 / 3 / 4, 10 / 5  # sample variances / n
    t = 3.5 / math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 4)
    assert t == pytest.approx(2.2514, abs=1e-4) and dof == pytest.approx(5.5208, abs=1e-4)
    assert b["p_value"] == pytest.approx(2 * stats.t.sf(t, dof))
    welch = stats.ttest_ind([2, 4, 6, 8, 10], [1, 2, 3, 4], equal_var=False)
    assert b["p_value"] == pytest.approx(welch.pvalue)
    half = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
    assert b["diff_ci_low"] == pytest.approx(3.5 - half)
    control_b = experiment(ab.con, group="variant", metric="attr:score", control="B")
    assert row(control_b, "A")["diff"] == -3.5


def test_srm_against_expected_split() -> None:
    assert srm_p_value({"A": 50, "B": 50}) == pytest.approx(1.0)
    # 30 vs 70 against 30/70 is exactly as expected; against 50/50 chi2 = 16 -> p = erfc(sqrt(8))
    assert srm_p_value({"A": 30, "B": 70}, {"A": 3, "B": 7}) == pytest.approx(1.0)
    assert srm_p_value({"A": 30, "B": 70}) == pytest.approx(math.erfc(math.sqrt(8)))
    with pytest.raises(UserLensError, match="no share"):
        srm_p_value({"A": 1, "B": 2}, {"A": 1})


def test_event_metrics_and_property_groups(ws: Workspace) -> None:
    with ws.write("events") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts, properties) "
                        "VALUES (?, ?, ?::TIMESTAMPTZ, ?)", [
            ("u1", "A", "2026-01-05 10:00+00", '{"arm": "x"}'), ("u1", "B", "2026-01-13 10:00+00", None),
            ("u2", "A", "2026-01-06 10:00+00", '{"arm": "y"}'),
            ("u2", "A", "2026-01-06 11:00+00", '{"arm": "x"}'),  # the first event's value decides
            ("u3", "A", "2026-01-07 10:00+00", '{"arm": "y"}'), ("u3", "B", "2026-01-08 10:00+00", None),
            ("u4", "A", "2026-01-26 10:00+00", '{"arm": "y"}'),  # week 1 not observable yet
            ("z", "other", "2026-01-27 10:00+00", None)])
    events = experiment(ws.con, group="property:arm", metric="events")
    assert row(events, "x")["value"] == 2.0 and row(events, "y")["value"] == pytest.approx(5 / 3)  # u2 is y
    days = experiment(ws.con, group="property:arm", metric="active_days")
    assert row(days, "x")["value"] == 2.0 and row(days, "y")["value"] == pytest.approx(4 / 3)
    retained = experiment(ws.con, group="property:arm", metric="retained:1")
    assert (row(retained, "x")["n"], row(retained, "x")["value"]) == (1, 1.0)
    y = row(retained, "y")
    assert (y["n"], y["excluded"], y["value"]) == (2, 1, 0.0)
    funnel = experiment(ws.con, group="property:arm", metric="funnel:A,B:2")
    assert row(funnel, "x")["value"] == 1.0 and row(funnel, "y")["value"] == pytest.approx(1 / 3)


def test_bad_specs(ab: Workspace) -> None:
    for metric in ("revenue", "retained:x", "funnel:A:1", "funnel:A,B:3", "attr:"):
        with pytest.raises(UserLensError, match="Unknown metric"):
            experiment(ab.con, group="variant", metric=metric)
    with pytest.raises(UserLensError, match="No user"):
        experiment(ab.con, group="colour", metric="events")
    with pytest.raises(UserLensError, match="Control"):
        experiment(ab.con, group="variant", metric="events", control="C")
