"""Intents and sentiment for every feedback item (DESIGN §7), stored as an analysis run.

* No labels (or too few): **zero-shot** — each text goes to the intent whose description its
  embedding is most similar to; confidence = softmax(cosine / 0.05) of that intent.
* Labels for at least two intents with two examples each: **few-shot** — a classifier on the
  sentence embeddings (`embeddings.fewshot`), confidence = its predicted probability. When the run
  uses a sentence-transformers model (English), the multilingual USE vectors are appended to its
  vectors for the classifier (each half scaled by 1/√2): on the labelled app reviews this lifted
  macro-F1 at 50 labels per intent from 0.64 to 0.68–0.69 (bench/voice.py); intents
  without two examples cannot be learned and are named in a message. A held-out macro-F1 is
  reported when every learned intent has at least four labels.
* Labelled items keep their label (confidence 1).
* Items without words (empty after boilerplate stripping, emoji or digits only) get intent
  'other' (when the set has it) with confidence 0, and are named in a message.
* Sentiment: `embeddings.sentiment`.

The run is one ``analysis_runs`` row of kind 'intents' plus one ``feedback_intents`` row per item.
"""

from __future__ import annotations

import json
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
from embeddings.fewshot import METHODS, fit_head, heldout_score
from embeddings.intent_labels import PREVIEW, intent_definitions, stored_labels
from embeddings.proposals import propose_requirements
from embeddings.sentiment import PROTOTYPES, SENTIMENTS, assign_sentiment, softmax
from embeddings.store import new_run_id, write_intents

MIN_EXAMPLES = 2
CONFIDENCE_NOTE = ("Confidence (0-1): the classifier's probability of the intent (zero-shot: softmax of the "
                   "cosine to each intent's description / 0.05); 1 for items labelled by the team, 0 for "
                   "items without words.")


@dataclass
class IntentRun:
    """Result of `run_intents` (also stored in the workspace under ``run_id``)."""

    run_id: str
    assignments: pl.DataFrame  # feedback_id, intent, confidence, sentiment, sentiment_source
    method: str
    intents: dict[str, str]
    encoder: str
    heldout: dict[str, Any] | None = None
    messages: list[str] = field(default_factory=list)
    encoder_note: str | None = None

    def counts(self, column: str) -> dict[str, int]:
        """Items per value of `column` ('intent' or 'sentiment')."""
        return {str(k): int(v) for k, v in self.assignments[column].value_counts().iter_rows()}

    def to_json(self) -> dict[str, Any]:
        """The CLI/JSON document."""
        return {"run_id": self.run_id, "method": self.method, "encoder": self.encoder,
                "encoder_note": self.encoder_note, "n_items": self.assignments.height,
                "intents": [{"label": k, "description": v, "count": self.counts("intent").get(k, 0)}
                            for k, v in self.intents.items()],
                "sentiment": {s: self.counts("sentiment").get(s, 0) for s in SENTIMENTS},
                "heldout": self.heldout, "confidence_note": CONFIDENCE_NOTE, "messages": self.messages}


def _preview(ids: list[str]) -> str:
    return ", ".join(ids[:PREVIEW]) + (f" and {len(ids) - PREVIEW} more" if len(ids) > PREVIEW else "")


def _training_set(labels: pl.DataFrame, position: dict[str, int], messages: list[str]
                  ) -> tuple[list[int], list[str]]:
    """Rows and labels usable for training: labelled items present in this run, intents with ≥ 2."""
    present = labels.filter(pl.col("feedback_id").is_in(list(position)))
    counts = present.group_by("label").len()
    few = counts.filter(pl.col("len") < MIN_EXAMPLES)
    for label, n in few.iter_rows():
        ids = present.filter(pl.col("label") == label)["feedback_id"].to_list()
        messages.append(f"Intent {label!r} has only {n} labelled example ({_preview(ids)}): label at least "
                        f"{MIN_EXAMPLES} to learn it; the label is kept, and that item keeps it.")
    usable = present.filter(~pl.col("label").is_in(few["label"].to_list()))
    return [position[f] for f in usable["feedback_id"].to_list()], usable["label"].to_list()


def _companion(encoder: Encoder) -> Encoder | None:
    """The multilingual encoder whose vectors join a sentence-transformers model's for few-shot intents."""
    from embeddings.encoders import MULTILINGUAL_MODEL, MultilingualEncoder, SentenceTransformerEncoder
    from embeddings.encoders.multilingual import multilingual_available

    if isinstance(encoder, SentenceTransformerEncoder) and encoder.name != MULTILINGUAL_MODEL \
            and multilingual_available():
        return MultilingualEncoder()
    return None


def _features(ws: Workspace, X: np.ndarray, texts: list[str], rows: np.ndarray,
              companion: Encoder | None) -> np.ndarray:
    """X, or [X, companion vectors] / √2 for the few-shot classifier."""
    if companion is None:
        return X
    extra = np.zeros((X.shape[0], companion.dim), dtype=np.float32)
    if rows.size:
        extra[rows] = embed_texts(ws, [texts[i] for i in rows], companion)
    return (np.concatenate([X, extra], axis=1) / np.sqrt(2.0)).astype(np.float32)


def run_intents(ws: Workspace, *, encoder: Encoder | None = None, definitions: dict[str, str] | None = None,
                method: str = "self-training", seed: int = 0, progress: Progress | None = None,
                companion: Encoder | None | str = "auto") -> IntentRun:
    """Assign an intent and a sentiment to every feedback item and store them as a new run.

    Parameters
    ----------
    ws : Workspace
        Reads feedback and the stored labels and intent set; writes the run.
    encoder : Encoder, optional
        Text model; by default the one `default_encoder` routes the feedback to.
    definitions : dict, optional
        Intent label -> description; by default the stored set (or `DEFAULT_INTENTS`).
    method : {'self-training', 'logistic'}
        Few-shot classifier when labels allow (`embeddings.fewshot`).
    seed : int
        Seed of the classifiers and the held-out split.
    progress : callable, optional
        ``progress(done, total)`` while embedding.
    companion : Encoder, None or 'auto'
        A second encoder whose vectors are appended for the few-shot classifier; 'auto' takes the
        multilingual model when `encoder` is a sentence-transformers model, None uses `encoder` alone.

    Returns
    -------
    IntentRun
    """
    if method not in METHODS:
        raise UserLensError(f"Unknown intent method {method!r}: use one of {', '.join(METHODS)}.")
    items = run_sql(ws.con, "feedback_for_clustering", tz=ws.timezone).unique("feedback_id", keep="first",
                                                                              maintain_order=True)
    if items.height == 0:
        raise UserLensError("No feedback to read intents from: load feedback first "
                            "(`userlens ingest feedback FILE`).")
    intents = dict(definitions or intent_definitions(ws))
    messages: list[str] = []
    texts = strip_boilerplate(items["text"].to_list(), find_boilerplate(items["text"].to_list()))
    ids = items["feedback_id"].to_list()
    content = np.array([has_content(t) for t in texts])
    if (~content).any():
        empty = [ids[i] for i in np.flatnonzero(~content)]
        fallback = "'other'" if "other" in intents else "no intent"
        messages.append(f"{len(empty)} feedback items have no words (empty, boilerplate only, emoji or "
                        f"digits: {_preview(empty)}): they get {fallback} with confidence 0, sentiment "
                        "from their rating or neutral.")
    one_word = [ids[i] for i, t in enumerate(texts) if content[i] and len(t.split()) == 1 and len(t) <= 12]
    if one_word:
        messages.append(f"{len(one_word)} feedback items are a single word ({_preview(one_word)}): their "
                        "intents are guesses; see their confidence.")
    encoder = encoder or workspace_encoder(ws)
    rows = np.flatnonzero(content)
    X = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if rows.size:
        X[rows] = embed_texts(ws, [texts[i] for i in rows], encoder, progress=progress)
    names = list(intents)
    label_vecs = embed_texts(ws, [f"{k}: {v}" for k, v in intents.items()], encoder)
    proba = softmax(X[rows] @ label_vecs.T)
    chosen = np.array(names, dtype=object)[proba.argmax(axis=1)] if rows.size else np.array([], dtype=object)
    confidence = proba.max(axis=1) if rows.size else np.zeros(0)
    used_method, heldout = "zero-shot", None
    labels = stored_labels(ws)
    position = {ids[i]: i for i in rows}
    train_rows, train_labels = _training_set(labels, position, messages)
    if len(set(train_labels)) >= 2:
        F = _features(ws, X, texts, rows, _companion(encoder) if companion == "auto" else companion)
        labelled = set(train_rows)
        pool = F[[i for i in rows if i not in labelled]]
        head = fit_head(F[train_rows], train_labels, pool=pool, method=method, seed=seed)
        p = head.predict_proba(F[rows])
        chosen, confidence = np.array(head.classes, dtype=object)[p.argmax(axis=1)], p.max(axis=1)
        heldout = heldout_score(F[train_rows], train_labels, pool=pool, method=method, seed=seed)
        used_method = method
        unlearned = [k for k in names if k not in head.classes]
        if unlearned:
            messages.append(f"Intents without two labels ({', '.join(unlearned)}) are not assigned by the "
                            "few-shot classifier; label a few examples of each to include them.")
        if heldout is None:
            messages.append("No held-out score yet: it needs at least 4 labels of every learned intent.")
        for label in head.classes:
            intents.setdefault(label, "(learned from labels)")
    elif labels.height:
        messages.append("The labels cover fewer than two intents with two examples each, so intents are "
                        "zero-shot from the descriptions.")
    intent = np.full(len(texts), "other" if "other" in intents else None, dtype=object)
    conf = np.zeros(len(texts))
    intent[rows], conf[rows] = chosen, confidence
    for fid, label in labels.select("feedback_id", "label").iter_rows():
        if fid in position:  # the team's own label wins
            intent[position[fid]], conf[position[fid]] = label, 1.0
            intents.setdefault(label, "(learned from labels)")
    proto = embed_texts(ws, [PROTOTYPES[s] for s in SENTIMENTS], encoder)
    ratings = items["rating"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    scores = items["score_0_10"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    sentiment, source = assign_sentiment(X, ratings, scores, proto, seed=seed)
    assignments = pl.DataFrame({"feedback_id": ids, "intent": intent.tolist(), "confidence": conf,
                                "sentiment": sentiment, "sentiment_source": source},
                               schema={"feedback_id": pl.Utf8, "intent": pl.Utf8, "confidence": pl.Float64,
                                       "sentiment": pl.Utf8, "sentiment_source": pl.Utf8})
    run_id = new_run_id("intents")
    summary = {"n_items": len(ids), "method": used_method, "heldout": heldout, "messages": messages,
               "encoder_note": encoder_note(encoder), "n_labels": labels.height}
    params = {"encoder": encoder.name, "method": method, "seed": seed, "intents": intents}
    write_intents(ws, run_id=run_id, params=params, summary=summary, assignments=assignments)
    propose_requirements(ws)  # feature-request themes follow the new intents
    return IntentRun(run_id, assignments, used_method, intents, encoder.name, heldout, messages,
                     encoder_note(encoder))


def latest_intents(ws: Workspace) -> pl.DataFrame:
    """Intent, confidence and sentiment of every item in the latest intents run (empty without one).

    Returns
    -------
    polars.DataFrame
        run_id, feedback_id, user_id, text, intent, confidence, sentiment, sentiment_source,
        labelled_as (the team's label or null).
    """
    return run_sql(ws.con, "feedback_intents_latest")


def latest_intents_summary(ws: Workspace) -> dict[str, Any] | None:
    """The summary of the latest intents run (method, held-out score, messages), None without one."""
    run = run_sql(ws.con, "intents_run_latest")
    if run.is_empty():
        return None
    return json.loads(run["summary"][0] or "{}")
