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
The returned ``space`` (the combined space for every user) is what silhouettes and the 2D map use.
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


def assign_by_behaviour(profile: np.ndarray, train: np.ndarray, train_labels: np.ndarray,
                        *, seed: int = 0) -> np.ndarray:
    """Labels for the rows of `profile` not in `train`, by a logistic regression fitted on `train`.

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
    ndarray of shape (n,)
        `train_labels` on the training rows, predictions elsewhere (the majority label when there
        is one class only or no behaviour column).
    """
    from sklearn.linear_model import LogisticRegression

    labels = np.empty(profile.shape[0], dtype=np.int64)
    labels[train] = train_labels
    rest = ~train
    if not rest.any():
        return labels
    classes, counts = np.unique(train_labels, return_counts=True)
    if len(classes) < 2 or profile.shape[1] == 0:
        labels[rest] = classes[np.argmax(counts)]
        return labels
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    clf.fit(profile[train], train_labels)
    labels[rest] = clf.predict(profile[rest])
    return labels


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
        return Assignment(labels, X, k, scores, "one-stage")
    text_labels, k, scores = _fit(X[has_text], k, k_range, seed)
    labels = assign_by_behaviour(features.profile, has_text, text_labels, seed=seed)
    return Assignment(labels, X, k, scores, "two-stage")
