"""`userlens retention --breakdown KEY` (issue 16): one matrix per attribute value, hand-computed from
DESIGN §4 ("Retention"; breakdown: top values by users, the rest "(other)", users without one "(none)").

Weeks start on Monday, UTC; T0 is Monday 2026-01-05 10:00 (week 0). Events (days after T0):

    a  plan pro   0, 7, 14        -> anchor week 0; returns in weeks 1 and 2
    b  plan pro   1, 15, 22       -> anchor week 0; returns in weeks 2 and 3
    c  plan free  7, 8, 22        -> anchor week 1; returns in week 3
    e  plan free  8               -> anchor week 1; no return
    d  no plan    0, 21           -> anchor week 0; returns in week 3

With --periods 2: pro = one cohort (2026-01-05, 2 users): week 1 -> a (1), week 2 -> a and b (2).
free = one cohort (2026-01-12, 2 users): week 1 (= week 2) -> nobody (0); week 2 (= week 3, ending
2026-02-02, after the group's last event on 2026-01-27) is not observable: null.
(none) = d alone (2026-01-05, 1 user): weeks 1 and 2 -> 0, 0 (week 2 ends 2026-01-26 00:00, before
d's last event on 2026-01-26 10:00). pro and free tie at 2 users and are ranked by value: free first.
--top 1 keeps free and puts a, b and d into "(other)": cohort 2026-01-05 of 3 users, 1 in week 1
(a), 2 in week 2 (a, b).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.workspace import Workspace
from dashboard.cli import main

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
EVENTS = {"a": (0, 7, 14), "b": (1, 15, 22), "c": (7, 8, 22), "e": (8,), "d": (0, 21)}
PLANS = {"a": "pro", "b": "pro", "c": "free", "e": "free"}


@pytest.fixture
def wspath(tmp_path: Path) -> str:
    path = tmp_path / "bd.duckdb"
    ws = Workspace(path)
    with ws.write("events", "users") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, 'open', ?)",
                        [(u, T0 + timedelta(days=d)) for u, days in EVENTS.items() for d in days])
        cur.executemany("INSERT INTO users (user_id, attributes) VALUES (?, ?)",
                        [(u, json.dumps({"plan": p})) for u, p in PLANS.items()])
    ws.close()
    return str(path)


def _run(capsys: pytest.CaptureFixture, wspath: str, *args: str) -> str:
    assert main(["retention", "--workspace", wspath, "--periods", "2", "--breakdown", "attr:plan",
                 *args]) == 0
    return capsys.readouterr().out


def test_json_has_one_matrix_per_value(wspath: str, capsys: pytest.CaptureFixture) -> None:
    doc = json.loads(_run(capsys, wspath, "--format", "json"))
    assert doc == {"breakdown": "attr:plan", "top": 10, "breakdowns": [
        {"value": "free", "rows": [{"cohort_start": "2026-01-12", "cohort_size": 2, "counts": [2, 0, None]}]},
        {"value": "pro", "rows": [{"cohort_start": "2026-01-05", "cohort_size": 2, "counts": [2, 1, 2]}]},
        {"value": "(none)", "rows": [{"cohort_start": "2026-01-05", "cohort_size": 1, "counts": [1, 0, 0]}]},
    ]}


def test_top_puts_the_rest_into_other(wspath: str, capsys: pytest.CaptureFixture) -> None:
    doc = json.loads(_run(capsys, wspath, "--top", "1", "--format", "json"))
    assert [(b["value"], b["rows"][0]["counts"]) for b in doc["breakdowns"]] == [
        ("free", [2, 0, None]), ("(other)", [3, 1, 2])]


def test_csv_has_a_leading_breakdown_column(wspath: str, capsys: pytest.CaptureFixture) -> None:
    rows = list(csv.reader(io.StringIO(_run(capsys, wspath, "--format", "csv"))))
    assert rows == [["breakdown", "cohort_start", "cohort_size", "p0", "p1", "p2"],
                    ["free", "2026-01-12", "2", "2", "0", ""],
                    ["pro", "2026-01-05", "2", "2", "1", "2"],
                    ["(none)", "2026-01-05", "1", "1", "0", "0"]]


def test_table_in_percent(wspath: str, capsys: pytest.CaptureFixture) -> None:
    text = _run(capsys, wspath, "--percent")
    lines = [line for line in text.splitlines() if "2026-" in line]
    assert [line.split("┆")[0].strip(" │") for line in lines] == ["free", "pro", "(none)"]
    assert "50.0" in lines[1] and "100.0" in lines[1]  # pro: 1 of 2, then 2 of 2


def test_a_malformed_breakdown_is_one_sentence(wspath: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["retention", "--workspace", wspath, "--breakdown", "plan"]) == 2
    err = capsys.readouterr().err
    assert "attr:KEY or prop:KEY" in err and err.count("\n") == 1
