"""Per-user feature vectors for personas: a text block and a behaviour block.

Text block: the mean of the embeddings of a user's feedback, L2-normalised.
Behaviour block: log1p of the per-event counts (the most frequent events), each column
standardised over users, plus three activity features (log1p active days, log1p tenure days,
log1p events per active day), also standardised; then L2-normalised per user.
Combined: ``[sqrt(w)·text, sqrt(1 − w)·behaviour]`` with w = text weight, so each block
contributes its weight to squared distances. A user without feedback (or without events)
gets zeros in that block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from embeddings.cache import embed_texts
from embeddings.encoder import Encoder, Progress, default_encoder, l2_normalise

ACTIVITY_COLUMNS = ("active_days", "tenure_days", "events_per_day")


@dataclass
class UserFeatures:
    """Everything personas need about the users, aligned by row (``user_ids[i]``)."""

    user_ids: list[str]
    text: np.ndarray  # (n, d_text) L2-normalised mean feedback embedding, zeros without text
    behaviour: np.ndarray  # (n, d_beh) L2-normalised standardised profile, zeros without events
    has_text: np.ndarray  # bool (n,)
    has_behaviour: np.ndarray  # bool (n,)
    event_names: list[str]
    event_counts: np.ndarray  # (n, n_events) raw counts of the profiled events
    activity: pl.DataFrame  # user_id, n_events, active_days, tenure_days, retained_p1, retained_p4
    feedback: pl.DataFrame  # feedback of these users: feedback_id, user_id, text, rating, ... row
    feedback_vectors: np.ndarray  # (len(feedback), d_text)


def _standardise(x: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=0, keepdims=True)
    std = x.std(axis=0, keepdims=True)
    return (x - mean) / np.where(std > 0, std, 1.0)


def build_user_features(ws: Workspace, encoder: Encoder, *, max_events: int = 200,
                        progress: Progress | None = None) -> UserFeatures:
    """Read events and feedback from the workspace and build both feature blocks.

    Parameters
    ----------
    ws : Workspace
        The workspace to read.
    encoder : Encoder
        Text model (through the embedding cache).
    max_events : int
        Only the most frequent events form the count profile.
    progress : callable, optional
        ``progress(done, total)`` while embedding feedback.

    Returns
    -------
    UserFeatures
    """
    con = ws.con
    counts_long = run_sql(con, "persona_user_events", max_events=max_events)
    activity = run_sql(con, "persona_user_activity", tz=ws.timezone)
    feedback = run_sql(con, "feedback_for_clustering", tz=ws.timezone).filter(pl.col("user_id").is_not_null())

    user_ids = sorted(set(activity["user_id"].to_list()) | set(feedback["user_id"].to_list()))
    pos = {u: i for i, u in enumerate(user_ids)}
    n = len(user_ids)

    event_names = sorted(set(counts_long["event"].to_list()))
    epos = {e: j for j, e in enumerate(event_names)}
    event_counts = np.zeros((n, len(event_names)), dtype=np.float32)
    if counts_long.height:
        rows = np.fromiter((pos[u] for u in counts_long["user_id"].to_list()), np.int64, counts_long.height)
        cols = np.fromiter((epos[e] for e in counts_long["event"].to_list()), np.int64, counts_long.height)
        event_counts[rows, cols] = counts_long["n"].to_numpy()

    has_behaviour = np.zeros(n, dtype=bool)
    act = np.zeros((n, len(ACTIVITY_COLUMNS)), dtype=np.float32)
    if activity.height:
        arow = np.fromiter((pos[u] for u in activity["user_id"].to_list()), np.int64, activity.height)
        has_behaviour[arow] = True
        days = activity["active_days"].to_numpy().astype(np.float32)
        act[arow, 0] = np.log1p(days)
        act[arow, 1] = np.log1p(activity["tenure_days"].to_numpy().astype(np.float32))
        act[arow, 2] = np.log1p(activity["n_events"].to_numpy() / np.maximum(days, 1.0))
    behaviour = np.zeros((n, len(event_names) + act.shape[1]), dtype=np.float32)
    if has_behaviour.any():
        raw = np.concatenate([np.log1p(event_counts), act], axis=1)[has_behaviour]
        behaviour[has_behaviour] = l2_normalise(_standardise(raw))

    vectors = embed_texts(ws, feedback["text"].to_list(), encoder, progress=progress)
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else encoder.dim
    text = np.zeros((n, dim), dtype=np.float32)
    has_text = np.zeros(n, dtype=bool)
    if feedback.height:
        frow = np.fromiter((pos[u] for u in feedback["user_id"].to_list()), np.int64, feedback.height)
        np.add.at(text, frow, vectors)
        has_text[frow] = True
        text = l2_normalise(text)
    return UserFeatures(user_ids, text, behaviour, has_text, has_behaviour, event_names, event_counts,
                        activity, feedback, vectors)


def combine_blocks(text: np.ndarray, behaviour: np.ndarray, text_weight: float) -> np.ndarray:
    """``[sqrt(w)·text, sqrt(1 − w)·behaviour]`` for unit-length (or zero) blocks; w in [0, 1]."""
    w = float(text_weight)
    if not 0.0 <= w <= 1.0:
        raise UserLensError(f"The text weight must be between 0 and 1 (got {w}): use e.g. --text-weight 0.5.")
    return np.concatenate([np.sqrt(w) * text, np.sqrt(1.0 - w) * behaviour], axis=1).astype(np.float32)


def workspace_encoder(ws: Workspace, extra_texts: list[str] | None = None,
                      model: str | None = None) -> Encoder:
    """`default_encoder` chosen (and, for the CJK fallback, fitted) on the workspace's feedback texts."""
    texts = run_sql(ws.con, "feedback_texts")["text"].to_list()
    return default_encoder(texts + list(extra_texts or []), model=model)
