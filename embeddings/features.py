"""Per-user feature vectors for personas: a text block and a behaviour block.

Text block: the mean of the embeddings of a user's feedback, L2-normalised (zeros without text).
For clustering, `text_space` centres it over the users with text, keeps its leading principal
components and L2-normalises them: persona topics live in a few directions, and a user without
text then sits at the neutral origin (the global mean), not at a "says nothing" point.

Behaviour block: three sub-blocks, each standardised per column, L2-normalised per user and
scaled by ``sqrt(weight)`` (`BLOCK_WEIGHTS`), so that no block dominates by its width:

* composition — what a user does: the centred log-ratio ``log(c + ½) − mean_j log(c_j + ½)``
  of the per-event counts (the most frequent events), independent of how much they do;
* volume — how much: log1p active days, log1p tenure days, log1p events per active day;
* attributes — what the uploaded ``users.attributes`` say (plan, platform, seats ...): a key
  with at most `MAX_CATEGORIES` distinct values is one-hot encoded, a numeric key with more
  values becomes log1p (non-negative) or the value; other keys (ids, free text) are skipped.
  Attributes are the user's own uploaded columns, used as they are: nothing is inferred.

``profile`` is the unweighted standardised ``[composition, volume, attributes]`` matrix, the input
of the behaviour classifier in `embeddings.clustering`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from embeddings.cache import embed_texts
from embeddings.encoders import Encoder, Progress, default_encoder, l2_normalise

ACTIVITY_COLUMNS = ("active_days", "tenure_days", "events_per_day")
BLOCK_WEIGHTS = {"composition": 0.4, "volume": 0.3, "attributes": 0.3}
MAX_CATEGORIES = 12
TEXT_COMPONENTS = 10


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
    profile: np.ndarray  # (n, p) standardised [composition, volume, attributes], zeros where absent
    attribute_names: list[str]  # columns of the attribute block ("plan=team", "seats")


def _standardise(x: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=0, keepdims=True)
    std = x.std(axis=0, keepdims=True)
    return (x - mean) / np.where(std > 0, std, 1.0)


def _standardise_rows(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`_standardise` fitted on (and applied to) the selected rows; other rows stay zero."""
    out = np.zeros_like(x, dtype=np.float32)
    if rows.any():
        out[rows] = _standardise(x[rows])
    return out


def event_composition(counts: np.ndarray, pseudo: float = 0.5) -> np.ndarray:
    """Centred log-ratio of per-user event counts: ``log(c + pseudo)`` minus its row mean.

    Parameters
    ----------
    counts : ndarray of shape (n, n_events)
        Raw event counts.
    pseudo : float
        Added to every count so that events a user never did stay finite.

    Returns
    -------
    ndarray of shape (n, n_events)
        Rows sum to zero; scaling a user's counts by a constant barely moves their row, so the
        block describes the mix of events, not the volume.
    """
    logs = np.log(np.asarray(counts, dtype=np.float64) + pseudo)
    return (logs - logs.mean(axis=1, keepdims=True)).astype(np.float32)


def _as_number(value: str) -> float | None:
    try:
        x = float(value)
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def encode_attributes(long: pl.DataFrame, user_ids: list[str]) -> tuple[np.ndarray, list[str]]:
    """Numeric matrix of uploaded user attributes (user_id, key, value rows), aligned with `user_ids`.

    Parameters
    ----------
    long : polars.DataFrame
        Columns user_id, key, value (text), one row per user and attribute.
    user_ids : list of str
        Row order of the result; users without a value get 0 (one-hot) or the mean (numeric).

    Returns
    -------
    matrix : ndarray of shape (len(user_ids), m)
        One-hot columns ``key=value`` for keys with 2..`MAX_CATEGORIES` distinct values; one column
        per numeric key with more values (log1p when never negative); keys with one value, or
        many non-numeric values (ids, free text), are skipped.
    names : list of str
        Column names.
    """
    pos = {u: i for i, u in enumerate(user_ids)}
    long = long.filter(pl.col("user_id").is_in(list(pos)))
    columns: list[np.ndarray] = []
    names: list[str] = []
    for key in sorted(set(long["key"].to_list())):
        part = long.filter(pl.col("key") == key)
        rows = np.fromiter((pos[u] for u in part["user_id"].to_list()), np.int64, part.height)
        values = part["value"].to_list()
        distinct = sorted(set(values))
        if len(distinct) < 2:
            continue
        if len(distinct) <= MAX_CATEGORIES:
            for v in distinct:
                col = np.zeros(len(user_ids), dtype=np.float32)
                col[rows[np.array([x == v for x in values])]] = 1.0
                columns.append(col)
                names.append(f"{key}={v}")
            continue
        numbers = [_as_number(v) for v in values]
        if any(x is None for x in numbers):
            continue
        x = np.array(numbers, dtype=np.float64)
        x = np.log1p(x) if x.min() >= 0 else x
        col = np.full(len(user_ids), x.mean(), dtype=np.float32)
        col[rows] = x
        columns.append(col)
        names.append(key)
    if not columns:
        return np.zeros((len(user_ids), 0), dtype=np.float32), []
    return np.stack(columns, axis=1), names


def text_space(text: np.ndarray, has_text: np.ndarray, *, n_components: int = TEXT_COMPONENTS,
               seed: int = 0) -> np.ndarray:
    """Centred, PCA-reduced, L2-normalised text vectors; zeros (the neutral mean) without text.

    Parameters
    ----------
    text : ndarray of shape (n, d)
        Mean feedback embedding per user (zeros without text).
    has_text : ndarray of bool, shape (n,)
    n_components : int
        Principal components kept (fewer when there are fewer users with text or dimensions).
    seed : int
        Seed of the randomised PCA solver.

    Returns
    -------
    ndarray of shape (n, c)
    """
    from sklearn.decomposition import PCA

    rows = np.flatnonzero(has_text)
    c = min(int(n_components), text.shape[1], max(rows.size - 1, 0))
    out = np.zeros((text.shape[0], max(c, 0)), dtype=np.float32)
    if c < 1:
        return out
    centred = text[rows] - text[rows].mean(axis=0, keepdims=True)
    z = PCA(n_components=c, svd_solver="full", random_state=seed).fit_transform(centred)
    out[rows] = l2_normalise(z)
    return out


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
    attributes, attribute_names = encode_attributes(run_sql(con, "persona_user_attributes"), user_ids)
    comp = np.where(has_behaviour[:, None], event_composition(event_counts), 0.0)
    blocks = {"composition": (_standardise_rows(comp, has_behaviour), has_behaviour),
              "volume": (_standardise_rows(act, has_behaviour), has_behaviour),
              "attributes": (_standardise(attributes), np.ones(n, dtype=bool))}
    profile = np.concatenate([b for b, _ in blocks.values()], axis=1).astype(np.float32)
    behaviour = np.concatenate([np.sqrt(BLOCK_WEIGHTS[name]) * np.where(rows[:, None], l2_normalise(b), 0.0)
                                for name, (b, rows) in blocks.items()], axis=1).astype(np.float32)

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
                        activity, feedback, vectors, profile, attribute_names)


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
