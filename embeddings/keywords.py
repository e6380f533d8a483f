"""Cluster keywords by class-based TF-IDF (c-TF-IDF), with jieba segmentation for CJK text.

For class c and term t (counts taken over all documents of the class):

    tf(t, c)   = count(t, c) / Σ_t' count(t', c)          (L1-normalised per class)
    idf(t)     = log(1 + A / f(t))                        A = mean number of terms per class,
                                                          f(t) = count of t over all classes
    weight     = tf(t, c) · idf(t)

Terms that occur in a class only once are not offered as its keywords when the class has
terms that occur more often (a single mention is not what a group talks about). Review filler
(`embeddings.stopwords_zh.FILLER`: 不错, 京东, 这次 ...) is offered only when the share of the class's
texts that use it is at least ``FILLER_LIFT`` times the share of all texts that do — when it is
what the theme is about (document shares: a class of short reviews does not lift 不错 by brevity).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np

from embeddings.stopwords_zh import FILLER, FUNCTION_WORDS

_WORD = re.compile(r"[a-z][a-z0-9'+\-]*[a-z0-9+]|[a-z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_SPLIT = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+)")


def _words(text: str) -> list[str]:
    return text.split()


EXTRA_STOPWORDS = frozenset(_words("""
app apps im ive dont doesnt didnt cant wont isnt its it's i'm i've don't doesn't didn't can't won't isn't
just really like get got use using used also would could one make lot thing things still even way much
please thanks thank ok okay yes oh us let lets let's want need time good great bad
add added adding did does tasks task list lists idea ideas feature features option options
able feel maybe sure try tried new day days week weeks"""))

CJK_STOPWORDS = frozenset(_words("""
的 了 是 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 就 都 也 还 很 太 非常 在 有 没有 没 和 与 及 或
不 不是 一个 一下 一些 什么 怎么 因为 所以 但是 但 而且 如果 可以 就是 还是 已经 真的 觉得 感觉 东西 时候
自己 这样 那样 比较 而 被 把 给 让 对 吗 吧 呢 啊 哦 嗯 呀 么 之 其 又 再 才 只 会 能 要 想 说 看 做 去 来 到
上 下 里 中 个 等 着 过 得 地 好 很多 一点 有点 可能 应该 需要 一直 其实 然后 现在 以后 以前 不过
希望 增加 功能
""")) | FUNCTION_WORDS
FILLER_LIFT = 2.0


@cache
def english_stopwords() -> frozenset[str]:
    """scikit-learn's English stop words plus words that carry no topic in product feedback."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | EXTRA_STOPWORDS


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """Lower-cased content words: Latin words by regex, CJK runs segmented by jieba.

    Stop words, numbers, one-letter Latin words and one-character CJK words are dropped.
    """
    stop = english_stopwords()
    out: list[str] = []
    for part in _SPLIT.split(str(text).lower()):
        if not part:
            continue
        if _CJK.fullmatch(part):
            out.extend(w for w in _jieba().lcut(part) if len(w) >= 2 and w not in CJK_STOPWORDS)
        else:
            out.extend(w for w in _WORD.findall(part) if len(w) >= 2 and w not in stop)
    return out


def ctfidf(class_docs: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """c-TF-IDF weights of every term in every class.

    Parameters
    ----------
    class_docs : sequence of sequence of str
        For each class, the tokens of all its documents concatenated.

    Returns
    -------
    terms : list of str
        The vocabulary (sorted).
    weights : ndarray of shape (n_classes, n_terms)
        tf(t, c) · log(1 + A / f(t)) as defined in the module docstring.
    counts : ndarray of shape (n_classes, n_terms)
        Raw term counts per class.
    """
    counters = [Counter(tokens) for tokens in class_docs]
    terms = sorted(set().union(*counters)) if counters else []
    index = {t: j for j, t in enumerate(terms)}
    counts = np.zeros((len(counters), len(terms)), dtype=np.float64)
    for i, counter in enumerate(counters):
        for term, n in counter.items():
            counts[i, index[term]] = n
    if not terms:
        return terms, counts, counts
    totals = counts.sum(axis=1, keepdims=True)
    tf = counts / np.where(totals > 0, totals, 1.0)
    avg = totals.mean()
    freq = counts.sum(axis=0)
    idf = np.log(1.0 + avg / freq)
    return terms, tf * idf[None, :], counts


def _lift(doc_freq: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Share of each class's texts using a term over the share of all texts using it (0 where unused)."""
    if doc_freq.size == 0:
        return doc_freq
    class_share = doc_freq / np.maximum(sizes, 1.0)
    corpus_share = doc_freq.sum(axis=0) / max(sizes.sum(), 1.0)
    return class_share / np.where(corpus_share > 0, corpus_share, 1.0)


def top_keywords(texts: Sequence[str], labels: Sequence[int], *, n: int = 8) -> dict[int, list[str]]:
    """The `n` highest c-TF-IDF terms of each label, given one text per element of `labels`.

    Parameters
    ----------
    texts : sequence of str
        Documents (feedback texts).
    labels : sequence of int
        Cluster of each document.
    n : int
        Keywords per cluster.

    Returns
    -------
    dict
        label -> keywords, best first (ties by term); an empty list for a label without words.
    """
    labels = [int(x) for x in labels]
    classes = sorted(set(labels))
    pos = {c: i for i, c in enumerate(classes)}
    docs: list[list[str]] = [[] for _ in classes]
    filler_docs: list[set[str]] = []
    for text, label in zip(texts, labels, strict=True):
        tokens = tokenize(text)
        docs[pos[label]].extend(tokens)
        filler_docs.append({t for t in tokens if t in FILLER})
    terms, weights, counts = ctfidf(docs)
    filler = np.array([t in FILLER for t in terms], dtype=bool)
    doc_freq = np.zeros((len(classes), len(terms)))
    column = {t: j for j, t in enumerate(terms)}
    for found, label in zip(filler_docs, labels, strict=True):
        for t in found:
            doc_freq[pos[label], column[t]] += 1
    sizes = np.bincount([pos[v] for v in labels], minlength=len(classes)).astype(float)[:, None]
    lift = _lift(doc_freq, sizes)
    out: dict[int, list[str]] = {}
    for c in classes:
        i = pos[c]
        if not terms:
            out[c] = []
            continue
        w = weights[i].copy()
        if (counts[i] >= 2).any():
            w[counts[i] < 2] = 0.0
        w[filler & (lift[i] < FILLER_LIFT)] = 0.0
        order = sorted(np.flatnonzero(w > 0), key=lambda j: (-w[j], terms[j]))
        out[c] = [terms[j] for j in order[:n]]
    return out
