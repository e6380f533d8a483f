"""The embedding cache: every distinct text is embedded once per model, in the workspace.

Rows of ``embedding_cache`` are keyed by (model, sha256(text)). Reads and writes are bulk:
a frame of hashes is joined against the table and new vectors are inserted from one frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import polars as pl

from analytics.workspace import Workspace
from embeddings.encoders.base import Encoder, Progress, l2_normalise


def text_hash(text: str) -> str:
    """sha256 hex digest of the UTF-8 text (the cache key together with the model name)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vectors_of(frame: pl.DataFrame, dim: int) -> np.ndarray:
    if frame.height == 0:
        return np.zeros((0, dim), dtype=np.float32)
    return frame["vector"].list.to_array(dim).to_numpy().astype(np.float32, copy=False)


def cached_vectors(ws: Workspace, model: str, hashes: Sequence[str]) -> pl.DataFrame:
    """Cached (text_sha256, vector) rows of `model` for the given hashes (one joined query)."""
    keys = pl.DataFrame({"text_sha256": list(hashes)}, schema={"text_sha256": pl.Utf8})
    con = ws.con
    con.register("_wanted_hashes", keys)
    try:
        return con.sql(
            "SELECT c.text_sha256, c.vector FROM embedding_cache c "
            "JOIN (SELECT DISTINCT text_sha256 FROM _wanted_hashes) w USING (text_sha256) "
            "WHERE c.model = $model", params={"model": model}).pl()
    finally:
        con.unregister("_wanted_hashes")


def store_vectors(ws: Workspace, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
    """Insert new vectors of `model` in one statement (existing keys are left as they are)."""
    if len(hashes) == 0:
        return
    frame = pl.DataFrame({"text_sha256": list(hashes),
                          "vector": np.ascontiguousarray(vectors, dtype=np.float32)})
    with ws.write("embedding_cache") as cur:
        cur.register("_new_vectors", frame)
        try:
            cur.execute(
                "INSERT OR IGNORE INTO embedding_cache (model, text_sha256, vector) "
                "SELECT $model, text_sha256, vector::FLOAT[] FROM _new_vectors", {"model": model})
        finally:
            cur.unregister("_new_vectors")


def embed_texts(ws: Workspace, texts: Sequence[str], encoder: Encoder,
                progress: Progress | None = None) -> np.ndarray:
    """Embed texts through the workspace cache.

    Parameters
    ----------
    ws : Workspace
        Workspace whose ``embedding_cache`` table is read and extended.
    texts : sequence of str
        Texts in any order, duplicates allowed.
    encoder : Encoder
        The model; only distinct texts missing from the cache for ``encoder.name`` are encoded.
    progress : callable, optional
        ``progress(done, total)`` while encoding the missing texts.

    Returns
    -------
    numpy.ndarray
        float32 array (len(texts), encoder.dim), L2-normalised, row i for texts[i].
    """
    texts = [str(t) for t in texts]
    hashes = [text_hash(t) for t in texts]
    unique: dict[str, int] = {}
    for i, h in enumerate(hashes):
        unique.setdefault(h, i)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    found = cached_vectors(ws, encoder.name, list(unique))
    by_hash: dict[str, int] = {}
    parts: list[np.ndarray] = []
    if found.height:
        found_vecs = _vectors_of(found, len(found["vector"][0]))
        by_hash = {h: i for i, h in enumerate(found["text_sha256"].to_list())}
        parts.append(found_vecs)
    missing = [h for h in unique if h not in by_hash]
    if missing:
        new_vecs = l2_normalise(encoder.encode([texts[unique[h]] for h in missing], progress=progress))
        store_vectors(ws, encoder.name, missing, new_vecs)
        offset = found.height
        by_hash.update({h: offset + i for i, h in enumerate(missing)})
        parts.append(new_vecs)
    elif progress is not None:
        progress(len(unique), len(unique))
    table = np.concatenate(parts, axis=0)
    return table[np.fromiter((by_hash[h] for h in hashes), dtype=np.int64, count=len(hashes))]
