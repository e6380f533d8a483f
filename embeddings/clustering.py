"""Assigning users to personas: two stages when enough users wrote feedback, else one.

Most users of a product never write feedback, and what people write separates personas far
better than counts of clicks do. So, when at least `MIN_TEXT_USERS` users have text:

1. *Stage one* clusters the users with text by k-means on ``[sqrt(w)·text_space,
   sqrt(1 − w)·behaviour]`` (w = text weight); k is chosen there when not given.
2. *Stage two* trains a multinomial logistic regression from the behaviour profile
   (event composition, volume, uploaded attributes; `UserFeatures.profile`) to the stage-one
   personas, and assigns every user without text to the persona their behaviour resembles.

With fewer users with text (or none), all users are clustered in one stage on the same
combined space, where users without text sit at the neutral text origin.
The returned ``space`` (the combined space for every user) is what the 2D map uses.

Every user also gets a *certainty* in [0, 1] that suits the stage that placed them:

* clustered users (stage one, or everyone in one stage): the centroid margin
  ``max(0, (b − a) / max(a, b))`` in the space they were clustered in, with a = distance to
  their own persona's centroid and b = distance to the nearest other centroid (1 = on their own
  centroid, 0 = halfway or nearer another persona); `centroid_margins`;
* assigned users (stage two): the classifier's predicted probability of the persona it chose.

With a single persona there is nothing to tell apart and every certainty is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from embeddings.features import UserFeatures, text_space
from embeddings.kmeans import KMeans
from embeddings.select_k import choose_k

MIN_TEXT_USERS = 50
MIN_CLUSTER_SHARE = 0.03


@dataclass
class Assignment:
    """Labels of every user and how they were obtained."""

    labels: np.ndarray  # (n,) cluster ids 0..k-1 (not yet ordered by size)
    space: np.ndarray  # (n, d) combined space for silhouettes and the map
    k: int
    k_scores: pl.DataFrame | None
    method: str  # "two-stage" or "one-stage"
    certainty: np.ndarray  # (n,) in [0, 1]: centroid margin (clustered) or class probability (assigned)
    clustered: np.ndarray  # (n,) bool: True where k-means placed the user, False where the classifier did


def combined_space(features: UserFeatures, text_weight: float, *, seed: int = 0) -> np.ndarray:
    """``[sqrt(w)·text_space, sqrt(1 − w)·behaviour]`` for every user; w in [0, 1].

    Parameters
    ----------
    features : UserFeatures
    text_weight : float
        Weight w of the text block in squared distances.
    seed : int
        PCA seed of `text_space`.

    Returns
    -------
    ndarray of shape (n, d), float32
    """
    w = float(text_weight)
    if not 0.0 <= w <= 1.0:
        raise UserLensError(f"The text weight must be between 0 and 1 (got {w}): use e.g. --text-weight 0.8.")
    text = text_space(features.text, features.has_text, seed=seed)
    out = np.concatenate([np.sqrt(w) * text, np.sqrt(1.0 - w) * features.behaviour], axis=1)
    return out.astype(np.float32)


def _fit(X: np.ndarray, k: int | None, k_range: range, seed: int
         ) -> tuple[np.ndarray, int, pl.DataFrame | None]:
    scores = None
    if k is None:
        k, scores = choose_k(X, range(k_range.start, min(k_range.stop, X.shape[0])), seed=seed,
                             min_share=MIN_CLUSTER_SHARE, prefer_small=True)
        k = max(k, 1)
    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(X).labels_
    return labels, k, scores


def centroid_margins(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """How clearly each point is nearer its own cluster's centroid than the next one, in [0, 1].

    ``max(0, (b − a) / max(a, b))`` with a = distance to the mean of its own cluster and b = the
    distance to the nearest other cluster mean (the centroid form of the silhouette, clipped at 0).
    A point on its own centroid scores 1, a point halfway between two centroids (or nearer the
    other one) 0; with a single cluster every point scores 0.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The space the points were clustered in.
    labels : ndarray of shape (n,)
        Their cluster labels.

    Returns
    -------
    ndarray of shape (n,), float64
    """
    X = np.asarray(X, dtype=np.float64)
    ids, inverse = np.unique(np.asarray(labels), return_inverse=True)
    if len(ids) < 2:
        return np.zeros(X.shape[0])
    centroids = np.stack([X[inverse == j].mean(0) for j in range(len(ids))])
    dist = np.stack([np.sqrt(((X - c) ** 2).sum(1)) for c in centroids], axis=1)  # (n, k)
    rows = np.arange(X.shape[0])
    a = dist[rows, inverse]
    dist[rows, inverse] = np.inf
    b = dist.min(1)
    top = np.maximum(a, b)
    margin = np.where(top > 0, (b - a) / np.where(top > 0, top, 1.0), 0.0)
    return np.clip(margin, 0.0, 1.0)


def classify_by_behaviour(profile: np.ndarray, train: np.ndarray, train_labels: np.ndarray,
                          *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and their predicted probability for the rows of `profile` not in `train`.

    A multinomial logistic regression is fitted on the `train` rows. Without behaviour columns
    every other row gets the majority label with its training share as probability; with one
    class only the probability is 0 (nothing is told apart, see the module docstring).

    Parameters
    ----------
    profile : ndarray of shape (n, p)
        Behaviour profile of every user.
    train : ndarray of bool, shape (n,)
        Rows whose label is known.
    train_labels : ndarray of shape (train.sum(),)
        Their labels.
    seed : int
        Solver seed.

    Returns
    -------
    labels : ndarray of shape (n,)
        `train_labels` on the training rows, predictions elsewhere.
    probability : ndarray of shape (n,)
        Predicted probability of the chosen label on the other rows; NaN on the training rows.
    """
    from sklearn.linear_model import LogisticRegression

    labels = np.empty(profile.shape[0], dtype=np.int64)
    proba = np.full(profile.shape[0], np.nan)
    labels[train] = train_labels
    rest = ~train
    if not rest.any():
        return labels, proba
    classes, counts = np.unique(train_labels, return_counts=True)
    if len(classes) < 2 or profile.shape[1] == 0:
        labels[rest] = classes[np.argmax(counts)]
        proba[rest] = counts.max() / counts.sum() if len(classes) > 1 else 0.0
        return labels, proba
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    clf.fit(profile[train], train_labels)
    p = clf.predict_proba(profile[rest])
    best = p.argmax(1)
    labels[rest] = clf.classes_[best]
    proba[rest] = p[np.arange(p.shape[0]), best]
    return labels, proba


def assign_users(features: UserFeatures, *, k: int | None, text_weight: float, seed: int = 0,
                 k_range: range = range(2, 11)) -> Assignment:
    """Cluster the users of `features` (two stages when enough have text, see the module docstring).

    Parameters
    ----------
    features : UserFeatures
    k : int or None
        Number of personas; None chooses it on the stage-one space.
    text_weight : float
        Weight of the text block in the combined space.
    seed : int
        Seed of k-means, k selection and the classifier.
    k_range : range
        Candidate k for automatic selection.

    Returns
    -------
    Assignment
    """
    X = combined_space(features, text_weight, seed=seed)
    has_text = features.has_text
    n_text = int(has_text.sum())
    two_stage = n_text >= MIN_TEXT_USERS and (k is None or k <= n_text) and n_text < X.shape[0]
    if not two_stage:
        labels, k, scores = _fit(X, k, k_range, seed)
        return Assignment(labels, X, k, scores, "one-stage", centroid_margins(X, labels),
                          np.ones(X.shape[0], dtype=bool))
    text_labels, k, scores = _fit(X[has_text], k, k_range, seed)
    labels, certainty = classify_by_behaviour(features.profile, has_text, text_labels, seed=seed)
    certainty[has_text] = centroid_margins(X[has_text], text_labels)
    return Assignment(labels, X, k, scores, "two-stage", certainty, has_text.copy())
