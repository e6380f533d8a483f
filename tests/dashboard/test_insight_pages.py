"""AppTest of Personas, Feedback themes, Kano and Prioritisation on the sample workspace.

The persona and theme runs use the bundled sentence-transformers model (offline) on the small sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import kano, prioritise
from analytics.workspace import Workspace
from tests.helpers import texts


def metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def on(path: Path, func, **kwargs):
    ws = Workspace(path)
    try:
        return func(ws.con, **kwargs)
    finally:
        ws.close()


def test_personas_run_with_progress_and_cards(app: AppTest) -> None:
    app.switch_page("app_pages/personas.py").run()
    assert not app.exception
    assert "No persona run yet" in texts(app)
    app.toggle(key="persona-auto").set_value(False).run()
    app.number_input(key="persona-k").set_value(3)
    app.button(key="persona-run").click().run(timeout=300)
    assert not app.exception
    m = metrics(app)
    assert ("Personas", "3") in m
    shares = [float(v.rstrip(" %")) for label, v in m if label == "Share of users"]
    assert len(shares) == 3 and abs(sum(shares) - 100) < 0.5
    assert len(app.get("plotly_chart")) == 1  # the 2D map of this run


def test_personas_map_is_drawn_from_the_stored_run_after_a_restart(app: AppTest) -> None:
    import streamlit as st

    st.cache_data.clear()  # a restarted server: nothing of the run above is left in memory
    st.cache_resource.clear()
    app.switch_page("app_pages/personas.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1
    assert "stored before runs kept their map" not in texts(app)
    confidences = [m for m in app.metric if m.label == "Confidence"]
    assert len(confidences) == 3 and all(0.0 <= float(m.value) <= 1.0 for m in confidences)


def test_themes_run_and_trend(app: AppTest) -> None:
    app.switch_page("app_pages/themes.py").run()
    assert not app.exception
    app.toggle(key="theme-auto").set_value(False).run()
    app.number_input(key="theme-k").set_value(4)
    app.button(key="theme-run").click().run(timeout=300)
    assert not app.exception
    assert ("Themes", "4") in metrics(app)
    assert len(app.expander) >= 4
    assert len(app.get("plotly_chart")) == 1


def test_kano_categories_and_segments(app: AppTest, sample_ws_file: Path) -> None:
    expected = on(sample_ws_file, kano.kano_results, table="standard")
    app.switch_page("app_pages/kano.py").run()
    assert not app.exception
    m = dict(metrics(app))
    assert m["Features"] == str(expected.height)
    assert m["Must-be"] == str(expected.filter(expected["category"] == "M").height)
    assert len(app.get("plotly_chart")) == 1
    app.session_state["kano-tabs"] = "Categories"
    app.run()
    table = app.dataframe[0].value
    assert set(table["feature"]) == set(expected["feature"])
    app.segmented_control(key="kano-table").set_value("pouliot").run()
    assert not app.exception
    app.selectbox(key="kano-segment").select("plan").run()
    assert not app.exception
    assert set(app.dataframe[0].value["segment"]) == {"free", "pro", "team"}
    app.selectbox(key="kano-segment").select("persona").run()  # the persona run of the test above
    assert not app.exception


@pytest.mark.parametrize("method", ["rice", "wsjf", "kano"])
def test_prioritisation_ranks_like_the_analytics(app: AppTest, sample_ws_file: Path, method: str) -> None:
    expected = on(sample_ws_file, prioritise.prioritise, method=method)
    app.switch_page("app_pages/prioritise.py").run()
    app.selectbox(key="prio-method").select(method).run()
    assert not app.exception
    assert dict(metrics(app))["Top item"] == expected["req_id"][0]
    assert len(app.get("plotly_chart")) == 1
    app.session_state["prio-tabs"] = "Value / effort matrix"
    app.run()
    assert not app.exception and len(app.get("plotly_chart")) == 1


def test_linking_fills_the_evidence_drill_down(app: AppTest) -> None:
    app.switch_page("app_pages/prioritise.py").run()
    app.button(key="link-run").click().run(timeout=300)
    assert not app.exception
    with_evidence = int(dict(metrics(app))["With user evidence"])
    assert with_evidence > 0
    app.selectbox(key="prio-req").select("R01").run()  # "Fix sync conflicts": the most asked-for item
    assert not app.exception
    assert int(dict(metrics(app))["Feedback items"]) > 0
    assert sum(1 for md in app.markdown if str(md.value).startswith("> ")) >= 1
