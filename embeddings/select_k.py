"""Choosing k: silhouette (higher is better) and Davies–Bouldin (lower is better) on a sample.

Rule: every k in the range is fitted on the same random sample (at most ``sample_size`` rows);
a k whose smallest cluster holds less than ``min_share`` of the sample is not eligible (a
persona of a handful of users is noise, not a group). Among the eligible k whose silhouette is
within 0.02 of the best, the one with the lowest Davies–Bouldin index wins (ties: the smaller
k) — or, with ``prefer_small``, the smallest such k (parsimony: on noisy, high-dimensional
data the silhouette keeps creeping up with k as clusters split noise, so the simplest
near-best description is preferred).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from embeddings.kmeans import KMeans

SILHOUETTE_SLACK = 0.02


def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted indices of a uniform sample of at most `size` of `n` rows (all rows when n ≤ size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.RandomState(seed).choice(n, size, replace=False))


def choose_k(X: np.ndarray, k_range: Iterable[int] = range(2, 11), *, sample_size: int = 5000,
             seed: int = 0, device: str = "auto", min_share: float = 0.0,
             prefer_small: bool = False) -> tuple[int, pl.DataFrame]:
    """Pick the number of clusters for X.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Points to cluster.
    k_range : iterable of int
        Candidate k; values below 2 or at least the sample size are skipped.
    sample_size : int
        Rows used for fitting and scoring each k.
    seed : int
        Seed of the sample and of every fit.
    device : str
        Torch device for the fits.
    min_share : float
        Smallest allowed cluster, as a share of the sample (0 allows any size).
    prefer_small : bool
        Among the near-best k take the smallest instead of the lowest Davies–Bouldin.

    Returns
    -------
    best_k : int
        The chosen k (1 when fewer than 3 distinct points exist).
    scores : polars.DataFrame
        Columns k, silhouette, davies_bouldin, inertia, min_share — one row per k tried.
    """
    from sklearn.metrics import davies_bouldin_score

    X = np.asarray(X, dtype=np.float32)
    idx = sample_rows(X.shape[0], sample_size, seed)
    S = X[idx]
    D = pairwise_distances(S, device=device)  # shared by every k: the sample is the same
    n_distinct = len(np.unique(S, axis=0)) if S.shape[0] <= 50_000 else S.shape[0]
    rows = []
    for k in sorted(set(int(k) for k in k_range)):
        if k < 2 or k >= n_distinct:
            continue
        km = KMeans(n_clusters=k, n_init=2, max_iter=100, random_state=seed, device=device).fit(S)
        if len(np.unique(km.labels_)) < 2:
            continue
        rows.append({"k": k, "silhouette": float(silhouette_samples(D, km.labels_).mean()),
                     "davies_bouldin": float(davies_bouldin_score(S, km.labels_)),
                     "inertia": float(km.inertia_),
                     "min_share": float(np.bincount(km.labels_).min() / len(km.labels_))})
    scores = pl.DataFrame(rows, schema={"k": pl.Int64, "silhouette": pl.Float64, "davies_bouldin": pl.Float64,
                                        "inertia": pl.Float64, "min_share": pl.Float64})
    if scores.height == 0:
        return 1, scores
    eligible = scores.filter(pl.col("min_share") >= min_share)
    if eligible.height == 0:
        eligible = scores.filter(pl.col("k") == scores["k"].min())
    top = eligible["silhouette"].max()
    near = eligible.filter(pl.col("silhouette") >= top - SILHOUETTE_SLACK)
    near = near.sort("k") if prefer_small else near.sort(["davies_bouldin", "k"])
    return int(near["k"][0]), scores


def pairwise_distances(S: np.ndarray, *, device: str = "auto") -> object:
    """Euclidean distance matrix (m, m) of the rows of S as a torch tensor on `device`."""
    import torch

    from embeddings.encoders.base import choose_device

    t = torch.from_numpy(np.ascontiguousarray(S, dtype=np.float32)).to(choose_device(device))
    sq = (t * t).sum(1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (t @ t.T)
    return d2.clamp_min_(0.0).sqrt_().fill_diagonal_(0.0)


def silhouette_samples(D: object, labels: np.ndarray) -> np.ndarray:
    """Silhouette of every point from a distance matrix (scikit-learn's definition).

    s = (b − a) / max(a, b) with a = mean distance to the other members of its cluster and
    b = the smallest mean distance to another cluster; 0 for members of one-point clusters.
    """
    import torch

    lab = torch.as_tensor(np.unique(labels, return_inverse=True)[1], device=D.device)
    k = int(lab.max()) + 1
    onehot = torch.nn.functional.one_hot(lab, k).to(D.dtype)
    sums = D @ onehot  # (m, k): summed distance of each point to each cluster
    counts = onehot.sum(0)
    rows = torch.arange(D.shape[0], device=D.device)
    own = counts[lab]
    a = sums[rows, lab] / (own - 1).clamp_min(1.0)
    means = sums / counts.clamp_min(1.0)[None, :]
    means[rows, lab] = float("inf")
    b = means.min(dim=1).values
    s = (b - a) / torch.maximum(a, b).clamp_min(1e-12)
    s[own <= 1] = 0.0
    return s.double().cpu().numpy()


def cluster_silhouettes(X: np.ndarray, labels: np.ndarray, *, per_cluster: int | None = None,
                        seed: int = 0) -> dict[int, float]:
    """Mean silhouette of each cluster's members, on a stratified sample of up to `per_cluster` each.

    By default ``per_cluster`` = max(200, 5000 // k), so the distance matrix stays near 5,000².

    Clusters are scored against the sampled members of all clusters; a lone cluster gets 0.
    """
    labels = np.asarray(labels)
    ids = np.unique(labels)
    if len(ids) < 2:
        return {int(c): 0.0 for c in ids}
    per_cluster = per_cluster or max(200, 5000 // len(ids))
    rng = np.random.RandomState(seed)
    picked = []
    for c in ids:
        members = np.flatnonzero(labels == c)
        if len(members) > per_cluster:
            members = np.sort(rng.choice(members, per_cluster, replace=False))
        picked.append(members)
    idx = np.concatenate(picked)
    values = silhouette_samples(pairwise_distances(np.asarray(X, dtype=np.float32)[idx]), labels[idx])
    return {int(c): float(values[labels[idx] == c].mean()) for c in ids}
