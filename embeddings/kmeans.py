"""k-means in torch (cuda, then mps, then cpu) with the scikit-learn estimator API.

Distances are computed in row chunks (``|x|² − 2·x·c + |c|²``) so that a million 384-d points
never need an n × k × d tensor; k-means++ seeding is the greedy variant scikit-learn uses
(2 + ln k candidate draws per centre) with a numpy RNG, so a seed gives the same result on
every device.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from embeddings.encoders.base import choose_device


class KMeans(ClusterMixin, BaseEstimator):
    """Lloyd's k-means on a torch device.

    Parameters
    ----------
    n_clusters : int
        Number of clusters k.
    init : {'k-means++', 'random'} or array of shape (k, d)
        Seeding: greedy k-means++, k distinct random points, or given centres (then n_init=1).
    n_init : int
        Independent seedings; the run with the lowest inertia is kept.
    max_iter : int
        Maximum Lloyd iterations per run.
    tol : float
        Stop when the squared centre shift summed over centres is at most ``tol`` times the mean
        per-feature variance of X (scikit-learn's convention).
    random_state : int
        Seed; the same seed and data give the same clustering.
    device : str
        ``'auto'`` (cuda → mps → cpu) or a torch device string.
    chunk_size : int
        Rows per distance block.

    Attributes
    ----------
    labels_ : ndarray of shape (n,)
    cluster_centers_ : ndarray of shape (k, d)
    inertia_ : float
        Sum of squared distances of points to their nearest centre.
    n_iter_ : int
        Iterations of the kept run.
    """

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-means++", n_init: int = 3,
                 max_iter: int = 100, tol: float = 1e-4, random_state: int | None = 0,
                 device: str = "auto", chunk_size: int = 65_536) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.device = device
        self.chunk_size = chunk_size

    # -- helpers -------------------------------------------------------------------
    def _tensor(self, X: Any) -> Any:
        import torch

        arr = np.ascontiguousarray(np.asarray(X, dtype=np.float32))
        if arr.ndim != 2:
            raise ValueError(f"X must be 2-D, got shape {arr.shape}")
        return torch.from_numpy(arr).to(self.device_)

    def _assign(self, X: Any, x_sq: Any, centers: Any) -> tuple[Any, Any]:
        """Nearest centre and squared distance for every row, block by block."""
        import torch

        n = X.shape[0]
        labels = torch.empty(n, dtype=torch.long, device=X.device)
        dists = torch.empty(n, dtype=X.dtype, device=X.device)
        c_sq = (centers * centers).sum(1)
        step = max(1, int(self.chunk_size))
        for start in range(0, n, step):
            block = X[start:start + step]
            d = x_sq[start:start + step, None] - 2.0 * (block @ centers.T) + c_sq[None, :]
            best, idx = d.min(dim=1)
            labels[start:start + step] = idx
            dists[start:start + step] = best.clamp_min_(0.0)
        return labels, dists

    def _sq_dist_to(self, X: Any, x_sq: Any, points: Any) -> Any:
        """Squared distances (m, n) from `points` (m, d) to every row of X, chunked over rows."""
        import torch

        out = torch.empty((points.shape[0], X.shape[0]), dtype=X.dtype, device=X.device)
        p_sq = (points * points).sum(1)
        step = max(1, int(self.chunk_size))
        for start in range(0, X.shape[0], step):
            block = X[start:start + step]
            d = p_sq[:, None] - 2.0 * (points @ block.T) + x_sq[None, start:start + step]
            out[:, start:start + step] = d.clamp_min_(0.0)
        return out

    def _kmeanspp(self, X: Any, x_sq: Any, rng: np.random.RandomState) -> Any:
        """Greedy k-means++ seeding."""
        import torch

        n, k = X.shape[0], self.n_clusters
        trials = 2 + int(math.log(k))
        centers = torch.empty((k, X.shape[1]), dtype=X.dtype, device=X.device)
        first = rng.randint(n)
        centers[0] = X[first]
        closest = self._sq_dist_to(X, x_sq, X[first:first + 1])[0]
        pot = float(closest.double().sum())
        for c in range(1, k):
            if pot <= 0:  # every point coincides with a centre: take random distinct rows
                cand = rng.randint(n, size=trials)
            else:
                cum = torch.cumsum(closest.double(), 0).cpu().numpy()
                cand = np.searchsorted(cum, rng.uniform(size=trials) * cum[-1])
                cand = np.clip(cand, 0, n - 1)
            cand_t = torch.as_tensor(cand, device=X.device)
            d = torch.minimum(closest[None, :], self._sq_dist_to(X, x_sq, X[cand_t]))
            pots = d.double().sum(1)
            best = int(torch.argmin(pots))
            centers[c] = X[int(cand[best])]
            closest = d[best]
            pot = float(pots[best])
        return centers

    def _lloyd(self, X: Any, x_sq: Any, centers: Any, tol: float) -> tuple[Any, int]:
        import torch

        k = centers.shape[0]
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            labels, dists = self._assign(X, x_sq, centers)
            sums = torch.zeros_like(centers).index_add_(0, labels, X)
            counts = torch.bincount(labels, minlength=k).to(X.dtype)
            new = sums / counts.clamp_min(1.0)[:, None]
            empty = torch.nonzero(counts == 0).flatten()
            if empty.numel():  # re-seed empty clusters with the points farthest from their centre
                far = torch.topk(dists, int(empty.numel())).indices
                new[empty] = X[far]
            shift = float(((new - centers) ** 2).sum())
            centers = new
            if shift <= tol:
                break
        return centers, n_iter

    # -- estimator API ------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Cluster X (array-like (n, d)); sets labels_, cluster_centers_, inertia_, n_iter_."""
        import torch

        self.device_ = choose_device(self.device)
        Xt = self._tensor(X)
        n = Xt.shape[0]
        k = int(self.n_clusters)
        if not 1 <= k <= n:
            raise ValueError(f"n_clusters={k} must be between 1 and the number of samples ({n})")
        x_sq = (Xt * Xt).sum(1)
        tol = float(self.tol) * float(Xt.double().var(0, unbiased=False).mean()) if n > 1 else 0.0
        rng = np.random.RandomState(self.random_state)
        given = not isinstance(self.init, str)
        best: tuple[float, Any, int] | None = None
        with torch.no_grad():
            for _ in range(1 if given else max(1, int(self.n_init))):
                if given:
                    centers = self._tensor(self.init)
                elif self.init == "random":
                    centers = Xt[torch.as_tensor(rng.choice(n, k, replace=False), device=Xt.device)].clone()
                else:
                    centers = self._kmeanspp(Xt, x_sq, rng)
                centers, n_iter = self._lloyd(Xt, x_sq, centers, tol)
                _, dists = self._assign(Xt, x_sq, centers)
                inertia = float(dists.double().sum())
                if best is None or inertia < best[0]:
                    best = (inertia, centers, n_iter)
            inertia, centers, n_iter = best
            labels, _ = self._assign(Xt, x_sq, centers)
        self.cluster_centers_ = centers.float().cpu().numpy()
        self.labels_ = labels.cpu().numpy()
        self.inertia_ = inertia
        self.n_iter_ = n_iter
        self.n_features_in_ = Xt.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Index of the nearest fitted centre for each row of X."""
        import torch

        with torch.no_grad():
            Xt = self._tensor(X)
            centers = torch.from_numpy(self.cluster_centers_).to(Xt.device)
            labels, _ = self._assign(Xt, (Xt * Xt).sum(1), centers)
        return labels.cpu().numpy()

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        """Fit and return labels_."""
        return self.fit(X).labels_
