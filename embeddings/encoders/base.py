"""The encoder protocol every backend follows, and the helpers all of them share.

Nothing here imports torch or a model: ``import embeddings.encoders`` stays cheap, so the CLI
starts fast. Backends load their model on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

Progress = Callable[[int, int], None]


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


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


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


def default_batch_size(device: str) -> int:
    """Encoding batch size per device: large on a GPU, moderate on CPU (cache-friendly)."""
    return {"cuda": 256, "mps": 128}.get(device.split(":")[0], 32)


def encoder_note(encoder: Encoder) -> str | None:
    """The encoder's note for the UI (None when there is nothing to say)."""
    return getattr(encoder, "note", None)
