"""Theme confidence (neighbour agreement), outliers, duplicate merging, spectral clustering, and a run."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from embeddings.spectral import SpectralClustering, centred, nearest_neighbours
from embeddings.theme_quality import (
    find_outliers, merge_duplicates, neighbour_agreement, theme_confidence,
)
from embeddings.themes import run_themes
from tests.helpers import insert_rows


def test_confidence_by_hand_on_five_points():
    # 5 points, so each has the other 4 as neighbours (N_NEIGHBOURS = 10 is capped at n - 1).
    # Labels [0, 0, 0, 1, 1]: a theme-0 point has 2 of its 4 neighbours in theme 0 -> 0.5;
    # a theme-1 point has 1 of 4 -> 0.25. Confidence = mean over members: {0: 0.5, 1: 0.25}.
    Z = np.eye(5, dtype=np.float32)
    labels = np.array([0, 0, 0, 1, 1])
    idx, _ = nearest_neighbours(Z, 10)
    assert idx.shape == (5, 4)
    agreement = neighbour_agreement(idx, labels, np.arange(5))
    np.testing.assert_allclose(agreement, [0.5, 0.5, 0.5, 0.25, 0.25])
    assert theme_confidence(agreement, labels) == {0: 0.5, 1: 0.25}


def test_agreement_with_given_neighbours_and_unthemed():
    neighbours = np.array([[1, 2], [0, 3], [3, 0]])
    labels = np.array([0, 0, -1, 1])
    # row 0: neighbours 1 (theme 0) and 2 (unthemed) -> 1/2; row 1: 0 (0) and 3 (1) -> 1/2;
    # row 2 is unthemed: never agrees -> 0
    np.testing.assert_allclose(neighbour_agreement(neighbours, labels, np.array([0, 1, 2])), [0.5, 0.5, 0.0])


def _blob(centre: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.RandomState(seed)
    x = centre + 0.05 * rng.randn(n, centre.size)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_an_item_among_another_theme_is_an_outlier():
    a, b, c = np.eye(3)[0] * 1.0, np.eye(3)[1] * 1.0, np.eye(3)[2] * 1.0
    X = np.vstack([_blob(a, 12, 0), _blob(b, 12, 1), _blob(c, 12, 2)]).astype(np.float32)
    labels = np.repeat([0, 1, 2], 12)
    labels[30] = 0  # a point of the c blob wrongly in theme 0: all its neighbours are theme 2
    outlier, rows, _ = find_outliers(centred(X), labels)
    assert rows.size == 36
    assert np.flatnonzero(outlier).tolist() == [30]


def test_themes_with_the_same_name_are_merged():
    X = np.vstack([_blob(np.eye(4)[i], 5, i) for i in range(4)]).astype(np.float32)
    labels = np.repeat([0, 1, 2, 3], 5)
    labels[:2] = 4  # theme 4 (2 items) and theme 0 (3 items) will share a name
    names = {0: ["酒店", "房间", "前台"], 4: ["房间", "酒店", "前台"], 1: ["a", "b", "c"],
             2: ["d", "e", "f"], 3: ["g", "h", "i"]}
    merged_labels, merged = merge_duplicates(X, labels, lambda lab: {c: names[c] for c in np.unique(lab)})
    assert merged == [(0, 4)]  # the larger theme keeps its id
    assert (merged_labels[:5] == 0).all() and set(merged_labels[5:]) == {1, 2, 3}


def test_themes_with_near_identical_centres_are_merged():
    X = np.vstack([_blob(np.eye(3)[0], 6, 0), _blob(np.eye(3)[0], 4, 1), _blob(np.eye(3)[1], 6, 2)])
    labels = np.repeat([0, 1, 2], [6, 4, 6])
    out, merged = merge_duplicates(X.astype(np.float32), labels, lambda lab: {})
    assert merged == [(0, 1)] and sorted(set(out)) == [0, 2]


def test_spectral_clustering_finds_planted_groups():
    X = np.vstack([_blob(np.eye(8)[i], 30, i) for i in range(3)]).astype(np.float32)
    truth = np.repeat([0, 1, 2], 30)
    model = SpectralClustering(n_clusters=3, random_state=0).fit(X)
    assert adjusted_rand_score(truth, model.labels_) == 1.0
    assert model.cluster_centers_.shape == (3, 8)
    sampled = SpectralClustering(n_clusters=3, max_points=40, random_state=0).fit(X)
    assert adjusted_rand_score(truth, sampled.labels_) == 1.0  # the rest joins the nearest centre


def test_run_reports_unthemed_strips_boilerplate_and_mixes_intents(planted_ws, fake_encoder):
    extra = [(f"x{i}", None, None, text, None, None) for i, text in enumerate(
        ["🙂🙂", "   👍 ", "[Imported from store] export report csv broken",
         "[Imported from store] jira slack sync lost", "[Imported from store] report export csv slow"])]
    insert_rows(planted_ws, [], extra)
    run = run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    doc = run.to_json()
    assert doc["unthemed"]["no_words"] == 2 and doc["unthemed"]["count"] >= 2
    assert doc["boilerplate"] == ["[Imported from store]"]
    assert "confidence_note" in doc
    for card in run.clusters:
        assert not {"imported", "store"} & set(card["keywords"])
        assert 0.0 <= card["confidence"] <= 1.0
        assert sum(card["figures"]["intents"].values()) == pytest.approx(1.0)
        assert set(card["figures"]["sentiment"]) <= {"negative", "neutral", "positive"}
    themed = run.members.filter(run.members["theme_id"] >= 0)
    assert sum(c["size"] for c in run.clusters) == themed.height == 35 - doc["unthemed"]["count"]
    stored = planted_ws.con.execute("SELECT count(*) FROM theme_members WHERE run_id = ?",
                                    [run.run_id]).fetchall()[0][0]
    assert stored == themed.height  # unthemed items are counted, never stored as members
