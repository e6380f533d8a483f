"""Intents and sentiment (zero-shot, few-shot, ratings), labels and their bad input, the CLI verb."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from analytics.errors import InputFileError, UserLensError
from analytics.workspace import Workspace
from dashboard.cli import main
from embeddings.intent_labels import (
    DEFAULT_INTENTS, add_labels, intent_definitions, most_uncertain, read_labels_file, set_intent_definitions,
)
from embeddings.intents import latest_intents, latest_intents_summary, run_intents
from embeddings.sentiment import assign_sentiment, rating_scale_max, sentiment_from_rating
from tests.helpers import FakeEncoder, insert_rows, planted_rows

DEFS = {"bug report": "crash error broken freeze", "feature request": "please add wish option",
        "praise": "love great thanks"}
TEXTS = [("b1", "crash error on start"), ("b2", "broken freeze again crash"),
         ("f1", "please add a dark option"), ("f2", "wish there was an option please"),
         ("p1", "love it great work"), ("p2", "great thanks love")]


def _feedback(ws: Workspace, rows: list[tuple[str, str]], ratings: list[float | None] | None = None) -> None:
    ratings = ratings or [None] * len(rows)
    insert_rows(ws, [], [(fid, f"u-{fid}", None, text, r, None)
                         for (fid, text), r in zip(rows, ratings, strict=True)])


def test_zero_shot_from_descriptions(ws, fake_encoder):
    _feedback(ws, TEXTS)
    run = run_intents(ws, encoder=fake_encoder, definitions=DEFS)
    got = dict(run.assignments.select("feedback_id", "intent").iter_rows())
    assert got == {"b1": "bug report", "b2": "bug report", "f1": "feature request", "f2": "feature request",
                   "p1": "praise", "p2": "praise"}
    assert run.method == "zero-shot" and run.heldout is None
    assert ((run.assignments["confidence"] > 1 / 3) & (run.assignments["confidence"] <= 1)).all()
    stored = latest_intents(ws)
    assert stored.height == 6 and stored["run_id"].unique().to_list() == [run.run_id]
    assert ws.con.execute("SELECT kind FROM analysis_runs").fetchall() == [("intents",)]


def test_team_intent_set_is_stored_and_validated(ws):
    assert intent_definitions(ws) == DEFAULT_INTENTS
    set_intent_definitions(ws, DEFS)
    assert intent_definitions(ws) == DEFS
    with pytest.raises(UserLensError, match="description"):
        set_intent_definitions(ws, {"a": "x", "b": ""})


def test_few_shot_learns_the_teams_labels_with_a_heldout_score(planted_ws, fake_encoder):
    ids = [f"f-exp{u:02d}" for u in range(15)] + [f"f-int{u:02d}" for u in range(15)]
    labels = [(i, "export") for i in ids[:6]] + [(i, "sync") for i in ids[15:21]]
    report = add_labels(planted_ws, labels, source="test")
    assert report.stored == 12 and report.messages == []
    run = run_intents(planted_ws, encoder=fake_encoder, method="logistic")
    got = dict(run.assignments.select("feedback_id", "intent").iter_rows())
    assert all(got[i] == "export" for i in ids[:15]) and all(got[i] == "sync" for i in ids[15:])
    assert run.method == "logistic"
    # 6 labels per intent: 25 % -> round(1.5) = 2 held out per intent, trained on 4 each
    assert run.heldout["n_test"] == 4 and run.heldout["n_train"] == 8 and run.heldout["macro_f1"] == 1.0
    assert latest_intents_summary(planted_ws)["heldout"]["macro_f1"] == 1.0
    labelled = run.assignments.filter(run.assignments["feedback_id"].is_in(ids[:6]))
    assert (labelled["confidence"] == 1.0).all()  # the team's own labels stand
    uncertain = most_uncertain(planted_ws, 5)
    assert uncertain.height == 5 and not set(uncertain["feedback_id"]) & {i for i, _ in labels}
    assert uncertain["confidence"].to_list() == sorted(uncertain["confidence"].to_list())


def test_self_training_uses_the_unlabelled_feedback(planted_ws, fake_encoder):
    add_labels(planted_ws, [("f-exp00", "export"), ("f-exp01", "export"), ("f-int00", "sync"),
                            ("f-int01", "sync")])
    run = run_intents(planted_ws, encoder=fake_encoder)
    assert run.method == "self-training" and run.heldout is None
    assert any("held-out" in m for m in run.messages)
    assert set(run.assignments["intent"]) == {"export", "sync"}


def test_sentiment_from_rating_by_hand():
    assert [sentiment_from_rating(r, 5) for r in (1, 2, 3, 4, 5)] == [
        "negative", "negative", "neutral", "positive", "positive"]
    assert [sentiment_from_rating(r, 10) for r in (0, 4, 5, 6, 7, 10)] == [
        "negative", "negative", "neutral", "neutral", "positive", "positive"]
    assert sentiment_from_rating(float("nan"), 5) is None
    assert rating_scale_max(np.array([1.0, 5.0, np.nan])) == 5 and rating_scale_max(np.array([8.0])) == 10


def test_sentiment_uses_ratings_then_text():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    protos = np.array([[0.0, 1.0], [0.7, 0.7], [1.0, 0.0]], dtype=np.float32)  # negative, neutral, positive
    ratings = np.array([1.0, np.nan, np.nan, np.nan])
    scores = np.array([np.nan, 9.0, np.nan, np.nan])
    sentiments, sources = assign_sentiment(X, ratings, scores, protos)
    assert sentiments == ["negative", "positive", "positive", "neutral"]
    assert sources == ["rating", "score", "text", "no words"]


def test_run_sentiment_learned_from_ratings(planted_ws, fake_encoder):
    insert_rows(planted_ws, [], [("new", None, None, "export report to csv fails", None, None)])
    run = run_intents(planted_ws, encoder=fake_encoder)
    row = run.assignments.filter(run.assignments["feedback_id"] == "new").row(0, named=True)
    assert row["sentiment"] == "positive" and row["sentiment_source"] == "learned from ratings"
    rated = run.assignments.filter(run.assignments["feedback_id"] == "f-int00").row(0, named=True)
    assert rated["sentiment"] == "negative" and rated["sentiment_source"] == "rating"  # rating 2 of 5


def test_empty_emoji_one_word_and_mixed_texts_lose_nothing(ws, fake_encoder):
    _feedback(ws, TEXTS + [("e1", "🙂🙂"), ("e2", "123"), ("w1", "great"), ("z1", "物流太慢了，快递三天才到"),
                           ("z2", "please add 夜间模式 option")])
    run = run_intents(ws, encoder=fake_encoder, definitions={**DEFS, "other": "anything else"})
    got = {r["feedback_id"]: r for r in run.assignments.to_dicts()}
    assert len(got) == 11 and all(r["intent"] for r in got.values())
    assert got["e1"]["intent"] == "other" and got["e1"]["confidence"] == 0.0
    assert any("no words" in m and "e1, e2" in m for m in run.messages)
    assert any("single word" in m and "w1" in m for m in run.messages)
    assert got["z2"]["intent"] == "feature request"


def test_labels_with_unknown_ids_or_one_example_are_reported_by_row(planted_ws, fake_encoder, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("feedback_id,label\nf-exp00,export\nnope-1,export\nf-exp01,export\nf-int00,sync\n"
                    "f-int01,sync\nf-int02,question\n,export\nnope-2,sync\n", encoding="utf-8")
    report = add_labels(planted_ws, read_labels_file(path), source="csv", file=str(path))
    assert report.stored == 5
    assert any("rows 3, 9" in m and "nope-1" in m for m in report.messages)
    assert any("rows 8" in m and "no feedback id" in m for m in report.messages)
    run = run_intents(planted_ws, encoder=fake_encoder)
    assert any("'question' has only 1 labelled example (f-int02)" in m for m in run.messages)
    assert run.assignments.height == 30 and run.assignments["intent"].null_count() == 0
    assert run.assignments.filter(run.assignments["feedback_id"] == "f-int02")["intent"][0] == "question"


def test_labels_file_problems_are_clear(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        read_labels_file(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,intent\n1,x\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no column 'feedback_id' or 'label'"):
        read_labels_file(bad)


@pytest.fixture
def ws_file(tmp_path, monkeypatch):
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    insert_rows(ws, *planted_rows())
    ws.close()
    fake = FakeEncoder()
    monkeypatch.setattr("embeddings.features.default_encoder", lambda *a, **k: fake)
    yield path
    from analytics.workspace import open_workspace

    open_workspace(path).close()


def test_cli_intents_json_and_assignments(ws_file, tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    labels.write_text("feedback_id,label\n" + "".join(f"f-exp{u:02d},export\n" for u in range(4))
                      + "".join(f"f-int{u:02d},sync\n" for u in range(4)) + "ghost,sync\n", encoding="utf-8")
    out = tmp_path / "intents.csv"
    assert main(["intents", "--workspace", str(ws_file), "--labels", str(labels), "--assignments", str(out),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"run_id", "method", "encoder", "n_items", "intents", "sentiment", "heldout",
                        "confidence_note", "messages"}
    assert doc["n_items"] == 30 and doc["encoder"] == "fake-bow" and doc["method"] == "self-training"
    assert doc["heldout"]["n_test"] == 2
    assert any("8 labels stored" in m for m in doc["messages"])
    assert any("ghost" in m and "row" in m for m in doc["messages"])
    assert {i["label"] for i in doc["intents"]} >= {"export", "sync"}
    assert sum(doc["sentiment"].values()) == 30
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["feedback_id", "intent", "confidence", "sentiment"] and len(rows) == 30


def test_cli_intents_bad_labels_file_is_one_line(ws_file, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,intent\n1,x\n", encoding="utf-8")
    assert main(["intents", "--workspace", str(ws_file), "--labels", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "feedback_id" in err and "Traceback" not in err
