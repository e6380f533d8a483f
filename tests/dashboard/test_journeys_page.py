"""AppTest of the Journeys page (issue 16) on the sample workspace: the Sankey and the top paths by
default, the start/end switch, grouping rules, the step matrix with converted vs not, and bad input
shown in place as the CLI's own sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.paths import paths
from analytics.workspace import Workspace
from dashboard import cli
from tests.dashboard.conftest import texts

PAGE = "app_pages/journeys.py"


@pytest.fixture(scope="module")
def expected(sample_ws_file: Path) -> dict:
    ws = Workspace(sample_ws_file)
    try:
        after = paths(ws.con, start="onboarding_started", steps=4)
        before = paths(ws.con, end="profile_completed", steps=3)
        return {"after": after, "before": before}
    finally:
        ws.close()


def cli_sentence(workspace: Path, capsys: pytest.CaptureFixture, *args: str) -> str:
    """What `userlens paths ...` says on stderr, without its 'userlens paths: ' prefix."""
    capsys.readouterr()
    assert cli.main(["paths", "--workspace", str(workspace), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("userlens paths: ")
    return err.removeprefix("userlens paths: ")


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def sankey(at: AppTest) -> dict:
    found = [s for s in charts(at) if s["data"][0]["type"] == "sankey"]
    assert len(found) == 1
    return found[0]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_default_shows_the_help_article_journey(app: AppTest, expected: dict) -> None:
    app.switch_page(PAGE).run()
    assert not app.exception and not errors(app)
    assert app.selectbox(key="jr-event").value == "onboarding_started"
    assert app.segmented_control(key="jr-mode").value == "start"
    after = expected["after"]
    users = int(after["users"].sum())
    assert {m.label: m.value for m in app.metric}["Users with the event"] == f"{users:,}"
    spec = sankey(app)
    labels = spec["data"][0]["node"]["label"]
    assert "help_article_viewed" in labels and "onboarding_started" in labels
    assert "from onboarding_started" in spec["layout"]["title"]["text"]
    # the top paths table: human labels, every path with its share of users (one decimal)
    table = app.dataframe[-1]
    columns = {k: v.get("label") for k, v in json.loads(table.proto.columns).items()}
    assert columns["path"] == "Path" and columns["share"] == "Share of users"
    assert json.loads(table.proto.columns)["share"]["type_config"]["format"] == "%.1f %%"
    shown = table.value
    top = after.head(len(shown))
    assert list(shown["path"]) == [" → ".join(p) for p in top["path"]]
    assert list(shown["users"]) == top["users"].to_list()
    assert shown["share"].iloc[0] == pytest.approx(100 * top["users"][0] / users)
    assert any(p == "onboarding_started → help_article_viewed" for p in shown["path"])


def test_end_mode_and_step_count(app: AppTest, expected: dict) -> None:
    app.switch_page(PAGE).run()
    app.segmented_control(key="jr-mode").set_value("end").run()
    app.selectbox(key="jr-event").select("profile_completed").run()
    app.number_input(key="jr-steps").set_value(3).run()
    assert not app.exception and not errors(app)
    spec = sankey(app)
    assert "to profile_completed" in spec["layout"]["title"]["text"]
    before = expected["before"]
    shown = app.dataframe[-1].value
    assert list(shown["path"])[:3] == [" → ".join(p) for p in before["path"].head(3)]
    assert all(p.endswith("profile_completed") for p in shown["path"])


def test_step_matrix_and_converted_vs_not(app: AppTest) -> None:
    app.switch_page(PAGE).run()
    assert app.selectbox(key="jr-goal").value == "profile_completed"
    specs = [s for s in charts(app) if s["data"][0]["type"] == "heatmap"]
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert any(t.startswith("Step matrix:") for t in titles)
    assert any(t.startswith("Step matrix difference: converted") for t in titles)
    # the finding: readers of the help article are the ones who do not convert
    assert "do instead: **help\\_article\\_viewed** 1 step after" in texts(app)
    app.number_input(key="jr-k").set_value(2).run()
    assert not app.exception
    diff = next(s for s in charts(app)
                if s["layout"]["title"]["text"].startswith("Step matrix diff"))
    assert diff["data"][0]["x"] == ["-2", "-1", "E", "+1", "+2"]
    app.selectbox(key="jr-goal").select("(no comparison)").run()
    assert not app.exception
    assert len([s for s in charts(app) if s["data"][0]["type"] == "heatmap"]) == 1


def test_grouping_rules_rename_events_before_the_paths(app: AppTest) -> None:
    app.session_state["journey-rule-rows"] = [("^onboarding_", "onboarding")]
    app.switch_page(PAGE).run()
    assert not app.exception and not errors(app)
    options = app.selectbox(key="jr-event").options
    assert "onboarding" in options and "onboarding_started" not in options
    app.selectbox(key="jr-event").select("onboarding").run()
    assert not errors(app)
    assert "from onboarding" in sankey(app)["layout"]["title"]["text"]
    # the comparison is defined on names before grouping: said, not failed
    assert "clear the grouping rules to compare" in texts(app)


@pytest.mark.parametrize("case", ["steps", "event", "regex", "rule"])
def test_bad_input_is_the_cli_sentence_in_place(app: AppTest, sample_ws_file: Path, capsys,
                                                case: str) -> None:
    if case == "regex":
        app.session_state["journey-rule-rows"] = [("task_(", "task")]
        said = cli_sentence(sample_ws_file, capsys, "--start", "onboarding_started", "--steps", "4",
                            "--group", "task_(=task")
    elif case == "rule":
        app.session_state["journey-rule-rows"] = [("^task_", None)]
        said = cli_sentence(sample_ws_file, capsys, "--start", "onboarding_started", "--group", "^task_=")
    elif case == "event":  # typed into the box, which accepts names it does not list
        app.session_state["jr-event"] = "onboarding_startd"
    app.switch_page(PAGE).run()
    if case == "steps":
        app.number_input(key="jr-steps").set_value(1).run()
        said = cli_sentence(sample_ws_file, capsys, "--start", "onboarding_started", "--steps", "1")
    elif case == "event":
        said = cli_sentence(sample_ws_file, capsys, "--start", "onboarding_startd", "--steps", "4")
    assert not app.exception
    assert errors(app) == [said]
    assert "Traceback" not in texts(app)
    assert app.selectbox(key="jr-event") is not None  # the controls stay, to fix the input
    if case == "event":
        assert "did you mean 'onboarding_started'?" in said
