"""Intent classifiers learned from a few labels on the sentence embeddings, and their held-out score.

``self-training`` (the default): a logistic regression (balanced class weights) fitted on the
labelled items, then refitted with the unlabelled feedback it labels with probability ≥
``SELF_TRAINING_THRESHOLD`` (scikit-learn's `SelfTrainingClassifier`): the team's whole feedback,
not only its labels, shapes the boundary. ``logistic``: the plain logistic regression.
bench/voice.py measures both against SetFit (the `setfit` package fine-tuning MiniLM
contrastively) on 10 / 50 / 200 labels per class; the choice of default comes from there.

The held-out score is the macro-F1 on a stratified ``HOLDOUT`` share of the labels, with the
classifier trained on the rest (and on the unlabelled pool); the intents themselves then come from
a classifier trained on every label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SELF_TRAINING_THRESHOLD = 0.7
HOLDOUT = 0.25
MIN_PER_CLASS_FOR_SCORE = 4
METHODS = ("self-training", "logistic")


@dataclass
class Head:
    """A fitted classifier over embeddings: ``classes`` and ``predict_proba(X)``."""

    classes: list[str]
    model: Any

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities (len(X), len(classes)) in `classes` order."""
        return self.model.predict_proba(X)


def fit_head(X: np.ndarray, y: list[str], *, pool: np.ndarray | None = None, method: str = "self-training",
             seed: int = 0) -> Head:
    """Fit an intent classifier on labelled embeddings (and, for self-training, an unlabelled pool).

    Parameters
    ----------
    X : ndarray of shape (m, d)
        Embeddings of the labelled items.
    y : list of str
        Their labels (at least two distinct).
    pool : ndarray of shape (p, d), optional
        Embeddings of unlabelled items (self-training only).
    method : {'self-training', 'logistic'}
    seed : int
        Solver seed.

    Returns
    -------
    Head
    """
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(y))
    index = {c: i for i, c in enumerate(classes)}
    target = np.array([index[v] for v in y], dtype=np.int64)
    base = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced", random_state=seed)
    if method == "self-training" and pool is not None and len(pool):
        from sklearn.semi_supervised import SelfTrainingClassifier

        model = SelfTrainingClassifier(base, threshold=SELF_TRAINING_THRESHOLD, max_iter=10)
        model.fit(np.concatenate([X, pool]), np.concatenate([target, np.full(len(pool), -1)]))
    else:
        model = base.fit(X, target)
    return Head(classes, model)


def stratified_holdout(y: list[str], *, share: float = HOLDOUT, seed: int = 0) -> np.ndarray:
    """Boolean mask of the held-out labels: round(share · count) of each class, at least one."""
    rng = np.random.RandomState(seed)
    labels = np.asarray(y, dtype=object)
    test = np.zeros(len(labels), dtype=bool)
    for c in sorted(set(y)):
        rows = np.flatnonzero(labels == c)
        take = max(1, int(round(share * rows.size)))
        test[rng.permutation(rows)[:take]] = True
    return test


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Macro-averaged F1 over the classes present in `truth`."""
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0))


def heldout_score(X: np.ndarray, y: list[str], *, pool: np.ndarray | None = None,
                  method: str = "self-training", seed: int = 0) -> dict[str, Any] | None:
    """Macro-F1 on a stratified held-out share of the labels; None when a class has < 4 labels.

    Returns
    -------
    dict or None
        {"macro_f1", "n_train", "n_test", "method", "note"}.
    """
    counts = {c: y.count(c) for c in set(y)}
    if len(counts) < 2 or min(counts.values()) < MIN_PER_CLASS_FOR_SCORE:
        return None
    test = stratified_holdout(y, seed=seed)
    train_rows, test_rows = np.flatnonzero(~test), np.flatnonzero(test)
    head = fit_head(X[train_rows], [y[i] for i in train_rows], pool=pool, method=method, seed=seed)
    predicted = [head.classes[j] for j in head.predict_proba(X[test_rows]).argmax(axis=1)]
    return {"macro_f1": macro_f1([y[i] for i in test_rows], predicted), "n_train": int(train_rows.size),
            "n_test": int(test_rows.size), "method": method,
            "note": f"macro-F1 on {test_rows.size} held-out labels ({HOLDOUT:.0%} of each intent), "
                    f"trained on the other {train_rows.size}"}
