"""Persona confidence in [0, 1]: centroid margins of clustered users, class probabilities of assigned ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from embeddings.clustering import centroid_margins, classify_by_behaviour
from embeddings.personas import CONFIDENCE_NOTE, persona_confidence, run_personas
from tests.helpers import insert_rows


def test_centroid_margins_by_hand():
    # centroids: (0 + 1 + 8) / 3 = 3 and (10 + 11) / 2 = 10.5
    X = np.array([[0.0], [1.0], [10.0], [11.0], [8.0]])
    labels = np.array([0, 0, 1, 1, 0])
    out = centroid_margins(X, labels)
    # 0: a=3, b=10.5 -> 7.5/10.5; 1: a=2, b=9.5; 10: a=0.5, b=7; 11: a=0.5, b=8;
    # 8 is nearer the other centre (a=5, b=2.5 -> -0.5), clipped to 0
    assert out == pytest.approx([7.5 / 10.5, 7.5 / 9.5, 6.5 / 7, 7.5 / 8, 0.0])
    # a point exactly on its centre scores 1; 2-D distances are Euclidean
    X2 = np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 4.0], [3.0, 4.0]])
    assert centroid_margins(X2, np.array([0, 0, 1, 1])) == pytest.approx([1.0, 1.0, 1.0, 1.0])
    X3 = np.array([[0.0, 0.0], [2.0, 0.0], [6.0, 8.0]])  # c0 = (1, 0), c1 = (6, 8)
    # (0,0): a=1, b=10 -> 0.9; (2,0): a=1, b=sqrt(16+64) -> 1 - 1/sqrt(80); (6,8) on its centre
    assert centroid_margins(X3, np.array([0, 0, 1])) == pytest.approx([0.9, 1 - 1 / np.sqrt(80), 1.0])
    assert centroid_margins(X, np.zeros(5, dtype=int)).tolist() == [0.0] * 5  # one persona


def test_classifier_probability_of_the_assigned_persona():
    from sklearn.linear_model import LogisticRegression

    profile = np.array([[0.0], [0.1], [5.0], [5.1], [0.05], [4.9], [2.55]])
    train = np.array([True, True, True, True, False, False, False])
    labels, proba = classify_by_behaviour(profile, train, np.array([1, 1, 0, 0]))
    assert labels[:6].tolist() == [1, 1, 0, 0, 1, 0]
    assert np.isnan(proba[:4]).all()
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(profile[:4], [1, 1, 0, 0])
    assert proba[4:] == pytest.approx(clf.predict_proba(profile[4:]).max(1))
    assert proba[4] > 0.8 and proba[5] > 0.8  # deep inside a group
    assert abs(proba[6] - 0.5) < 0.05  # midway between the groups: a coin flip
    # no behaviour columns: the majority persona with its training share
    labels, proba = classify_by_behaviour(np.zeros((6, 0)), train[:6], np.array([1, 1, 1, 0]))
    assert labels.tolist() == [1, 1, 1, 0, 1, 1] and proba[4:].tolist() == [0.75, 0.75]
    # one persona: nothing is told apart
    _, proba = classify_by_behaviour(profile[:6], train[:6], np.array([2, 2, 2, 2]))
    assert proba[4:].tolist() == [0.0, 0.0]


def test_persona_confidence_weights_the_parts_by_member_counts():
    certainty = np.array([0.8, 0.4, 0.9, 0.6, 0.0, 0.7])
    clustered = np.array([True, True, False, False, False, True])
    member = np.array([True, True, True, True, True, False])
    # clustered 0.8, 0.4 -> 0.6 (2 users); assigned 0.9, 0.6, 0.0 -> 0.5 (3 users); (1.2 + 1.5) / 5
    assert persona_confidence(certainty, clustered, member) == pytest.approx((0.54, 0.6, 0.5))
    only_assigned = np.array([False, False, True, True, False, False])
    assert persona_confidence(certainty, clustered, only_assigned) == pytest.approx((0.75, None, 0.75))
    only_clustered = np.array([False, False, False, False, False, True])
    assert persona_confidence(certainty, clustered, only_clustered) == pytest.approx((0.7, 0.7, None))


def test_run_reports_both_parts(planted_ws, fake_encoder, monkeypatch):
    import embeddings.clustering as clustering

    one = run_personas(planted_ws, k=2, seed=0, encoder=fake_encoder)  # 30 users with text: one stage
    for card in one.clusters:
        f = card["figures"]
        assert f["confidence_assigned"] is None and f["n_assigned"] == 0 and f["n_clustered"] == 15
        assert card["confidence"] == pytest.approx(f["confidence_text"]) and 0.0 < card["confidence"] <= 1.0
    assert one.to_json()["confidence_note"] == CONFIDENCE_NOTE

    monkeypatch.setattr(clustering, "MIN_TEXT_USERS", 10)
    t = datetime(2024, 2, 1, tzinfo=UTC)
    silent = []
    for i in range(4):  # no feedback; behaviour like the exporters
        for d in range(4):
            ts = t + timedelta(days=d, hours=i)
            silent += [(f"quiet{i}", "export_report", ts), (f"quiet{i}", "view_dashboard", ts)]
    insert_rows(planted_ws, silent, [])
    two = run_personas(planted_ws, k=2, seed=0, encoder=fake_encoder)
    exp_id = two.coords.filter(pl.col("user_id") == "exp00")["persona_id"][0]
    card = next(c for c in two.clusters if c["id"] == exp_id)
    f = card["figures"]
    assert (f["n_clustered"], f["n_assigned"]) == (15, 4)
    assert 0.5 < f["confidence_assigned"] <= 1.0 and 0.0 < f["confidence_text"] <= 1.0
    weighted = (15 * f["confidence_text"] + 4 * f["confidence_assigned"]) / 19
    assert card["confidence"] == pytest.approx(weighted)
