"""Torch k-means and the choice of k against scikit-learn on known blobs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from embeddings.kmeans import KMeans
from embeddings.select_k import choose_k, cluster_silhouettes


@pytest.fixture(scope="module")
def blobs() -> tuple[np.ndarray, np.ndarray]:
    return make_blobs(n_samples=3000, n_features=16, centers=6, cluster_std=1.5, random_state=7)


def test_recovers_blobs_and_matches_sklearn_inertia(blobs):
    X, y = blobs
    ours = KMeans(n_clusters=6, n_init=3, random_state=0, device="cpu").fit(X)
    ref = SkKMeans(n_clusters=6, n_init=3, random_state=0).fit(X)
    assert adjusted_rand_score(y, ours.labels_) >= 0.95
    assert abs(ours.inertia_ - ref.inertia_) / ref.inertia_ <= 0.01
    assert ours.cluster_centers_.shape == (6, 16) and ours.cluster_centers_.dtype == np.float32
    assert 1 <= ours.n_iter_ <= 100
    # inertia_ is the sum of squared distances to the assigned centres
    d = ((X - ours.cluster_centers_[ours.labels_]) ** 2).sum()
    assert ours.inertia_ == pytest.approx(d, rel=1e-4)


def test_same_seed_same_result_other_seed_still_valid(blobs):
    X, _ = blobs
    a = KMeans(n_clusters=6, random_state=3).fit(X)
    b = KMeans(n_clusters=6, random_state=3).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    c = KMeans(n_clusters=6, random_state=4).fit(X)
    assert adjusted_rand_score(a.labels_, c.labels_) >= 0.95


def test_chunked_distances_equal_unchunked(blobs):
    X, _ = blobs
    whole = KMeans(n_clusters=6, random_state=1, chunk_size=10**9).fit(X)
    chunked = KMeans(n_clusters=6, random_state=1, chunk_size=97).fit(X)
    np.testing.assert_array_equal(whole.labels_, chunked.labels_)
    np.testing.assert_allclose(whole.cluster_centers_, chunked.cluster_centers_, rtol=1e-5, atol=1e-5)
    assert chunked.inertia_ == pytest.approx(whole.inertia_, rel=1e-5)


def test_predict_and_estimator_api(blobs):
    X, _ = blobs
    km = KMeans(n_clusters=6, random_state=0)
    labels = km.fit_predict(X)
    np.testing.assert_array_equal(km.predict(X), labels)
    np.testing.assert_array_equal(km.predict(km.cluster_centers_), np.arange(6))
    params = clone(km).get_params()
    assert params["n_clusters"] == 6 and params["init"] == "k-means++" and params["device"] == "auto"


def test_given_init_and_degenerate_inputs():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    km = KMeans(n_clusters=2, init=np.array([[0.0, 0.5], [10.0, 0.5]])).fit(X)
    np.testing.assert_array_equal(km.labels_, [0, 0, 1, 1])
    assert km.inertia_ == pytest.approx(4 * 0.25)
    same = KMeans(n_clusters=2, random_state=0).fit(np.ones((5, 3)))  # all points identical
    assert same.inertia_ == pytest.approx(0.0)
    with pytest.raises(ValueError):
        KMeans(n_clusters=6).fit(X)


def test_choose_k_finds_four_blobs():
    X, _ = make_blobs(n_samples=2000, n_features=8, centers=4, cluster_std=1.0, random_state=11)
    best, scores = choose_k(X, range(2, 9), sample_size=1000, seed=0)
    assert best == 4
    assert scores["k"].to_list() == list(range(2, 9))
    top = scores.filter(scores["k"] == 4)
    assert top["silhouette"][0] == scores["silhouette"].max()


def test_silhouette_matches_sklearn_including_singletons():
    from sklearn.metrics import silhouette_samples as sk_silhouette

    from embeddings.select_k import pairwise_distances, silhouette_samples

    X, y = make_blobs(n_samples=400, n_features=5, centers=3, random_state=2)
    y[0] = 9  # a one-point cluster scores 0
    np.testing.assert_allclose(silhouette_samples(pairwise_distances(X, device="cpu"), y),
                               sk_silhouette(X, y), atol=1e-4)


def test_cluster_silhouettes_separated_vs_mixed():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(5, 0.1, (50, 2))])
    good = cluster_silhouettes(X, np.repeat([0, 1], 50))
    bad = cluster_silhouettes(X, np.tile([0, 1], 50))
    assert min(good.values()) > 0.9
    assert max(bad.values()) < 0.1


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu(blobs):
    X, _ = blobs
    cpu = KMeans(n_clusters=6, random_state=0, device="cpu").fit(X)
    gpu = KMeans(n_clusters=6, random_state=0, device="cuda").fit(X)
    assert adjusted_rand_score(cpu.labels_, gpu.labels_) >= 0.99
    assert gpu.inertia_ == pytest.approx(cpu.inertia_, rel=1e-3)
