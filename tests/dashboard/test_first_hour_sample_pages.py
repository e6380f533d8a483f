"""Issue 12 on the sample workspace: every table goes through the display helper, the ranking says how
much of the backlog it draws, Kano labels stay clear of the quadrant names, evidence goes stale."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from analytics.ingest import ingest_file
from analytics.workspace import Workspace
from embeddings.store import new_run_id, write_evidence
from tests.helpers import texts

PAGES = ("data", "overview", "retention", "funnels", "journeys", "kano", "prioritise", "report")


def test_every_table_is_shown_for_people(app: AppTest) -> None:
    """Every st.dataframe of every page comes from the shared helper: "—" for missing, human labels."""
    seen = 0
    for page in PAGES:
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, page
        for frame in app.dataframe:
            seen += 1
            assert frame.proto.placeholder == "—", page
            labels = [c.get("label") for c in json.loads(frame.proto.columns).values()]
            machine = [label for label in labels if label and "_" in label and label.islower()]
            assert not machine, (page, labels)  # no diff_ci_high, mean_active_days_28 ...
    assert seen >= 5


def test_the_ranking_says_it_shows_20_of_25(app: AppTest) -> None:
    app.switch_page("app_pages/prioritise.py").run()
    assert not app.exception
    assert "The chart shows the top 20 of 25 requirements; the Table tab lists all of them." in texts(app)
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert "top 20 of 25 requirements" in spec["layout"]["title"]["text"]
    assert len(spec["data"][0]["y"]) == 20


def test_kano_labels_are_annotations_clear_of_the_quadrants(app: AppTest) -> None:
    app.switch_page("app_pages/kano.py").run()
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    names = {a["text"]: a for a in spec["layout"]["annotations"]}
    for quadrant in ("Attractive", "One-dimensional", "Must-be", "Indifferent"):
        assert not 0 <= names[quadrant]["y"] <= 1  # outside the values Better can take
    features = {t for trace in spec["data"] for t in trace["text"]}
    assert features <= set(names)  # every feature is named, by a placed label
    assert all(trace["mode"] == "markers" for trace in spec["data"])


def test_linked_evidence_goes_stale_when_feedback_arrives(app: AppTest, sample_ws_file: Path,
                                                          tmp_path: Path) -> None:
    ws = Workspace(sample_ws_file)
    try:
        write_evidence(ws, run_id=new_run_id("evidence"), params={"threshold": 0.45}, summary={},
                       evidence=pl.DataFrame({"req_id": ["R01"], "feedback_id": ["F00002"],
                                              "user_id": ["u00015"], "similarity": [0.8]}))
        app.switch_page("app_pages/prioritise.py").run()
        assert "since this run" not in texts(app)
        more = tmp_path / "later-feedback.csv"
        more.write_text("feedback_id,user_id,text\nX1,u00001,please fix sync\nX2,u00002,sync lost my edits\n")
        ingest_file(ws, "feedback", more)
    finally:
        ws.close()
    app.run()
    assert "2 new feedback items since this run — run again to include them." in texts(app)
    assert app.button(key="link-rerun").label == "Link again"
