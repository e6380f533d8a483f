"""Event times no calendar can hold (issue 10 item 8): every metric answers in one sentence, no traceback.

Rows like these can sit in a workspace loaded before ingestion rejected them, or written directly; they
are inserted here directly, bypassing ingestion, as such a workspace would hold them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from analytics.churn import churn_risk
from analytics.cohorts import cohort_scores
from analytics.engagement import dau_wau_mau, events_per_user, kpis, power_users, session_kpis, sessions
from analytics.errors import UserLensError
from analytics.lifecycle import lifecycle
from analytics.retention import retention
from analytics.workspace import Workspace

METRICS: dict[str, Callable] = {
    "engagement daily": lambda con: dau_wau_mau(con),
    "kpis": lambda con: kpis(con),
    "power users": lambda con: power_users(con),
    "sessions": lambda con: sessions(con),
    "session kpis": lambda con: session_kpis(con),
    "events per user": lambda con: events_per_user(con),
    "churn": lambda con: churn_risk(con),
    "lifecycle": lambda con: lifecycle(con),
    "lifecycle by day": lambda con: lifecycle(con, period="day"),
    "retention": lambda con: retention(con),
    "retention recurring": lambda con: retention(con, cohort="recurring"),
    "retention rolling": lambda con: retention(con, window="rolling"),
    "retention start event": lambda con: retention(con, start_event="x", period="month"),
    "cohorts": lambda con: cohort_scores(con),
    "cohorts by month": lambda con: cohort_scores(con, by="signup_month"),
}


def load_batch(ws: Workspace, batch_id: int, file_name: str, rows: list[tuple[str, str]]) -> None:
    """Insert events as batch `batch_id` of `file_name`, as an older ingest would have stored them."""
    with ws.write("events", "batches") as cur:
        cur.execute("INSERT INTO batches (batch_id, kind, file_name, rows_read, rows_loaded, rows_rejected) "
                    "VALUES (?, 'events', ?, ?, ?, 0)", [batch_id, file_name, len(rows), len(rows)])
        cur.executemany("INSERT INTO events (user_id, event, ts, batch_id) "
                        "VALUES (?, 'x', ?::TIMESTAMPTZ, ?)", [(u, t, batch_id) for u, t in rows])


@pytest.fixture
def far_future(ws: Workspace) -> Workspace:
    load_batch(ws, 1, "good.csv", [("a", "2026-01-05 10:00+00"), ("b", "2026-01-12 10:00+00")])
    load_batch(ws, 2, "typo.csv", [("a", "10000-01-01 00:00+00"), ("c", "2026-01-20 10:00+00")])
    return ws


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_names_the_rows_and_the_fix(far_future: Workspace, name: str) -> None:
    with pytest.raises(UserLensError) as info:
        METRICS[name](far_future.con)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".") and message.count(". ") == 0  # one sentence
    assert "1 event has a time outside 0002-01-01..9998-12-31 UTC" in message
    assert "user 'a' at 10000-01-01" in message and "batch 2 from typo.csv" in message
    assert "delete batch 2" in message and "--replace" in message


def test_an_event_before_year_2_is_refused_too(ws: Workspace) -> None:
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES ('a', 'x', '2026-01-05 10:00+00'), "
                    "('z', 'x', '0001-06-01 00:00+00'), ('z', 'x', '0001-07-01 00:00+00')")
    with pytest.raises(UserLensError, match=r"^2 events have a time outside .*user 'z' at 0001-06-01.*"
                                            r"not from a loaded file\): delete those rows"):
        retention(ws.con)


def test_removing_the_batch_brings_the_numbers_back(far_future: Workspace) -> None:
    from analytics.datamgmt import delete_batch

    with pytest.raises(UserLensError):
        lifecycle(far_future.con)
    delete_batch(far_future, 2)
    assert lifecycle(far_future.con)["users"].to_list()[:2] == [1, 0]  # a new in the week of Jan 5
    assert kpis(far_future.con)["users"][0] == 2


def test_times_at_the_edges_of_the_range_give_numbers(ws: Workspace) -> None:
    # 9998-12-31 20:00 UTC is already 9999-01-01 in Tokyo; 0002-01-01 00:00 UTC is 0001-12-31 in New York.
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES ('a', 'x', '9998-12-31 20:00+00'), "
                    "('a', 'x', '9998-12-24 20:00+00'), ('b', 'x', '0002-01-01 00:00+00')")
    tokyo = dau_wau_mau(ws.con, timezone="Asia/Tokyo")
    assert tokyo["day"][-1] == date(9999, 1, 1) and tokyo["dau"][-1] == 1
    weeks = retention(ws.con, period="week", periods=1, timezone="Asia/Tokyo")
    assert weeks["cohort_start"].to_list() == [date(1, 12, 31), date(9998, 12, 21)]  # Mondays
    assert weeks["p1"].to_list() == [0, None]  # a's next week (with 9999-01-01) has not ended
    assert kpis(ws.con, timezone="America/New_York")["users"][0] == 2
    assert lifecycle(ws.con, period="month", timezone="America/New_York")["period_start"][0] == date(1, 12, 1)


def test_days_before_1970_are_whole_local_days(ws: Workspace) -> None:
    # DuckDB's integer // rounds towards zero: without floor division 1969-12-31 12:00 became day 1970-01-01.
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES ('a', 'x', '1969-12-31 12:00+00'), "
                    "('a', 'x', '1970-01-01 12:00+00'), ('b', 'x', '1969-12-29 12:00+00')")
    daily = dau_wau_mau(ws.con)
    assert daily["day"].to_list() == [date(1969, 12, 29), date(1969, 12, 30), date(1969, 12, 31),
                                      date(1970, 1, 1)]
    assert daily["dau"].to_list() == [1, 0, 1, 1]
    weeks = retention(ws.con, period="week", periods=1)  # Monday 1969-12-29 holds all three events
    assert weeks["cohort_start"].to_list() == [date(1969, 12, 29)] and weeks["cohort_size"][0] == 2


def test_cli_prints_one_line_and_exits_2(tmp_path, capsys) -> None:
    from dashboard.cli import main

    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    load_batch(ws, 1, "good.csv", [("a", "2026-01-05 10:00+00")])
    load_batch(ws, 2, "typo.csv", [("a", "10000-01-01 00:00+00")])
    ws.close()
    for verb in (["engagement"], ["engagement", "--view", "daily"], ["churn"], ["lifecycle"], ["retention"],
                 ["cohorts"]):
        assert main([*verb, "--workspace", str(path), "--format", "json"]) == 2, verb
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "batch 2 from typo.csv" in err and "Traceback" not in err
