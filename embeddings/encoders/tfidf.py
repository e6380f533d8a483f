"""Character n-gram TF-IDF + truncated SVD: the last-resort encoder when no model fits the texts.

Character n-grams need no word segmentation, so any script gets a usable (if shallow) vector
space without a model: the selector uses it only when neither the English nor the multilingual
model covers the texts. The space is fitted on a corpus, so the encoder's ``name`` carries a
fingerprint of that corpus: cached vectors are reused only for the same fitted space.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.encoders.base import Progress, l2_normalise


class TfidfSvdEncoder:
    """Encode texts as L2-normalised SVD components of their character n-gram TF-IDF.

    Parameters
    ----------
    corpus : sequence of str
        Texts the vocabulary, IDF weights and SVD basis are fitted on (usually all feedback).
    n_components : int
        Target width; smaller when the corpus has too few texts or n-grams.
    ngram_range : tuple of int
        Character n-gram lengths (``char_wb`` analyser).
    seed : int
        Random state of the randomised SVD (the same corpus and seed give the same space).
    """

    def __init__(self, corpus: Sequence[str], *, n_components: int = 256,
                 ngram_range: tuple[int, int] = (1, 3), seed: int = 0) -> None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [str(t) for t in corpus] or [""]
        digest = hashlib.sha256()
        for t in texts:
            digest.update(t.encode("utf-8"))
            digest.update(b"\x00")
        self.name = f"tfidf-char{ngram_range[0]}{ngram_range[1]}-svd{n_components}-{digest.hexdigest()[:16]}"
        self.note: str | None = None
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True,
                                           lowercase=True, max_features=100_000, dtype=np.float32)
        try:
            tfidf = self._vectorizer.fit_transform(texts)
        except ValueError:  # empty vocabulary: only blank texts
            self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 1), token_pattern=None,
                                               dtype=np.float32)
            tfidf = self._vectorizer.fit_transform([" x"])
        width = min(n_components, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
        self._svd = None
        if width >= 2:
            self._svd = TruncatedSVD(n_components=width, algorithm="randomized", random_state=seed)
            self._svd.fit(tfidf)
            self.dim = width
        else:  # tiny corpus: the TF-IDF space itself is small enough
            self.dim = tfidf.shape[1]

    def encode(self, texts: list[str], *, progress: Progress | None = None) -> np.ndarray:
        """Project texts into the fitted space, in chunks of 4,096 with progress."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        step = 4096
        for start in range(0, n, step):
            tfidf = self._vectorizer.transform(texts[start:start + step])
            part = self._svd.transform(tfidf) if self._svd is not None else tfidf.toarray()
            out[start:start + step] = part
            if progress is not None:
                progress(min(start + step, n), n)
        return l2_normalise(out)
