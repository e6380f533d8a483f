"""Personas: k-means over per-user text + behaviour vectors, described by data, never by invention.

Each card: a generated name (activity level or the events the group over-uses, then its top
keywords), share of users, c-TF-IDF keywords, three MMR quotes, behaviour figures against the
whole base, and a confidence in [0, 1] (`CONFIDENCE_NOTE`, `persona_confidence`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from analytics.workspace import Workspace
from embeddings.encoders.base import Encoder, Progress, encoder_note
from embeddings.clustering import assign_users
from embeddings.features import UserFeatures, build_user_features, workspace_encoder
from embeddings.keywords import top_keywords
from embeddings.quotes import mmr_quotes
from embeddings.store import latest_personas, new_run_id, run_document, write_clusters

__all__ = ["CONFIDENCE_NOTE", "PersonaRun", "persona_confidence", "run_personas", "latest_personas"]
K_RANGE = range(2, 11)
LIFT_FOR_NAME = 1.5
CONFIDENCE_NOTE = (
    "Confidence (0-1) is how surely the persona's members belong to it, averaged over the members and "
    "weighted by how many were placed each way. Users clustered on their feedback text (with behaviour) "
    "score their centroid margin max(0, (b - a) / max(a, b)), a = distance to their persona's centre, "
    "b = distance to the nearest other persona's centre, in the space they were clustered in (1 = on the "
    "centre, 0 = halfway or nearer another persona): confidence_text. Users without text, assigned by "
    "the behaviour classifier, score its predicted probability of the assigned persona: "
    "confidence_assigned. With a single persona it is 0.")
RETENTION_NOTE = (  # the card figures retention_p1/p4; the dashboard shows cohort scoring's calendar weeks
    "retention_p1 / retention_p4: share of the persona's users with an event 7-13 / 28-34 days after "
    "their first event (rolling weeks), among users for whom that window has ended. Cohort scoring by "
    "persona (Retention page, userlens cohorts --by persona) counts calendar weeks after the week of the "
    "first event.")


@dataclass
class PersonaRun:
    """Result of `run_personas` (also stored in the workspace under ``run_id``)."""

    run_id: str
    clusters: list[dict[str, Any]]
    coords: pl.DataFrame  # user_id, x, y, persona_id
    members: pl.DataFrame  # user_id, persona_id
    encoder: str
    encoder_note: str | None = None
    k_scores: pl.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI/JSON document: clusters, run_id, encoder, confidence_note (and encoder_note, k_scores)."""
        return run_document(self, confidence_note=CONFIDENCE_NOTE, retention_note=RETENTION_NOTE)


def _mean_or_none(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def _humanise(event: str) -> str:
    return " ".join(event.replace("_", " ").replace("-", " ").replace(".", " ").split())


def persona_name(keywords: list[str], top_lift_events: list[str], activity_ratio: float | None) -> str:
    """"<behaviour> · kw1, kw2, kw3" from what the data shows (no demographics).

    The behaviour part is the events the group uses at least 1.5× the base rate ("Export report
    & share users"), else its activity level against the base (Highly active / Light / Regular).
    """
    if top_lift_events:
        behaviour = " & ".join(_humanise(e) for e in top_lift_events[:2]) + " users"
        behaviour = behaviour[0].upper() + behaviour[1:]
    elif activity_ratio is None:
        behaviour = "Feedback-only users"
    elif activity_ratio >= 1.5:
        behaviour = "Highly active users"
    elif activity_ratio <= 0.5:
        behaviour = "Light users"
    else:
        behaviour = "Regular users"
    return f"{behaviour} · {', '.join(keywords[:3])}" if keywords else behaviour


def distinctive_events(group_counts: np.ndarray, base_counts: np.ndarray, names: list[str], *,
                       n: int = 2, min_share: float = 0.01) -> list[str]:
    """Events that make up a clearly larger share of the group's events than of everyone's.

    Share lift = (group count / group total) / (base count / base total), so a group that simply
    does more of everything (app opens included) is not named after its most frequent events.
    An event qualifies with a share lift of at least `LIFT_FOR_NAME` and at least `min_share` of
    the group's events; the `n` with the highest lift are returned (ties: the larger share, then
    the name).
    """
    g_total, b_total = float(group_counts.sum()), float(base_counts.sum())
    if g_total <= 0 or b_total <= 0:
        return []
    g_share = group_counts / g_total
    b_share = base_counts / b_total
    lift = np.where(b_share > 0, g_share / np.where(b_share > 0, b_share, 1.0), 0.0)
    ok = [j for j in range(len(names)) if lift[j] >= LIFT_FOR_NAME and g_share[j] >= min_share]
    ok.sort(key=lambda j: (-round(float(lift[j]), 6), -g_share[j], names[j]))
    return [names[j] for j in ok[:n]]


def _activity_lookup(features: UserFeatures) -> dict[str, np.ndarray]:
    pos = {u: i for i, u in enumerate(features.user_ids)}
    n = len(features.user_ids)
    out = {k: np.full(n, np.nan) for k in ("n_events", "retained_p1", "retained_p4")}
    act = features.activity
    if act.height:
        rows = np.fromiter((pos[u] for u in act["user_id"].to_list()), np.int64, act.height)
        for key in out:
            out[key][rows] = act[key].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return out


def persona_confidence(certainty: np.ndarray, clustered: np.ndarray, member: np.ndarray
                       ) -> tuple[float, float | None, float | None]:
    """Confidence of one persona from its members' certainties (`CONFIDENCE_NOTE`).

    Parameters
    ----------
    certainty : ndarray of shape (n,)
        Per-user certainty in [0, 1] (`embeddings.clustering.Assignment.certainty`).
    clustered : ndarray of bool, shape (n,)
        True where clustering placed the user, False where the behaviour classifier did.
    member : ndarray of bool, shape (n,)
        The persona's members.

    Returns
    -------
    confidence : float
        ``(n_c · text + n_a · assigned) / (n_c + n_a)``: the mean certainty of all members.
    text : float or None
        Mean centroid margin of the clustered members (None without any).
    assigned : float or None
        Mean predicted probability of the assigned members (None without any).
    """
    parts = []
    for rows in (member & clustered, member & ~clustered):
        parts.append(float(np.mean(certainty[rows])) if rows.any() else None)
    text, assigned = parts
    n_c, n_a = int((member & clustered).sum()), int((member & ~clustered).sum())
    total = n_c * (text or 0.0) + n_a * (assigned or 0.0)
    return (total / (n_c + n_a) if n_c + n_a else 0.0), text, assigned


def describe_clusters(features: UserFeatures, labels: np.ndarray, certainty: np.ndarray,
                      clustered: np.ndarray) -> list[dict[str, Any]]:
    """Persona cards for a labelling of the users in `features` (ids are the label values).

    `certainty` and `clustered` (per user, see `embeddings.clustering.Assignment`) give each
    card's confidence and its two parts (`persona_confidence`).
    """
    n = len(features.user_ids)
    ids = sorted(set(int(x) for x in labels))
    act = _activity_lookup(features)
    fb = features.feedback
    upos = {u: i for i, u in enumerate(features.user_ids)}
    fb_label = (np.fromiter((labels[upos[u]] for u in fb["user_id"].to_list()), np.int64, fb.height)
                if fb.height else np.zeros(0, np.int64))
    keywords = top_keywords(fb["text"].to_list(), fb_label.tolist(), n=8) if fb.height else {}
    ratings = fb["rating"].cast(pl.Float64).fill_null(np.nan).to_numpy() if fb.height else np.zeros(0)
    base_total = features.event_counts.sum(0)
    base_rate = base_total / max(1, int(features.has_behaviour.sum()))
    base_events = _mean_or_none(act["n_events"])
    texts = fb["text"].to_list()
    cards = []
    for c in ids:
        member = labels == c
        size = int(member.sum())
        with_beh = member & features.has_behaviour
        rate = features.event_counts[with_beh].sum(0) / max(1, int(with_beh.sum()))
        lift = np.where(base_rate > 0, rate / np.where(base_rate > 0, base_rate, 1.0), 0.0)
        order = np.argsort(-rate, kind="stable")
        top_events = [{"event": features.event_names[j], "per_user": float(rate[j]), "lift": float(lift[j])}
                      for j in order[:5] if rate[j] > 0]
        lifted = distinctive_events(features.event_counts[with_beh].sum(0), base_total, features.event_names)
        events_per_user = _mean_or_none(act["n_events"][member])
        ratio = events_per_user / base_events if events_per_user is not None and base_events else None
        in_c = np.flatnonzero(fb_label == c)
        quotes: list[str] = []
        if in_c.size:
            centroid = features.text[member & features.has_text].mean(0)
            picked = mmr_quotes(features.feedback_vectors[in_c], [texts[i] for i in in_c], centroid, n=3)
            quotes = [texts[in_c[i]] for i in picked]
        kws = keywords.get(c, [])
        confidence, conf_text, conf_assigned = persona_confidence(certainty, clustered, member)
        cards.append({
            "id": c, "name": persona_name(kws, lifted, ratio), "size": size, "share": size / n,
            "keywords": kws, "quotes": quotes, "confidence": confidence,
            "figures": {
                "events_per_user": events_per_user, "base_events_per_user": base_events,
                "top_events": top_events,
                "retention_p1": _mean_or_none(act["retained_p1"][member]),
                "retention_p4": _mean_or_none(act["retained_p4"][member]),
                "mean_rating": _mean_or_none(ratings[in_c]) if in_c.size else None,
                "n_with_text": int((member & features.has_text).sum()),
                "n_with_behaviour": int(with_beh.sum()),
                "confidence_text": conf_text, "confidence_assigned": conf_assigned,
                "n_clustered": int((member & clustered).sum()),
                "n_assigned": int((member & ~clustered).sum()),
            },
        })
    seen: dict[str, int] = {}
    for card in cards:  # names must tell personas apart
        seen[card["name"]] = seen.get(card["name"], 0) + 1
        if seen[card["name"]] > 1:
            card["name"] = f"{card['name']} ({seen[card['name']]})"
    return cards


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster ids 0..k-1 from largest to smallest (ties by the original id), for stable cards."""
    ids, counts = np.unique(labels, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], ids[i]))
    mapping = {int(ids[i]): new for new, i in enumerate(order)}
    return np.fromiter((mapping[int(x)] for x in labels), np.int64, len(labels))


def pca_2d(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """First two principal components of X (n, 2); zeros where X has fewer than two dimensions of spread."""
    from sklearn.decomposition import PCA

    if X.shape[0] < 3:
        return np.zeros((X.shape[0], 2), dtype=np.float32)
    solver = "randomized" if X.shape[0] > 5000 else "full"
    out = PCA(n_components=min(2, X.shape[1]), svd_solver=solver, random_state=seed).fit_transform(X)
    return np.pad(out, ((0, 0), (0, 2 - out.shape[1]))).astype(np.float32)


def run_personas(ws: Workspace, *, k: int | None = None, seed: int = 0, encoder: Encoder | None = None,
                 text_weight: float = 0.8, progress: Progress | None = None) -> PersonaRun:
    """Find personas among the workspace's users and store them as a new run.

    Parameters
    ----------
    ws : Workspace
        Source of events and feedback; the run is written back into it.
    k : int, optional
        Number of personas; None chooses k in 2..10 by sampled silhouette (the smallest k within
        0.02 of the best, no persona under 3 % of the users), see `embeddings.clustering`.
    seed : int
        Seed of sampling, k-means++ and PCA: the same seed and data give the same personas.
    encoder : Encoder, optional
        Text model; by default `default_encoder` on the feedback texts.
    text_weight : float
        Weight w of the text block (behaviour gets 1 − w), see `embeddings.clustering`. Users with
        feedback are clustered first and the others assigned by their behaviour (two stages)
        when at least 50 users wrote feedback.
    progress : callable, optional
        ``progress(done, total)`` while embedding feedback.

    Returns
    -------
    PersonaRun
    """
    if encoder is None:
        encoder = workspace_encoder(ws)
    features = build_user_features(ws, encoder, progress=progress)
    n = len(features.user_ids)
    if n < 2:
        raise UserLensError("Personas need at least two users with events or feedback: load events "
                            "(`userlens ingest events FILE`) or feedback first.")
    if k is not None and not 1 <= k <= n:
        raise UserLensError(f"--k {k} is not possible with {n} users: choose between 1 and {n}, or 'auto'.")
    assigned = assign_users(features, k=k, text_weight=text_weight, seed=seed,
                            k_range=range(K_RANGE.start, min(K_RANGE.stop, n)))
    X, k, k_scores = assigned.space, assigned.k, assigned.k_scores
    labels = _relabel_by_size(assigned.labels)
    clusters = describe_clusters(features, labels, assigned.certainty, assigned.clustered)
    names = {c["id"]: c["name"] for c in clusters}
    xy = pca_2d(X, seed)
    coords = pl.DataFrame({"user_id": features.user_ids, "x": xy[:, 0], "y": xy[:, 1],
                           "persona_id": labels.astype(np.int32),
                           "persona": [names[int(c)] for c in labels]})
    members = coords.select("user_id", "persona_id")
    stored = coords.select("user_id", "persona_id", "x", "y")
    params = {"k": k, "seed": seed, "text_weight": text_weight, "encoder": encoder.name,
              "auto_k": k_scores is not None, "method": assigned.method}
    summary = {"n_users": n, "n_with_text": int(features.has_text.sum()),
               "n_with_behaviour": int(features.has_behaviour.sum()), "encoder_note": encoder_note(encoder),
               "k_scores": k_scores.to_dicts() if k_scores is not None else None}
    run_id = new_run_id("personas")
    write_clusters(ws, kind="personas", run_id=run_id, params=params, summary=summary,
                   clusters=clusters, members=stored)
    return PersonaRun(run_id, clusters, coords, members, encoder.name, encoder_note(encoder), k_scores,
                      params)
