"""Feedback themes: k-means over feedback embeddings, with keywords, quotes, trend and NPS impact.

NPS of a set of answers = 100 · (share of scores 9–10 − share of scores 0–6). A theme's NPS
impact = overall NPS − NPS of all answers outside the theme: positive when the theme lifts the
score, negative when it drags it down. Null when no item carries ``score_0_10``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from embeddings.cache import embed_texts
from embeddings.encoders.base import Encoder, Progress, encoder_note
from embeddings.features import workspace_encoder
from embeddings.keywords import top_keywords
from embeddings.kmeans import KMeans
from embeddings.personas import _relabel_by_size
from embeddings.quotes import mmr_quotes
from embeddings.select_k import choose_k, cluster_silhouettes
from embeddings.store import latest_themes, new_run_id, run_document, write_clusters

__all__ = ["ThemeRun", "run_themes", "latest_themes", "nps"]


@dataclass
class ThemeRun:
    """Result of `run_themes` (also stored in the workspace under ``run_id``)."""

    run_id: str
    clusters: list[dict[str, Any]]
    members: pl.DataFrame  # feedback_id, theme_id
    trend: pl.DataFrame  # month, theme_id, theme, count
    encoder: str
    encoder_note: str | None = None
    k_scores: pl.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI/JSON document: clusters, run_id, encoder (and encoder_note, k_scores)."""
        return run_document(self)


def nps(scores: np.ndarray) -> float | None:
    """Net promoter score (−100..100) of 0–10 answers, ignoring NaN; None without answers."""
    scores = np.asarray(scores, dtype=np.float64)
    scores = scores[~np.isnan(scores)]
    if scores.size == 0:
        return None
    return float(100.0 * ((scores >= 9).mean() - (scores <= 6).mean()))


def _mean(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def run_themes(ws: Workspace, *, k: int | None = None, seed: int = 0, encoder: Encoder | None = None,
               progress: Progress | None = None) -> ThemeRun:
    """Cluster all feedback items into themes and store them as a new run.

    Parameters
    ----------
    ws : Workspace
        Source of feedback; the run is written back into it.
    k : int, optional
        Number of themes; None chooses k in 2..10 by sampled silhouette / Davies–Bouldin.
    seed : int
        Seed of sampling and k-means++ (same seed and data, same themes).
    encoder : Encoder, optional
        Text model; by default `default_encoder` on the feedback texts.
    progress : callable, optional
        ``progress(done, total)`` while embedding.

    Returns
    -------
    ThemeRun
        Cards with id, name (top keywords), size, share, keywords, quotes, confidence and figures
        {count, share, mean_rating, nps, nps_impact, trend: [{month, count}]}.
    """
    items = run_sql(ws.con, "feedback_for_clustering", tz=ws.timezone)
    n = items.height
    if n < 2:
        raise UserLensError("Themes need at least two feedback texts: load feedback first "
                            "(`userlens ingest feedback FILE`).")
    encoder = encoder or workspace_encoder(ws)
    X = embed_texts(ws, items["text"].to_list(), encoder, progress=progress)
    k_scores = None
    if k is None:
        k, k_scores = choose_k(X, range(2, min(11, n)), seed=seed)
    elif not 1 <= k <= n:
        raise UserLensError(f"--k {k} is not possible with {n} feedback items: choose 1..{n} or 'auto'.")
    labels = _relabel_by_size(KMeans(n_clusters=k, n_init=3, random_state=seed).fit(X).labels_)
    texts = items["text"].to_list()
    keywords = top_keywords(texts, labels.tolist(), n=8)
    silhouettes = cluster_silhouettes(X, labels, seed=seed)
    ratings = items["rating"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    scores = items["score_0_10"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    overall = nps(scores)
    months = items["month"].to_list()
    clusters = []
    for c in sorted(set(labels.tolist())):
        member = labels == c
        idx = np.flatnonzero(member)
        picked = mmr_quotes(X[idx], [texts[i] for i in idx], X[idx].mean(0), n=3)
        outside = nps(scores[~member])
        trend = (pl.DataFrame({"month": [months[i] for i in idx]}, schema={"month": pl.Date})
                 .drop_nulls().group_by("month").len("count").sort("month"))
        kws = keywords.get(c, [])
        clusters.append({
            "id": int(c), "name": ", ".join(kws[:3]) or f"theme {c}", "size": int(idx.size),
            "share": idx.size / n, "keywords": kws, "quotes": [texts[idx[i]] for i in picked],
            "confidence": silhouettes.get(int(c), 0.0),
            "figures": {"count": int(idx.size), "mean_rating": _mean(ratings[member]),
                        "nps": nps(scores[member]),
                        "nps_impact": (overall - outside) if overall is not None and outside is not None
                        else None,
                        "trend": [{"month": m.isoformat(), "count": int(v)} for m, v in trend.iter_rows()]},
        })
    seen: dict[str, int] = {}
    for card in clusters:
        seen[card["name"]] = seen.get(card["name"], 0) + 1
        if seen[card["name"]] > 1:
            card["name"] = f"{card['name']} ({seen[card['name']]})"
    names = {c["id"]: c["name"] for c in clusters}
    members = pl.DataFrame({"feedback_id": items["feedback_id"], "theme_id": labels.astype(np.int32)})
    trend = (pl.DataFrame({"month": months, "theme_id": labels.astype(np.int32)},
                          schema={"month": pl.Date, "theme_id": pl.Int32})
             .drop_nulls().group_by("month", "theme_id").len("count").sort("month", "theme_id")
             .with_columns(pl.col("theme_id").replace_strict(names, return_dtype=pl.Utf8).alias("theme")))
    params = {"k": k, "seed": seed, "encoder": encoder.name, "auto_k": k_scores is not None}
    summary = {"n_items": n, "nps": overall, "encoder_note": encoder_note(encoder),
               "k_scores": k_scores.to_dicts() if k_scores is not None else None}
    run_id = new_run_id("themes")
    write_clusters(ws, kind="themes", run_id=run_id, params=params, summary=summary, clusters=clusters,
                   members=members)
    return ThemeRun(run_id, clusters, members, trend.select("month", "theme_id", "theme", "count"),
                    encoder.name, encoder_note(encoder), k_scores, params)
