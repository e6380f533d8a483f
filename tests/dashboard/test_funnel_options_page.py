"""AppTest of the funnel options on the Funnels page (issue 16): exclusion and optional steps change the
funnel exactly as `userlens funnel --exclude/--optional` does, a breakdown shows one funnel per value with
its time to convert, and "What predicts conversion" lists odds ratios with their intervals."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.correlation import correlation, strongest
from analytics.funnel import funnel, funnel_breakdown_summary
from analytics.workspace import Workspace
from tests.dashboard.conftest import texts

PAGE = "app_pages/funnels.py"
STEPS = ["signup", "onboarding_started", "profile_completed"]


@pytest.fixture(scope="module")
def expected(sample_ws_file: Path) -> dict:
    ws = Workspace(sample_ws_file)
    try:
        return {
            "excluded": funnel(ws.con, steps=STEPS, exclude=["help_article_viewed:2-3"]),
            "optional": funnel(ws.con, steps=STEPS, optional=[2]),
            "by_plan": funnel_breakdown_summary(funnel(ws.con, steps=STEPS, breakdown="attr:plan")),
            "signals": strongest(correlation(ws.con, target="funnel:" + ",".join(STEPS)), 10),
        }
    finally:
        ws.close()


def choose_steps(app: AppTest) -> None:
    app.switch_page(PAGE).run()
    app.multiselect(key="funnel-steps").set_value(STEPS).run()
    assert not app.exception and not app.error


def funnel_table(app: AppTest) -> pl.DataFrame:
    return pl.from_pandas(app.dataframe[0].value)


def labels(frame_element) -> dict[str, str]:
    return {k: v.get("label") for k, v in json.loads(frame_element.proto.columns).items()}


def test_exclusion_between_steps_drops_the_attempt_there(app: AppTest, expected: dict) -> None:
    choose_steps(app)
    plain = funnel_table(app)["users"].to_list()
    app.multiselect(key="funnel-exclude").select("help_article_viewed").run()
    app.selectbox(key="funnel-exclude-range").select((2, 3)).run()
    assert not app.exception and not app.error
    shown = funnel_table(app)["users"].to_list()
    assert shown == expected["excluded"]["users"].to_list()
    assert shown[2] < plain[2] and shown[:2] == plain[:2]  # readers who completed later are dropped


def test_optional_step(app: AppTest, expected: dict) -> None:
    choose_steps(app)
    app.multiselect(key="funnel-optional").set_value([2]).run()
    assert not app.exception and not app.error
    assert app.multiselect(key="funnel-optional").options == ["2. onboarding_started"]
    assert funnel_table(app)["users"].to_list() == expected["optional"]["users"].to_list()


def test_breakdown_by_plan_with_time_to_convert(app: AppTest, expected: dict) -> None:
    choose_steps(app)
    assert "Choose a user attribute" in texts(app)  # no breakdown until one is chosen
    box = app.selectbox(key="funnel-breakdown")
    assert "User attribute: plan" in box.options and "Event property: platform" in box.options
    box.select("attr:plan").run()
    assert not app.exception and not app.error
    table = app.dataframe[1]
    assert labels(table)["time_to_convert"] == "Median time to convert"
    shown = table.value
    want = expected["by_plan"]
    assert list(shown["breakdown"]) == want["breakdown"].to_list()
    assert list(shown["entered"]) == want["entered"].to_list()
    assert list(shown["converted"]) == want["converted"].to_list()
    bars = [c for c in app.get("plotly_chart") if "Funnel by breakdown value" in c.proto.spec]
    assert len(bars) == 1
    app.selectbox(key="funnel-breakdown").select("prop:platform").run()
    assert not app.exception and not app.error


def test_what_predicts_conversion(app: AppTest, expected: dict) -> None:
    choose_steps(app)
    app.session_state["funnel-more-tabs"] = "What predicts conversion"
    app.run()
    assert not app.exception and not app.error
    pos, neg = expected["signals"]
    shown = [t for t in app.dataframe if "odds_ratio" in labels(t)]
    assert len(shown) == 2
    for element, want in zip(shown, (pos, neg), strict=True):
        assert labels(element)["odds_ratio"] == "Odds ratio" and labels(element)["ci_low"] == "95 % CI from"
        assert list(element.value["feature"]) == want["feature"].to_list()
        assert list(element.value["odds_ratio"]) == pytest.approx(want["odds_ratio"].to_list())
        assert list(element.value["share"]) == pytest.approx([100 * s for s in want["share"]])
    # the sample's story: the help article is among the strongest negative signals
    assert "help_article_viewed" in neg["feature"].to_list()
    assert any("odds ratio, 95 % CI" in c.proto.spec for c in app.get("plotly_chart"))
