"""AppTest of Overview, Retention and Funnels & experiments on the sample workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import engagement, funnel, retention
from analytics.workspace import Workspace
from tests.helpers import charts, metrics, texts


@pytest.fixture(scope="module")
def expected(sample_ws_file: Path) -> dict:
    ws = Workspace(sample_ws_file)
    try:
        k = engagement.kpis(ws.con).row(0, named=True)
        weekly = retention.retention(ws.con, period="week", periods=8)
        avg = retention.retention_average(weekly).row(0, named=True)
        steps = ["signup", "onboarding_started", "task_created", "subscription_started"]
        fun = funnel.funnel(ws.con, steps=steps, window_days=14)
        monthly = retention.retention(ws.con, period="month", periods=8)
        return {"kpis": k, "avg": avg, "funnel": fun, "months": monthly.height}
    finally:
        ws.close()


def test_overview_shows_the_kpis(app: AppTest, expected: dict) -> None:
    app.switch_page("app_pages/overview.py").run()
    assert not app.exception
    m, k = metrics(app), expected["kpis"]
    assert m["Users"] == f"{k['users']:,}"
    assert m["Events"] == f"{k['events']:,}"
    assert m["MAU"] == f"{k['mau']:,}"
    assert m["Stickiness"] == f"{100 * k['stickiness']:.1f} %"
    assert charts(app) == 2  # DAU/WAU/MAU and stickiness; the other tabs render when opened
    app.session_state["ov-tabs"] = "Lifecycle"
    app.run()
    assert charts(app) == 1
    app.segmented_control(key="life-period").set_value("month").run()
    assert not app.exception
    app.session_state["ov-tabs"] = "Power users"
    app.run()
    app.segmented_control(key="power-days").set_value(28).run()
    assert not app.exception and charts(app) == 1


def test_retention_heatmap_and_options(app: AppTest, expected: dict) -> None:
    app.switch_page("app_pages/retention.py").run()
    assert not app.exception
    m, avg = metrics(app), expected["avg"]
    assert m["Users in cohorts"] == f"{avg['cohort_size']:,}"
    assert m["Week 1"] == f"{avg['p1']:.1f} %"
    assert charts(app) == 1  # the heatmap (curves and table render when their tab is opened)
    heatmap = app.get("plotly_chart")[0].proto.spec
    assert "Retention by cohort" in heatmap
    app.selectbox(key="ret-period").select("month").run()
    assert not app.exception and "Month 1" in metrics(app)
    app.session_state["ret-tabs"] = "Table"
    app.run()
    table = app.dataframe[0].value
    assert len(table) == expected["months"]
    for key, value in (("ret-cohort", "recurring"), ("ret-unbounded", True), ("ret-window", "rolling")):
        app.selectbox(key=key).select(value).run()
        assert not app.exception
    app.selectbox(key="ret-start-event").select("task_created").run()
    assert not app.exception
    assert "Cohort scoring" in texts(app)
    app.selectbox(key="score-by").select("attr:plan").run()
    scores = app.dataframe[-1].value
    assert sorted(scores["cohort"]) == ["free", "pro", "team"]


def test_funnel_and_experiment(app: AppTest, expected: dict) -> None:
    app.switch_page("app_pages/funnels.py").run()
    assert not app.exception
    fun = expected["funnel"]
    m = metrics(app)
    assert m["Entered"] == f"{fun['users'][0]:,}"
    assert m["Converted"] == f"{fun['users'][-1]:,}"
    shown = texts(app)
    assert "**B** vs **A**" in shown  # variant B against control A, retained in week 1
    app.selectbox(key="exp-metric").select("events").run()
    assert not app.exception
    app.selectbox(key="exp-group").select("plan").run()
    assert not app.exception
    assert "Sample-ratio mismatch" in texts(app)  # plans are not an equal split


def test_pages_show_an_empty_state_without_data(empty_app: AppTest) -> None:
    for page in ("overview", "retention", "funnels"):
        empty_app.switch_page(f"app_pages/{page}.py").run()
        assert not empty_app.exception
        shown = texts(empty_app)
        assert "Nothing to show yet" in shown and "**events**" in shown
