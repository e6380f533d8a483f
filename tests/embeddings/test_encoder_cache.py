"""Encoder choice, the TF-IDF fallback, the embedding cache, and (slow) the real bundled model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from embeddings.cache import embed_texts, text_hash
from embeddings.encoders import (
    BUNDLED_MODEL, MultilingualEncoder, SentenceTransformerEncoder, TfidfSvdEncoder, cjk_share,
    default_encoder, encoder_note,
)

CN = ["物流太慢了，快递三天才到", "屏幕显示清晰，电池耐用", "客服态度很好，退货方便", "价格便宜，质量一般"]


def test_cache_embeds_each_text_once(ws, fake_encoder):
    texts = ["slow export", "jira sync", "slow export", "csv please"]
    first = embed_texts(ws, texts, fake_encoder)
    assert fake_encoder.encoded == 3  # the duplicate is encoded once
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)
    calls = fake_encoder.calls
    again = embed_texts(ws, list(reversed(texts)), fake_encoder)
    assert fake_encoder.calls == calls  # nothing encoded on the second call
    np.testing.assert_allclose(again, first[::-1])
    more = embed_texts(ws, ["jira sync", "new text"], fake_encoder)
    assert fake_encoder.encoded == 4  # only "new text"
    np.testing.assert_allclose(more[0], first[1])
    rows = ws.con.execute("SELECT model, count(*) FROM embedding_cache GROUP BY model").fetchall()
    assert rows == [("fake-bow", 4)]
    key = ws.con.execute("SELECT count(*) FROM embedding_cache WHERE text_sha256 = ?",
                         [text_hash("jira sync")]).fetchone()[0]
    assert key == 1


def test_cache_is_per_model(ws, fake_encoder):
    from tests.helpers import FakeEncoder

    embed_texts(ws, ["a b"], fake_encoder)
    other = FakeEncoder(dim=32, name="other")
    vec = embed_texts(ws, ["a b"], other)
    assert other.encoded == 1 and vec.shape == (1, 32)
    assert embed_texts(ws, [], other).shape == (0, 32)


def test_progress_reports_done_and_total(ws, fake_encoder):
    seen = []
    embed_texts(ws, ["x", "y"], fake_encoder, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)


def test_cjk_share_and_default_encoder_choice(monkeypatch):
    monkeypatch.delenv("USERLENS_MODEL", raising=False)
    assert cjk_share(CN) == pytest.approx(1.0)
    assert cjk_share(["hello world"]) == 0.0
    assert cjk_share(["ab", "中文"]) == pytest.approx(0.5)
    english = default_encoder(["slow export", "great app"])
    assert isinstance(english, SentenceTransformerEncoder) and english.name == BUNDLED_MODEL
    assert encoder_note(english) is None
    chinese = default_encoder(CN * 3)  # DESIGN §7: other languages get the multilingual model
    assert isinstance(chinese, MultilingualEncoder)
    assert "multilingual" in encoder_note(chinese)
    monkeypatch.setenv("USERLENS_MODEL", "/some/multilingual-model")
    configured = default_encoder(CN)
    assert isinstance(configured, SentenceTransformerEncoder)
    assert configured.name == "/some/multilingual-model"


def test_tfidf_encoder_groups_similar_chinese_texts():
    corpus = CN + ["快递太慢，物流差", "电池不耐用，屏幕一般"]
    enc = TfidfSvdEncoder(corpus)
    vecs = enc.encode(corpus)
    assert vecs.shape == (6, enc.dim) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 4] > sims[0, 1]  # both about delivery vs delivery/screen
    assert sims[1, 5] > sims[1, 2]
    assert TfidfSvdEncoder(corpus).name == enc.name != TfidfSvdEncoder(corpus[:5]).name
    tiny = TfidfSvdEncoder(["一"])
    assert tiny.encode(["一", "二"]).shape == (2, tiny.dim)


@pytest.mark.slow
def test_real_model_encodes_offline(monkeypatch):
    monkeypatch.delenv("USERLENS_MODEL", raising=False)
    enc = default_encoder(["x"])
    vecs = enc.encode(["The export to CSV is broken.", "Exporting a CSV file fails.",
                       "I love the dark theme colours."])
    assert vecs.shape == (3, 384) and enc.dim == 384
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2
    assert enc._load().max_seq_length == 128  # the length the model was trained on


@pytest.mark.gpu
@pytest.mark.slow
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_real_model_fp16_on_cuda_matches_cpu():
    from embeddings.encoders import bundled_model_path

    texts = ["The export to CSV is broken.", "I love the dark theme colours."]
    gpu = SentenceTransformerEncoder(str(bundled_model_path()), device="cuda").encode(texts)
    cpu = SentenceTransformerEncoder(str(bundled_model_path()), device="cpu").encode(texts)
    assert (gpu * cpu).sum(1).min() > 0.99
