"""Cohort scoring: hand-computed sizes, observable retention, active days, the score, personas."""

from __future__ import annotations

import pytest

from analytics.cohorts import ENGAGEMENT_SCORE_FORMULA, cohort_scores
from analytics.errors import UserLensError
from analytics.workspace import Workspace


@pytest.fixture
def three(ws: Workspace) -> Workspace:
    with ws.write("events", "users") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, 'x', ?::TIMESTAMPTZ)", [
            ("a", "2026-01-05 10:00+00"), ("a", "2026-01-13 10:00+00"), ("a", "2026-02-03 10:00+00"),
            ("b", "2026-01-06 10:00+00"), ("b", "2026-01-21 10:00+00"),
            ("c", "2026-01-12 10:00+00"), ("c", "2026-04-03 10:00+00")])
        cur.execute("""INSERT INTO users (user_id, signup_ts, attributes) VALUES
            ('a', '2025-12-30 00:00+00', '{"plan": "pro"}'), ('b', NULL, '{"plan": "free"}')""")
    return ws


def by_cohort(frame):
    return {r["cohort"]: r for r in frame.iter_rows(named=True)}


def test_signup_week(three: Workspace) -> None:
    rows = by_cohort(cohort_scores(three.con, by="signup_week"))
    # a's signup_ts decides its cohort; b and c fall back to their first event
    assert list(rows) == ["2025-12-29", "2026-01-05", "2026-01-12"]
    a = rows["2025-12-29"]
    # a is active in weeks Jan 5 (+0), Jan 12 (+1), Feb 2 (+4); week +12 (Mar 30) ends Apr 6 > last event
    assert (a["size"], a["retention_1"], a["retention_4"], a["retention_12"]) == (1, 1.0, 1.0, None)
    assert (a["mean_active_days"], a["mean_active_days_28"]) == (3.0, 2.0)
    assert a["engagement_score"] == pytest.approx(100 * (0.3 + 0.3 + 0.2 * 2 / 28) / 0.8)
    b = rows["2026-01-05"]
    assert (b["retention_1"], b["retention_4"]) == (0.0, 0.0)
    assert b["engagement_score"] == pytest.approx(100 * 0.2 * 2 / 28 / 0.8)


def test_signup_month_and_attribute(three: Workspace) -> None:
    months = by_cohort(cohort_scores(three.con, by="signup_month"))
    assert list(months) == ["2025-12", "2026-01"]
    assert months["2026-01"]["size"] == 2 and months["2026-01"]["mean_active_days"] == 2.0
    dec = months["2025-12"]
    assert dec["retention_1"] == 1.0 and dec["retention_4"] is None  # May is not over
    plans = by_cohort(cohort_scores(three.con, by="attr:plan"))
    assert list(plans) == ["free", "pro"]  # c has no plan attribute and is left out
    assert plans["pro"]["retention_1"] == 1.0 and plans["free"]["retention_1"] == 0.0


def test_persona_needs_a_run_then_uses_the_latest(three: Workspace) -> None:
    with pytest.raises(UserLensError, match="run personas first"):
        cohort_scores(three.con, by="persona")
    with three.write("personas") as cur:
        cur.execute("INSERT INTO analysis_runs (run_id, kind, created_at) VALUES "
                    "('r1', 'personas', '2026-01-01'), ('r2', 'personas', '2026-02-01')")
        cur.execute("INSERT INTO personas (run_id, persona_id, name) VALUES "
                    "('r1', 0, 'Old'), ('r2', 0, 'Power buyers'), ('r2', 1, 'Browsers')")
        cur.execute("INSERT INTO persona_members (run_id, user_id, persona_id) "
                    "VALUES ('r1', 'a', 0), ('r2', 'a', 0), ('r2', 'b', 1), "
                    "('r2', 'c', 1)")
    rows = by_cohort(cohort_scores(three.con, by="persona"))
    assert {k: v["size"] for k, v in rows.items()} == {"Browsers": 2, "Power buyers": 1}


def test_formula_is_documented_and_bad_by_rejected(three: Workspace) -> None:
    assert "0.3 x retention at period 1" in ENGAGEMENT_SCORE_FORMULA
    with pytest.raises(UserLensError, match="Unknown cohort"):
        cohort_scores(three.con, by="country")
