"""AppTest of the Feedback themes page's intents, Labelling section and intent/sentiment filter.

The intents model is the fast fake encoder of the embeddings tests (patched where `run_intents` looks
its encoder up), so the flow — read intents, label the most uncertain texts, learn — runs in seconds;
the real models run in the browser test (tests/e2e/test_labelling.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from tests.dashboard.conftest import texts
from tests.embeddings.conftest import FakeEncoder

PAGE = "app_pages/themes.py"


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeEncoder:
    import embeddings.intents
    import embeddings.themes

    fake = FakeEncoder()
    monkeypatch.setattr(embeddings.intents, "workspace_encoder", lambda ws: fake)
    monkeypatch.setattr(embeddings.themes, "workspace_encoder", lambda ws: fake)
    return fake


def stored(path: Path, query: str) -> list[tuple]:
    ws = Workspace(path)
    try:
        return ws.con.execute(query).fetchall()
    finally:
        ws.close()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def label_next(at: AppTest, intent: str) -> str:
    """Label the proposed text as `intent` with the radio; returns its feedback id."""
    caption = next(m.value for m in at.markdown if m.value.startswith("**Label this text next**"))
    fid = caption.rsplit("(", 1)[1].split(")")[0]
    at.radio(key="label-choice").set_value(intent)
    at.button(key="label-save").click().run(timeout=120)
    assert not at.exception
    return fid


def test_read_label_and_learn_intents(app: AppTest, sample_ws_file: Path, fake_model: FakeEncoder) -> None:
    app.switch_page(PAGE).run()
    assert not app.exception
    assert "No intents yet" in texts(app)
    app.button(key="intents-run").click().run(timeout=300)
    assert not app.exception
    assert metric(app, "Method") == "zero-shot"
    assert metric(app, "Labels") == "0"
    before = dict(stored(sample_ws_file, "SELECT feedback_id, intent FROM feedback_intents"))

    # the proposed text is the least confident unlabelled one of the run
    least = stored(sample_ws_file, "SELECT feedback_id FROM feedback_intents i JOIN feedback f USING "
                                   "(feedback_id) WHERE confidence > 0 ORDER BY confidence, feedback_id "
                                   "LIMIT 1")[0][0]
    first = label_next(app, "bug report")
    assert first == least
    assert f"Labelled {first} as “bug report”" in texts(app)
    labelled = {first: "bug report"}
    for intent in ("bug report", "praise", "praise"):
        labelled[label_next(app, intent)] = intent
    # a typed number picks that intent (Enter in the box submits the form)
    caption = next(m.value for m in app.markdown if m.value.startswith("**Label this text next**"))
    fid = caption.rsplit("(", 1)[1].split(")")[0]
    app.text_input(key="label-typed").set_value("2")
    app.button(key="label-save").click().run()
    labelled[fid] = "feature request"  # intent #2 of the default set
    assert len(set(labelled)) == 5
    assert dict(stored(sample_ws_file, "SELECT feedback_id, label FROM feedback_labels")) == labelled
    assert metric(app, "Labels") == "5"

    app.button(key="intents-learn").click().run(timeout=300)
    assert not app.exception
    assert metric(app, "Method") == "self-training", texts(app)[-3000:]
    after = dict(stored(sample_ws_file, "SELECT i.feedback_id, i.intent FROM feedback_intents i JOIN "
                                        "(SELECT run_id FROM analysis_runs WHERE kind = 'intents' ORDER BY "
                                        "created_at DESC LIMIT 1) r USING (run_id)"))
    assert all(after[f] == label for f, label in labelled.items())  # the team's labels win
    counts: dict[str, int] = {}
    for intent in after.values():
        counts[intent] = counts.get(intent, 0) + 1
    line = next(m.value for m in app.markdown if m.value.startswith("**Intents:**"))
    assert all(f"{intent} {n:,}" in line for intent, n in counts.items())  # the page shows the new run
    assert sum(after[f] != before[f] for f in after) > 0  # the learned intents differ from zero-shot
    # 'feature request' has one example: it is named, the rest is still assigned
    assert "Intent 'feature request' has only 1 labelled example" in texts(app)
    assert any(e.label.startswith("Notes on this run") for e in app.expander)
    assert all(v is not None for v in after.values())
    # no held-out score with fewer than 4 labels of each learned intent: said so
    assert metric(app, "Held-out macro-F1") == "—"


def test_skip_proposes_the_next_text(app: AppTest, fake_model: FakeEncoder) -> None:
    app.switch_page(PAGE).run()
    if any(b.key == "intents-run" for b in app.button):
        app.button(key="intents-run").click().run(timeout=300)
    first = next(m.value for m in app.markdown if m.value.startswith("**Label this text next**"))
    app.button(key="label-skip").click().run()
    assert not app.exception
    second = next(m.value for m in app.markdown if m.value.startswith("**Label this text next**"))
    assert first != second


def test_intent_set_is_saved_as_shown(app: AppTest, sample_ws_file: Path, fake_model: FakeEncoder) -> None:
    from embeddings.intent_labels import DEFAULT_INTENTS

    app.switch_page(PAGE).run()
    assert any(e.label.startswith("Your intents") for e in app.expander), "the intent set editor is shown"
    app.button(key="intent-defs-save").click().run()
    assert not app.exception
    rows = stored(sample_ws_file, "SELECT label, description FROM intent_definitions ORDER BY position")
    assert dict(rows) == DEFAULT_INTENTS
