"""Feedback themes: spectral clustering of feedback embeddings, with keywords, quotes, trend and NPS impact.

Before embedding, boilerplate many texts share is stripped (`embeddings.boilerplate`); items
without words are unthemed. Themes are found by `embeddings.spectral.SpectralClustering`, then
outliers are taken out, near-duplicate themes merged and each theme given a confidence
(`embeddings.theme_quality`), its intent mix and its sentiment (the latest intents run, made
first when the workspace has none for these items). Unthemed items are counted, never members.

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
from embeddings.boilerplate import find_boilerplate, has_content, strip_boilerplate
from embeddings.cache import embed_texts
from embeddings.encoders.base import Encoder, Progress, encoder_note
from embeddings.features import workspace_encoder
from embeddings.keywords import top_keywords
from embeddings.proposals import propose_requirements
from embeddings.quotes import mmr_quotes
from embeddings.select_k import choose_k
from embeddings.spectral import SpectralClustering, centred
from embeddings.store import latest_themes, new_run_id, run_document, write_clusters
from embeddings.theme_quality import (
    CONFIDENCE_NOTE, find_outliers, merge_duplicates, neighbour_agreement, theme_confidence,
)

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

    unthemed: dict[str, Any] = field(default_factory=dict)
    proposals: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The CLI/JSON document: clusters, unthemed, run_id, encoder, notes, k_scores."""
        return run_document(self, confidence_note=CONFIDENCE_NOTE, unthemed=self.unthemed,
                            boilerplate=self.params.get("boilerplate", []),
                            merged=self.params.get("merged", []), proposed_requirements=self.proposals)


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


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Theme ids renumbered 0.. from the largest theme down (ties by old id); −1 stays −1."""
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], ids[i]))
    mapping = {int(ids[i]): rank for rank, i in enumerate(order)}
    return np.array([mapping.get(int(v), -1) for v in labels], dtype=np.int64)


def _mix(values: list[str | None]) -> dict[str, float]:
    """Share of each value among the non-null ones, largest first."""
    present = [v for v in values if v is not None]
    counts = pl.Series(present, dtype=pl.Utf8).value_counts(sort=True) if present else None
    if counts is None:
        return {}
    return {str(k): int(v) / len(present) for k, v in counts.iter_rows()}


def _intents_for(ws: Workspace, ids: list[str], encoder: Encoder) -> dict[str, tuple[str | None, str | None]]:
    """feedback_id -> (intent, sentiment) from the latest intents run, made now if it misses items."""
    from embeddings.intents import latest_intents, run_intents

    latest = latest_intents(ws)
    if latest.is_empty() or not set(ids) <= set(latest["feedback_id"].to_list()):
        run_intents(ws, encoder=encoder)
        latest = latest_intents(ws)
    return {f: (i, s) for f, i, s in latest.select("feedback_id", "intent", "sentiment").iter_rows()}


def run_themes(ws: Workspace, *, k: int | None = None, seed: int = 0, encoder: Encoder | None = None,
               progress: Progress | None = None) -> ThemeRun:
    """Cluster all feedback items into themes and store them as a new run.

    Parameters
    ----------
    ws : Workspace
        Source of feedback; the run is written back into it.
    k : int, optional
        Number of themes before near-duplicates are merged; None chooses k in 2..10 by sampled
        silhouette / Davies–Bouldin.
    seed : int
        Seed of sampling and clustering (same seed and data, same themes).
    encoder : Encoder, optional
        Text model; by default the one `default_encoder` routes the feedback texts to.
    progress : callable, optional
        ``progress(done, total)`` while embedding.

    Returns
    -------
    ThemeRun
        Cards with id, name (top keywords), size, share, keywords, quotes, confidence and figures
        {count, share, mean_rating, nps, nps_impact, intents, sentiment, trend: [{month, count}]};
        ``unthemed`` counts the items no theme holds ({count, no_words, outliers}).
    """
    items = run_sql(ws.con, "feedback_for_clustering", tz=ws.timezone)
    n = items.height
    raw = items["text"].to_list()
    boilerplate = find_boilerplate(raw)
    texts = strip_boilerplate(raw, boilerplate)
    content = np.flatnonzero([has_content(t) for t in texts])
    if content.size < 2:
        raise UserLensError("Themes need at least two feedback texts with words: load feedback first "
                            "(`userlens ingest feedback FILE`).")
    encoder = encoder or workspace_encoder(ws)
    X = embed_texts(ws, [texts[i] for i in content], encoder, progress=progress)
    k_scores = None
    if k is None:
        k, k_scores = choose_k(X, range(2, min(11, content.size)), seed=seed)
    elif not 1 <= k <= content.size:
        raise UserLensError(f"--k {k} is not possible with {content.size} feedback items with words: "
                            f"choose 1..{content.size} or 'auto'.")
    part = SpectralClustering(n_clusters=k, random_state=seed).fit(X).labels_
    Z = centred(X)
    outlier, rows, neighbours = find_outliers(Z, part, seed=seed)
    part[outlier] = -1
    sub_texts = [texts[i] for i in content]

    def names(lab: np.ndarray) -> dict[int, list[str]]:
        kept = np.flatnonzero(lab >= 0)
        return top_keywords([sub_texts[i] for i in kept], lab[kept].tolist(), n=8)

    part, merged = merge_duplicates(X, part, names)
    part = _by_size(part)
    labels = np.full(n, -1, dtype=np.int64)
    labels[content] = part
    confidence = theme_confidence(neighbour_agreement(neighbours, part, rows), part[rows])
    keywords = names(part)
    ratings = items["rating"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    scores = items["score_0_10"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    overall = nps(scores)
    months = items["month"].to_list()
    ids = items["feedback_id"].to_list()
    intent_of = _intents_for(ws, ids, encoder)
    clusters = []
    for c in sorted(set(part.tolist()) - {-1}):
        member = labels == c
        idx = np.flatnonzero(member)
        local = np.flatnonzero(part == c)
        picked = mmr_quotes(X[local], [sub_texts[i] for i in local], X[local].mean(0), n=3)
        outside = nps(scores[~member])
        trend = (pl.DataFrame({"month": [months[i] for i in idx]}, schema={"month": pl.Date})
                 .drop_nulls().group_by("month").len("count").sort("month"))
        kws = keywords.get(c, [])
        clusters.append({
            "id": int(c), "name": ", ".join(kws[:3]) or f"theme {c}", "size": int(idx.size),
            "share": idx.size / n, "keywords": kws, "quotes": [sub_texts[local[i]] for i in picked],
            "confidence": confidence.get(int(c), 0.0),
            "figures": {"count": int(idx.size), "mean_rating": _mean(ratings[member]),
                        "nps": nps(scores[member]),
                        "nps_impact": (overall - outside) if overall is not None and outside is not None
                        else None,
                        "intents": _mix([intent_of.get(ids[i], (None, None))[0] for i in idx]),
                        "sentiment": _mix([intent_of.get(ids[i], (None, None))[1] for i in idx]),
                        "trend": [{"month": m.isoformat(), "count": int(v)} for m, v in trend.iter_rows()]},
        })
    seen: dict[str, int] = {}
    for card in clusters:
        seen[card["name"]] = seen.get(card["name"], 0) + 1
        if seen[card["name"]] > 1:
            card["name"] = f"{card['name']} ({seen[card['name']]})"
    names_by_id = {c["id"]: c["name"] for c in clusters}
    members = pl.DataFrame({"feedback_id": items["feedback_id"], "theme_id": labels.astype(np.int32)})
    themed = labels >= 0
    trend = (pl.DataFrame({"month": [m for m, t in zip(months, themed, strict=True) if t],
                           "theme_id": labels[themed].astype(np.int32)},
                          schema={"month": pl.Date, "theme_id": pl.Int32})
             .drop_nulls().group_by("month", "theme_id").len("count").sort("month", "theme_id")
             .with_columns(pl.col("theme_id").replace_strict(names_by_id, return_dtype=pl.Utf8)
                           .alias("theme")))
    unthemed = {"count": int((~themed).sum()), "no_words": int(n - content.size),
                "outliers": int((part == -1).sum())}
    params = {"k": k, "seed": seed, "encoder": encoder.name, "auto_k": k_scores is not None,
              "clusterer": "spectral-knn", "boilerplate": [p for _, p in boilerplate],
              "merged": [list(m) for m in merged]}
    summary = {"n_items": n, "nps": overall, "encoder_note": encoder_note(encoder), "unthemed": unthemed,
               "k_scores": k_scores.to_dicts() if k_scores is not None else None,
               "confidence_note": CONFIDENCE_NOTE, "boilerplate": params["boilerplate"]}
    run_id = new_run_id("themes")
    write_clusters(ws, kind="themes", run_id=run_id, params=params, summary=summary, clusters=clusters,
                   members=members.filter(pl.col("theme_id") >= 0))
    proposals = propose_requirements(ws).select(
        "proposal_id", "theme_id", "title", "description", "evidence_count", "distinct_users", "personas",
        "status").to_dicts()
    return ThemeRun(run_id, clusters, members, trend.select("month", "theme_id", "theme", "count"),
                    encoder.name, encoder_note(encoder), k_scores, params, unthemed, proposals)
