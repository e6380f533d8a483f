"""Sentiment of feedback items: negative, neutral or positive, with the rating as a signal.

An item with a rating takes its sentiment from it. The scale is read from the data: when no
rating exceeds 5 it is a 1–5 star scale (1–2 negative, 3 neutral, 4–5 positive); otherwise 0–10
(0–4 negative, 5–6 neutral, 7–10 positive). ``score_0_10`` (NPS answers) counts on the 0–10 scale
where an item has no rating.

Items without either get their sentiment from the text: when at least ``MIN_RATED`` items with
text are rated and they span two sentiments, a logistic regression learns the sentiment their
ratings give from their embeddings (the team's own ratings teach it their product's words);
otherwise the text is compared with one prototype sentence per sentiment (zero-shot, softmax of
cosine / ``TEMPERATURE``). The multilingual encoder reads the English prototypes in any language.
"""

from __future__ import annotations

import numpy as np

SENTIMENTS = ("negative", "neutral", "positive")
MIN_RATED = 30
TEMPERATURE = 0.05
PROTOTYPES = {
    "negative": "This is terrible. I am disappointed and angry, it is broken and a waste of money.",
    "neutral": "It is okay. Nothing special, average, it does what it says.",
    "positive": "This is great! I love it, excellent quality, very happy and satisfied.",
}


def rating_scale_max(ratings: np.ndarray) -> float:
    """5 when no rating exceeds 5, else 10 (see the module docstring)."""
    values = ratings[~np.isnan(ratings)]
    return 5.0 if values.size == 0 or values.max() <= 5 else 10.0


def sentiment_from_rating(rating: float, scale_max: float) -> str | None:
    """The sentiment a rating gives on its scale; None for a missing rating."""
    if rating is None or np.isnan(rating):
        return None
    if scale_max <= 5:
        return "negative" if rating <= 2 else "neutral" if rating < 4 else "positive"
    return "negative" if rating <= 4 else "neutral" if rating < 7 else "positive"


def softmax(scores: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """Row-wise softmax of scores / temperature."""
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def assign_sentiment(X: np.ndarray, ratings: np.ndarray, scores: np.ndarray, prototypes: np.ndarray,
                     *, seed: int = 0) -> tuple[list[str], list[str]]:
    """Sentiment and its source ('rating', 'score', 'learned from ratings' or 'text') per item.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Embeddings of the items (zero rows for items without words).
    ratings, scores : ndarray of shape (n,)
        ``rating`` and ``score_0_10`` with NaN where missing.
    prototypes : ndarray of shape (3, d)
        Embeddings of `PROTOTYPES` in `SENTIMENTS` order, same encoder as X.
    seed : int
        Solver seed of the logistic regression.

    Returns
    -------
    sentiments, sources : list of str
    """
    n = X.shape[0]
    scale = rating_scale_max(ratings)
    from_rating = [sentiment_from_rating(r, scale) for r in ratings]
    from_score = [sentiment_from_rating(s, 10.0) for s in scores]
    known = [r or s for r, s in zip(from_rating, from_score, strict=True)]
    has_words = np.linalg.norm(X, axis=1) > 0 if n else np.zeros(0, dtype=bool)
    train = np.array([k is not None for k in known]) & has_words
    rest = np.array([k is None for k in known]) & has_words
    text = np.full(n, "neutral", dtype=object)
    source = "text"
    if rest.any():
        train_labels = np.array([known[i] for i in np.flatnonzero(train)], dtype=object)
        if train.sum() >= MIN_RATED and len(set(train_labels)) >= 2:
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed)
            clf.fit(X[train], train_labels)
            text[rest] = clf.predict(X[rest])
            source = "learned from ratings"
        else:
            text[rest] = np.array(SENTIMENTS, dtype=object)[softmax(X[rest] @ prototypes.T).argmax(axis=1)]
    sentiments, sources = [], []
    for i in range(n):
        if from_rating[i] is not None:
            sentiments.append(from_rating[i]), sources.append("rating")
        elif from_score[i] is not None:
            sentiments.append(from_score[i]), sources.append("score")
        elif has_words[i]:
            sentiments.append(str(text[i])), sources.append(source)
        else:
            sentiments.append("neutral"), sources.append("no words")
    return sentiments, sources
