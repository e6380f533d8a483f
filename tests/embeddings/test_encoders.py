"""The encoders package: language tags, run routing (DESIGN §7), and the torch port of USE."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.cache import embed_texts
from embeddings.encoders import (
    BUNDLED_MODEL, MULTILINGUAL_MODEL, MultilingualEncoder, SentenceTransformerEncoder, TfidfSvdEncoder,
    choose_route, default_encoder, l2_normalise, text_language,
)
from tests.conftest import needs_shared

EN = ["The app crashes when I export a report", "Please add a dark mode to the editor",
      "I love how fast the sync is now", "Why is my account locked after the update?"]
ZH = ["物流太慢了，快递三天才到", "屏幕显示清晰，电池耐用", "客服态度很好，退货方便", "价格便宜，质量一般"]


@pytest.mark.parametrize(("text", "tag"), [
    ("The app crashes when I export", "en"),
    ("La aplicación se cierra cuando exporto el informe", "latin"),
    ("Die App stürzt beim Export ab und ist sehr langsam", "latin"),
    ("物流太慢了", "zh"),
    ("アプリがすぐに落ちる", "ja"),
    ("앱이 자꾸 꺼져요", "ko"),
    ("Приложение не работает", "ru"),
    ("التطبيق لا يعمل", "ar"),
    ("ऐप काम नहीं करता", "other"),
    ("🙂🙂👍", "none"),
    ("", "none"),
    ("12345 !!!", "none"),
    ("ok", "unknown"),
    ("京东 app 很好用", "zh"),  # Chinese with a Latin word: the Han letters dominate
])
def test_text_language_tags(text, tag):
    assert text_language(text) == tag


def test_english_run_keeps_minilm():
    route = choose_route(EN * 5)
    assert route.kind == "english" and route.note is None


def test_a_few_foreign_texts_stay_with_the_english_model_with_a_note():
    texts = EN * 10 + ZH[:1]  # 1 of 41 voting texts (2.4 %) is Chinese: not yet a mixed run
    route = choose_route(texts)
    assert route.kind == "english"
    assert "1 of 41" in route.note


def test_mixed_run_uses_the_multilingual_model_for_everything():
    route = choose_route(EN * 2 + ZH * 2)
    assert route.kind == "multilingual" and "mix of languages" in route.note
    assert route.languages == {"en": 8, "zh": 8}


def test_other_languages_use_the_multilingual_model():
    assert choose_route(ZH * 3).kind == "multilingual"
    assert choose_route(["La aplicación se cierra cuando exporto el informe"] * 3).kind == "multilingual"


def test_texts_without_letters_do_not_vote():
    assert choose_route(["🙂", "", "ok", "👍👍"]).kind == "english"
    assert choose_route(ZH + ["🙂"] * 20).kind == "multilingual"


def test_tfidf_only_when_neither_model_applies():
    hindi = ["ऐप काम नहीं करता", "बहुत धीमा है", "नया फीचर चाहिए"]
    assert choose_route(hindi).kind == "tfidf"
    route = choose_route(ZH, multilingual=False)
    assert route.kind == "tfidf" and "not installed" in route.note


def test_configured_model_wins(monkeypatch):
    assert choose_route(ZH, configured="/models/x").kind == "configured"
    monkeypatch.setenv("USERLENS_MODEL", "/some/model")
    enc = default_encoder(ZH)
    assert isinstance(enc, SentenceTransformerEncoder) and enc.name == "/some/model"


def test_default_encoder_classes(monkeypatch):
    monkeypatch.delenv("USERLENS_MODEL", raising=False)
    english = default_encoder(EN)
    assert isinstance(english, SentenceTransformerEncoder) and english.name == BUNDLED_MODEL
    chinese = default_encoder(ZH)
    assert isinstance(chinese, MultilingualEncoder) and chinese.name == MULTILINGUAL_MODEL
    assert chinese.dim == 512
    fallback = default_encoder(["ऐप काम नहीं करता", "बहुत धीमा है", "नया फीचर चाहिए"])
    assert isinstance(fallback, TfidfSvdEncoder) and "TF-IDF" in fallback.note


def test_l2_normalise_keeps_zero_rows():
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32


def test_multilingual_torch_port_matches_numpy():
    texts = ZH + EN + ["", "🙂", "La aplicación se cierra", "x " * 300]
    ref = MultilingualEncoder(backend="numpy").encode(texts)
    port = MultilingualEncoder(backend="torch", device="cpu").encode(texts)
    assert ref.shape == port.shape == (len(texts), 512)
    np.testing.assert_allclose(np.linalg.norm(port, axis=1), 1.0, rtol=1e-5)
    assert (ref * port).sum(1).min() >= 0.999


def test_torch_port_keeps_sentences_apart():
    """A text's vector does not depend on its batch neighbours (n-gram windows stop at its edges)."""
    enc = MultilingualEncoder(backend="torch", device="cpu")
    together = enc.encode(ZH)
    alone = np.concatenate([enc.encode([t]) for t in ZH])
    assert (together * alone).sum(1).min() >= 0.9999


def test_multilingual_vectors_are_cross_lingual_and_cached(ws):
    enc = MultilingualEncoder()
    vecs = enc.encode(["快递太慢了", "The delivery is too slow", "屏幕很清晰"])
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]  # same meaning across languages is closer
    import torch

    if not torch.cuda.is_available():
        assert enc.active_backend == "numpy"  # on CPU the package's numpy pass (measured faster)
    calls = []
    real = enc.encode
    enc.encode = lambda texts, progress=None: calls.append(len(texts)) or real(texts, progress=progress)
    embed_texts(ws, ZH, enc)
    embed_texts(ws, ZH, enc)
    assert calls == [4]  # the second run embeds nothing new
    assert ws.con.execute("SELECT DISTINCT model FROM embedding_cache").fetchall() == [(MULTILINGUAL_MODEL,)]


@pytest.mark.slow
def test_torch_port_matches_numpy_on_real_reviews():
    import polars as pl

    path = needs_shared("cn-online-shopping-10cats/online_shopping_10_cats.csv")
    texts = pl.read_csv(path)["review"].cast(pl.Utf8).fill_null("").sample(500, seed=3).to_list()
    ref = MultilingualEncoder(backend="numpy").encode(texts)
    port = MultilingualEncoder(backend="torch", device="cpu").encode(texts)
    assert (ref * port).sum(1).min() >= 0.999


@pytest.mark.gpu
@pytest.mark.slow
def test_torch_port_on_cuda_matches_numpy():
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    texts = ZH + EN
    gpu = MultilingualEncoder(device="cuda")  # auto backend: torch on cuda
    vecs = gpu.encode(texts)
    assert gpu.active_backend == "torch" and gpu.device.startswith("cuda")
    ref = MultilingualEncoder(backend="numpy").encode(texts)
    assert (vecs * ref).sum(1).min() >= 0.999
