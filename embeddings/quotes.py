"""Representative, diverse quotes: candidates closest to the centroid, then maximal marginal relevance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def mmr_quotes(vectors: np.ndarray, texts: Sequence[str], centroid: np.ndarray, *, n: int = 3,
               diversity: float = 0.5, candidates: int = 50) -> list[int]:
    """Indices of `n` quotes that are typical of a cluster yet say different things.

    Parameters
    ----------
    vectors : ndarray of shape (m, d)
        L2-normalised embeddings of the cluster's texts.
    texts : sequence of str
        The texts (identical texts are offered once).
    centroid : ndarray of shape (d,)
        Cluster centre in the same space (need not be normalised).
    n : int
        Quotes wanted.
    diversity : float
        λ in MMR is ``1 − diversity``: score = λ·cos(q, centroid) − (1 − λ)·max cos(q, chosen).
    candidates : int
        Only the texts closest to the centroid are considered.

    Returns
    -------
    list of int
        Indices into `texts`, in the order chosen (the most central first).
    """
    if len(texts) == 0:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    c = np.asarray(centroid, dtype=np.float32)
    norm = float(np.linalg.norm(c))
    relevance = vectors @ (c / norm if norm > 0 else c)
    seen: set[str] = set()
    pool: list[int] = []
    for i in np.argsort(-relevance, kind="stable"):
        key = " ".join(str(texts[i]).lower().split())
        if key in seen or not key:
            continue
        seen.add(key)
        pool.append(int(i))
        if len(pool) >= candidates:
            break
    lam = 1.0 - diversity
    chosen: list[int] = []
    while pool and len(chosen) < n:
        if chosen:
            redundancy = (vectors[pool] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(pool), dtype=np.float32)
        scores = lam * relevance[pool] - (1.0 - lam) * redundancy
        best = int(np.argmax(scores))
        chosen.append(pool.pop(best))
    return chosen
