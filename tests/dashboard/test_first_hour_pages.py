"""Issue 12, "the first hour with your own data": AppTests on a hand-made workspace (tests/dashboard/
handmade.py documents every user, event and week the expected values below are worked out from)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.ingest import ingest_file
from analytics.workspace import Workspace
from tests.dashboard import handmade
from tests.helpers import APP, chart_specs, metrics, texts


@pytest.fixture(scope="module")
def hand_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hand")
    return handmade.build(folder / "template.duckdb", folder)


@pytest.fixture
def hand(hand_template: Path, tmp_path: Path) -> Path:
    """A private copy of the hand-made workspace for one test."""
    path = tmp_path / "acme.duckdb"
    shutil.copy(hand_template, path)
    return path


def app_on(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("USERLENS_WORKSPACE", str(path))
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def hand_app(hand: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    yield app_on(hand, monkeypatch)


def with_ws(path: Path, func, *args, **kwargs):
    ws = Workspace(path)
    try:
        return func(ws, *args, **kwargs)
    finally:
        ws.close()


# -- 3. only meaningful choices in Funnels & experiments ------------------------------------------

def test_experiment_offers_only_choices_with_data_and_explains_an_empty_group(hand_app: AppTest) -> None:
    hand_app.switch_page("app_pages/funnels.py").run()
    assert not hand_app.exception
    group = hand_app.selectbox(key="exp-group")
    assert group.value == "variant"  # an assignment, never a measure such as retention_1
    assert group.options[0] == "variant" and group.options[-1] == "retention_1"
    metric = hand_app.selectbox(key="exp-metric")
    assert "Attribute: retention_1" in metric.options  # numbers: a metric
    assert "Attribute: country" not in metric.options  # text: not a metric
    assert "Attribute: cohort" not in metric.options
    shown = texts(hand_app)
    # retained in week 1: A = u1 yes, u2 no -> 50 %; B = u3 yes, u4 no -> 50 %; C = u5, u6 started in
    # the last week, whose following week is not over: nobody in C is measurable
    assert "Group **C** has no measurable users: all 2 users in it are left out" in shown
    (bars,) = [s for s in chart_specs(hand_app) if s["data"][0]["type"] == "bar"]
    assert bars["data"][0]["x"] == ["A", "B"] and bars["data"][0]["y"] == [50.0, 50.0]
    assert "nan" not in json.dumps(bars).lower()
    table = hand_app.dataframe[-1].value
    assert list(table["group"]) == ["A", "B"] and list(table["n"]) == [2, 2]
    assert "None" not in texts(hand_app)


def test_a_grouping_from_another_data_set_is_flagged(hand_app: AppTest) -> None:
    hand_app.switch_page("app_pages/funnels.py").run()
    hand_app.selectbox(key="exp-group").select("cohort").run()
    assert not hand_app.exception
    # 22 users have a cohort, only u1 and u2 have events
    assert "2 of the 22 users with a cohort have events in this workspace. Most of them have none" in \
        texts(hand_app)


def test_numeric_attributes_are_not_picked_as_the_grouping(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "scores.duckdb"
    ws = Workspace(path)
    ingest_file(ws, "events", handmade.write_csv(tmp_path / "e.csv", "user_id,event,timestamp",
                                                 [(u, "open", t) for u, t in handmade.EVENTS]))
    ingest_file(ws, "users", handmade.write_csv(tmp_path / "u.csv", "user_id,retention_1",
                                                [("u1", "1"), ("u2", "0"), ("u3", "1"), ("u4", "0")]))
    ws.close()
    at = app_on(path, monkeypatch)
    at.switch_page("app_pages/funnels.py").run()
    assert not at.exception
    assert at.selectbox(key="exp-group").value is None
    assert "none is picked for you" in texts(at)
    assert not [s for s in chart_specs(at) if s["data"][0]["type"] == "bar"]


# -- 4. stale runs say so ------------------------------------------------------------------------

def _more_feedback(ws: Workspace, folder: Path) -> None:
    ingest_file(ws, "feedback", handmade.write_csv(folder / "more.csv", "feedback_id,user_id,text",
                                                   [("f7", "u2", "a"), ("f8", "u4", "b"), ("f9", "u6", "c")]))


@pytest.mark.parametrize(("page", "write", "button"), [
    ("themes", handmade.write_theme_run, "theme-rerun"),
    ("personas", handmade.write_persona_run, "persona-rerun"),
])
def test_a_run_older_than_the_data_says_how_much_is_new(hand: Path, hand_app: AppTest, tmp_path: Path,
                                                        page: str, write, button: str) -> None:
    with_ws(hand, write)
    hand_app.switch_page(f"app_pages/{page}.py").run()
    assert not hand_app.exception and "since this run" not in texts(hand_app)
    with_ws(hand, _more_feedback, tmp_path)
    hand_app.run()
    assert "3 new feedback items since this run — run again to include them." in texts(hand_app)
    assert hand_app.button(key=button).label.endswith("again")


# -- 5. a report without a backlog -----------------------------------------------------------------

def test_report_without_a_backlog_shows_what_is_known(hand: Path, hand_app: AppTest) -> None:
    with_ws(hand, handmade.write_theme_run)
    hand_app.switch_page("app_pages/report.py").run()
    assert not hand_app.exception
    shown = texts(hand_app).replace("\\", "")  # findings are markdown-escaped user text
    assert "Nothing to show yet" not in shown
    assert "Key findings" in shown and "No backlog loaded" in shown
    assert "would add the ranked requirements" in shown
    assert "2 feedback themes; the largest is calendar, love (2 items, 66.7 % of the items)" in shown
    assert "userlens " not in shown.lower()  # never a command line for a dashboard user
    links = [link.proto.label for link in hand_app.get("page_link")]
    assert "Find personas on the Personas page" in links  # no persona run: the button's page
    assert {b.label for b in hand_app.get("download_button")} >= {"HTML", "PDF", "Markdown"}


# -- 6, 7, 9. personas: one number, one meaning; the chosen k ---------------------------------------

def test_persona_card_retention_is_the_cohort_scoring_number(hand: Path, hand_app: AppTest) -> None:
    with_ws(hand, handmade.write_persona_run)
    hand_app.switch_page("app_pages/personas.py").run()
    assert not hand_app.exception
    week1 = [m.value for m in hand_app.metric if m.label == "Retention week 1"]
    # Early planners u1 (back in week 2), u2 (not) -> 50.0 %; Steady users u3 yes, u4 no -> 50.0 %;
    # Late starters: their next week is not over -> — (the stored 45 % is never shown)
    assert week1 == ["50.0 %", "50.0 %", "—"]
    hand_app.switch_page("app_pages/retention.py").run()
    hand_app.selectbox(key="score-by").select("persona").run()
    scores = hand_app.dataframe[-1].value
    by_name = dict(zip(scores["cohort"], scores["retention_1"], strict=True))
    assert by_name["Early planners"] == pytest.approx(50.0) and by_name["Steady users"] == pytest.approx(50.0)


def test_persona_counts_agree_when_nobody_wrote_feedback(hand: Path, hand_app: AppTest) -> None:
    with_ws(hand, handmade.write_persona_run)
    hand_app.switch_page("app_pages/personas.py").run()
    shown = texts(hand_app)
    assert metrics(hand_app)["Users who wrote feedback"] == "0"
    assert "clustered on their feedback" not in shown
    assert "Confidence from 2 clustered on their behaviour (0.40)." in shown


def test_automatic_k_shows_the_k_that_was_chosen(hand: Path, hand_app: AppTest) -> None:
    with_ws(hand, handmade.write_persona_run)
    with_ws(hand, handmade.write_theme_run)
    hand_app.switch_page("app_pages/personas.py").run()
    assert "**k = 3**, chosen automatically in the latest run." in texts(hand_app)
    assert not [n for n in hand_app.number_input if n.key == "persona-k"]  # no stale number in a box
    hand_app.toggle(key="persona-auto").set_value(False).run()
    assert hand_app.number_input(key="persona-k").value == 4
    hand_app.switch_page("app_pages/themes.py").run()
    assert "**k = 2**, chosen automatically in the latest run." in texts(hand_app)
    assert not [n for n in hand_app.number_input if n.key == "theme-k"]


# -- 8. recurring cohorts count user-periods -------------------------------------------------------

def test_recurring_cohorts_count_user_weeks_not_users(hand_app: AppTest) -> None:
    hand_app.switch_page("app_pages/retention.py").run()
    assert metrics(hand_app)["Users in cohorts"] == "6"
    hand_app.selectbox(key="ret-cohort").select("recurring").run()
    m = metrics(hand_app)
    # active weeks: u1 2, u2 1, u3 2, u4 2, u5 1, u6 1 -> 9 user-weeks of 6 users
    assert m["User-periods in cohorts"] == "9" and "Users in cohorts" not in m


# -- 10. tables for people -------------------------------------------------------------------------

def test_retention_table_has_human_columns_and_dates(hand_app: AppTest) -> None:
    hand_app.switch_page("app_pages/retention.py").run()
    hand_app.session_state["ret-tabs"] = "Table"
    hand_app.run()
    table = hand_app.dataframe[0]
    config = json.loads(table.proto.columns)
    assert config["cohort_start"]["label"] == "Cohort start" and config["p1"]["label"] == "Week 1"
    assert config["p1"]["type_config"]["format"] == "%.1f %%"
    # a date column shown as 2024-01-01 (no 00:00:00)
    assert config["cohort_start"]["type_config"] == {"type": "date", "format": "YYYY-MM-DD"}
    assert table.value["cohort_start"].iloc[0].strftime("%Y-%m-%d %H:%M") == "2024-01-01 00:00"
    # week 1 of the Jan 1 cohort (u1..u4): u1 (Jan 8) and u3 (Jan 10) came back -> 50.0 %
    assert table.value["p1"].iloc[0] == pytest.approx(50.0)
    assert table.proto.placeholder == "—"


# -- 11. a trend without dates is hidden, with the reason ------------------------------------------

def test_theme_trend_without_dates_is_explained_not_drawn(hand: Path, hand_app: AppTest) -> None:
    with_ws(hand, handmade.write_theme_run)
    hand_app.switch_page("app_pages/themes.py").run()
    assert not hand_app.exception
    assert "No trend over time: the feedback has no dates." in texts(hand_app)
    assert hand_app.get("plotly_chart") == []


# -- 12. sessions ------------------------------------------------------------------------------------

def test_median_session_in_seconds_with_what_a_session_is(hand_app: AppTest) -> None:
    hand_app.switch_page("app_pages/overview.py").run()
    # sessions: 90 s for u1..u4 on their first day, every other session a single event (0 s):
    # 0, 0, 0, 0, 0, 0, 90, 90, 90, 90 -> median 0 s (was "0.0 min")
    assert metrics(hand_app)["Median session"] == "0 s"
    assert "A session is one user's run of events with no gap of 30 minutes or more" in texts(hand_app)


def test_median_session_in_minutes(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "sessions.duckdb"
    ws = Workspace(path)
    rows = [("a", "2024-01-01T10:00:00Z"), ("a", "2024-01-01T10:01:30Z"), ("b", "2024-01-02T09:00:00Z"),
            ("b", "2024-01-02T09:01:30Z")]
    ingest_file(ws, "events", handmade.write_csv(tmp_path / "e.csv", "user_id,event,timestamp",
                                                 [(u, "open", t) for u, t in rows]))
    ws.close()
    at = app_on(path, monkeypatch)
    at.switch_page("app_pages/overview.py").run()
    assert metrics(at)["Median session"] == "1.5 min"


# -- 13. plurals -------------------------------------------------------------------------------------

def test_one_rejected_row_is_one_row(hand_app: AppTest) -> None:
    hand_app.session_state["last_results"] = [{
        "batch_id": 9, "kind": "events", "file_name": "chat.csv", "rows_read": 10, "rows_loaded": 9,
        "rows_rejected": 1, "reject_reasons": {"missing user_id": 1}, "warnings": []}]
    hand_app.run()
    assert "chat.csv: 1 row rejected (10.0% of 10) — missing user_id (1)." in texts(hand_app)
    assert "1 rows" not in texts(hand_app)
