"""c-TF-IDF keywords (hand-computed), CJK tokenisation, and MMR quote diversity."""

from __future__ import annotations

import math

import numpy as np
import pytest

from embeddings.keywords import ctfidf, tokenize, top_keywords
from embeddings.quotes import mmr_quotes


def test_ctfidf_hand_computed_two_classes():
    terms, weights, counts = ctfidf([["apple", "apple", "banana"], ["banana", "cherry"]])
    assert terms == ["apple", "banana", "cherry"]
    np.testing.assert_array_equal(counts, [[2, 1, 0], [0, 1, 1]])
    # A = (3 + 2) / 2 = 2.5 words per class; f = apple 2, banana 2, cherry 1
    expected = [[2 / 3 * math.log(1 + 2.5 / 2), 1 / 3 * math.log(1 + 2.5 / 2), 0.0],
                [0.0, 1 / 2 * math.log(1 + 2.5 / 2), 1 / 2 * math.log(1 + 2.5 / 1)]]
    np.testing.assert_allclose(weights, expected)


def test_top_keywords_prefer_distinctive_words():
    texts = ["export csv file", "csv export broken", "export pdf please",
             "jira sync fails", "slack sync broken", "jira slack sync"]
    kws = top_keywords(texts, [0, 0, 0, 1, 1, 1], n=2)
    assert kws[0] == ["export", "csv"]
    assert kws[1] == ["sync", "jira"]


def test_tokenize_drops_stopwords_and_segments_chinese():
    assert tokenize("The App is REALLY slow when I export the CSV!") == ["slow", "export", "csv"]
    words = tokenize("物流速度太慢了，快递三天才到")
    assert "物流" in words and "快递" in words
    assert all(len(w) >= 2 for w in words) and "了" not in words


def test_chinese_keywords():
    texts = ["物流太慢了，快递三天才到", "快递很慢，物流信息不更新", "物流慢，快递员态度差",
             "屏幕显示清晰，屏幕很大", "屏幕色彩好，电池耐用", "电池续航不错，屏幕亮"]
    kws = top_keywords(texts, [0, 0, 0, 1, 1, 1], n=3)
    assert set(kws[0][:2]) == {"物流", "快递"}
    assert kws[1][0] == "屏幕" and "电池" in kws[1]


def test_mmr_quotes_are_central_and_diverse():
    centroid = np.array([1.0, 0.0, 0.0])
    vecs = np.array([[0.95, 0.31, 0.0], [0.94, 0.34, 0.0], [0.93, -0.37, 0.0], [0.0, 0.0, 1.0]],
                    dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    texts = ["a", "a-near-dup", "b", "off-topic"]
    assert mmr_quotes(vecs, texts, centroid, n=1) == [0]
    # plain closeness picks the near duplicate second; MMR's redundancy penalty picks "b" instead
    assert mmr_quotes(vecs, texts, centroid, n=2, diversity=0.0) == [0, 1]
    assert mmr_quotes(vecs, texts, centroid, n=2, diversity=0.5) == [0, 2]
    assert mmr_quotes(vecs, texts, centroid, n=3, diversity=0.5) == [0, 2, 3]


def test_mmr_skips_identical_texts():
    vecs = np.eye(3, dtype=np.float32)
    picked = mmr_quotes(vecs, ["same", "Same ", "other"], np.array([1.0, 1.0, 0.0]), n=3)
    assert len(picked) == 2 and {0, 1} & set(picked) and 2 in picked
    assert mmr_quotes(np.zeros((0, 3)), [], np.zeros(3)) == []


@pytest.mark.parametrize("text", ["", "   ", "the and of"])
def test_empty_texts_give_no_keywords(text):
    assert top_keywords([text, text], [0, 1]) == {0: [], 1: []}
