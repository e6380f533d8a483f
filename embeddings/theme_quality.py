"""What makes themes worth reading: a confidence that means something, outliers, duplicate merging.

* **Neighbour agreement** of a feedback item: the share of its ``N_NEIGHBOURS`` most similar
  items (cosine, in the centred space of `embeddings.spectral.centred`) that are in its theme.
  A theme's **confidence** is the mean agreement of its members: 1 when their nearest
  neighbours all belong to it, near the theme's share of the feedback when it is no better than
  a random split (`CONFIDENCE_NOTE`).
* **Outliers** (reported as unthemed, never members): an item none of whose neighbours is in its
  theme, or whose cosine to its theme's centre in the centred space is at most ``OUTLIER_COSINE``
  (0: it is no closer to its theme than to the average feedback item).
* **Near-duplicate themes** are merged: two themes whose names (top three keywords) are the same
  set, or whose centres (mean vectors) have cosine ≥ ``MERGE_COSINE``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from embeddings.spectral import nearest_neighbours

N_NEIGHBOURS = 10
OUTLIER_COSINE = 0.0
MERGE_COSINE = 0.9
MAX_QUERIES = 10_000
CONFIDENCE_NOTE = (
    "Confidence (0-1) is the theme's neighbour agreement: for each member, the share of its "
    f"{N_NEIGHBOURS} most similar feedback items that are in the same theme, averaged over the members "
    "(1 = members' nearest neighbours are all in the theme; about the theme's share of the feedback "
    "when the grouping is no better than chance).")


def neighbour_agreement(neighbours: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Share of each query row's neighbours with the same label (labels < 0 never agree).

    Parameters
    ----------
    neighbours : ndarray of shape (q, m)
        Neighbour indices of the query rows (`nearest_neighbours`).
    labels : ndarray of shape (n,)
        Labels of all rows; −1 = unthemed.
    rows : ndarray of shape (q,)
        The query rows.

    Returns
    -------
    ndarray of shape (q,), float64 (0 where a row has no neighbours)
    """
    if neighbours.shape[1] == 0:
        return np.zeros(rows.size)
    own = labels[rows][:, None]
    return ((labels[neighbours] == own) & (own >= 0)).mean(axis=1)


def theme_confidence(agreement: np.ndarray, labels_of_rows: np.ndarray) -> dict[int, float]:
    """Mean neighbour agreement per theme, over the query rows of that theme."""
    return {int(c): float(agreement[labels_of_rows == c].mean())
            for c in np.unique(labels_of_rows) if c >= 0}


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def centre_similarity(Z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Cosine of each row to the mean of its theme's rows (NaN for labels < 0)."""
    out = np.full(Z.shape[0], np.nan)
    for c in np.unique(labels):
        if c < 0:
            continue
        member = labels == c
        out[member] = Z[member] @ _unit(Z[member].mean(axis=0))
    return out


def find_outliers(Z: np.ndarray, labels: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray,
                                                                               np.ndarray]:
    """Outliers by the module docstring's rule.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        Centred, L2-normalised vectors.
    labels : ndarray of shape (n,)
        Theme of each row.
    seed : int
        Seed of the query sample when n > ``MAX_QUERIES``.

    Returns
    -------
    outlier : ndarray of bool, shape (n,)
    rows : ndarray of int
        The rows whose neighbours were looked up (all rows up to ``MAX_QUERIES``).
    neighbours : ndarray of shape (len(rows), N_NEIGHBOURS)
    """
    n = Z.shape[0]
    rows = np.arange(n)
    if n > MAX_QUERIES:
        rows = np.sort(np.random.RandomState(seed).choice(n, MAX_QUERIES, replace=False))
    neighbours, _ = nearest_neighbours(Z, N_NEIGHBOURS, rows)
    outlier = np.zeros(n, dtype=bool)
    if neighbours.shape[1]:
        outlier[rows] = neighbour_agreement(neighbours, labels, rows) == 0.0
    outlier |= (labels >= 0) & (centre_similarity(Z, labels) <= OUTLIER_COSINE)
    return outlier, rows, neighbours


def merge_duplicates(X: np.ndarray, labels: np.ndarray, names: Callable[[np.ndarray], dict[int, list[str]]]
                     ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Merge near-duplicate themes until none is left (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The vectors themes were found in.
    labels : ndarray of shape (n,)
        Theme per row, −1 for unthemed (left as it is).
    names : callable
        labels -> {theme: keywords, best first}; called again after each merge.

    Returns
    -------
    labels : ndarray
        Merged labels (the larger theme's id survives; ids are not renumbered).
    merged : list of (kept, absorbed)
    """
    labels = labels.copy()
    merged: list[tuple[int, int]] = []
    while True:
        ids = [int(c) for c in np.unique(labels) if c >= 0]
        if len(ids) < 2:
            return labels, merged
        keywords = names(labels)
        centres = np.stack([_unit(X[labels == c].mean(axis=0)) for c in ids])
        cos = centres @ centres.T
        pair = None
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                a, b = keywords.get(ids[i], [])[:3], keywords.get(ids[j], [])[:3]
                same_name = len(a) == 3 and set(a) == set(b)
                if same_name or cos[i, j] >= MERGE_COSINE:
                    pair = (ids[i], ids[j])
                    break
            if pair:
                break
        if pair is None:
            return labels, merged
        a, b = pair
        keep, absorb = (a, b) if (labels == a).sum() >= (labels == b).sum() else (b, a)
        labels[labels == absorb] = keep
        merged.append((keep, absorb))
