"""Requirement ↔ feedback linking: evidence for each backlog item from what users wrote.

A requirement's text is its title and description; a feedback item is evidence for it when the
cosine similarity of their embeddings is at least the threshold. The rows go to
``requirement_evidence`` under an ``analysis_runs`` row of kind 'evidence'; prioritisation reads
them with SQL (distinct users can serve as RICE reach).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from embeddings.proposals import propose_requirements
from embeddings.cache import embed_texts
from embeddings.encoders.base import Encoder, encoder_note
from embeddings.features import workspace_encoder
from embeddings.store import latest_persona_members, new_run_id, write_evidence

BLOCK = 8192


def _matches(req_vecs: np.ndarray, fb_vecs: np.ndarray, threshold: float) -> tuple[np.ndarray, ...]:
    """(req index, feedback index, similarity) of every pair at or above the threshold, blockwise."""
    r_all, f_all, s_all = [], [], []
    for start in range(0, fb_vecs.shape[0], BLOCK):
        sims = req_vecs @ fb_vecs[start:start + BLOCK].T
        r, f = np.nonzero(sims >= threshold)
        r_all.append(r)
        f_all.append(f + start)
        s_all.append(sims[r, f])
    if not r_all:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(r_all), np.concatenate(f_all), np.concatenate(s_all)


def link_requirements(ws: Workspace, *, threshold: float = 0.45, encoder: Encoder | None = None,
                      top_quotes: int = 3) -> pl.DataFrame:
    """Match every requirement to the feedback that speaks of it and store the evidence.

    Parameters
    ----------
    ws : Workspace
        Reads ``requirements`` and ``feedback``; writes ``requirement_evidence`` (a new run).
    threshold : float
        Minimum cosine similarity between requirement and feedback embeddings.
    encoder : Encoder, optional
        Text model; by default `default_encoder` on the feedback and requirement texts.
    top_quotes : int
        Most similar distinct feedback texts returned per requirement.

    Returns
    -------
    polars.DataFrame
        One row per requirement: req_id, title, evidence_count, distinct_users,
        personas_affected (names from the latest persona run; empty without one), quotes,
        max_similarity. The run id is in the frame's ``run_id`` column.
    """
    if not -1.0 <= threshold <= 1.0:
        raise UserLensError(f"The similarity threshold must be between -1 and 1 (got {threshold}).")
    reqs = run_sql(ws.con, "requirements_for_linking")
    if reqs.height == 0:
        raise UserLensError("No requirements in this workspace: load a backlog first "
                            "(`userlens ingest requirements FILE`).")
    items = run_sql(ws.con, "feedback_for_clustering", tz=ws.timezone)
    encoder = encoder or workspace_encoder(ws, reqs["text"].to_list())
    req_vecs = embed_texts(ws, reqs["text"].to_list(), encoder)
    fb_vecs = embed_texts(ws, items["text"].to_list(), encoder)
    r, f, s = _matches(req_vecs, fb_vecs, threshold)
    evidence = pl.DataFrame({
        "req_id": reqs["req_id"].gather(r) if r.size else pl.Series([], dtype=pl.Utf8),
        "feedback_id": items["feedback_id"].gather(f) if f.size else pl.Series([], dtype=pl.Utf8),
        "user_id": items["user_id"].gather(f) if f.size else pl.Series([], dtype=pl.Utf8),
        "text": items["text"].gather(f) if f.size else pl.Series([], dtype=pl.Utf8),
        "similarity": s.astype(np.float64),
    })
    persona_of = latest_persona_members(ws.con).select("user_id", "persona")
    evidence = evidence.join(persona_of, on="user_id", how="left").sort(
        ["req_id", "similarity", "feedback_id"], descending=[False, True, False])
    run_id = new_run_id("evidence")
    write_evidence(ws, run_id=run_id, evidence=evidence,
                   params={"threshold": threshold, "encoder": encoder.name, "top_quotes": top_quotes},
                   summary={"n_requirements": reqs.height, "n_feedback": items.height,
                            "n_links": evidence.height, "encoder_note": encoder_note(encoder)})
    propose_requirements(ws)  # a theme the backlog now covers is no longer proposed
    per_req = evidence.group_by("req_id", maintain_order=True).agg(
        pl.len().alias("evidence_count"),
        pl.col("user_id").drop_nulls().n_unique().alias("distinct_users"),
        pl.col("persona").drop_nulls().unique().sort().alias("personas_affected"),
        pl.col("text").unique(maintain_order=True).head(top_quotes).alias("quotes"),
        pl.col("similarity").max().alias("max_similarity"),
    )
    out = reqs.select("req_id", "title").join(per_req, on="req_id", how="left").with_columns(
        pl.col("evidence_count").fill_null(0).cast(pl.Int64),
        pl.col("distinct_users").fill_null(0).cast(pl.Int64),
        pl.col("personas_affected").fill_null([]).cast(pl.List(pl.Utf8)),
        pl.col("quotes").fill_null([]).cast(pl.List(pl.Utf8)),
        pl.lit(run_id).alias("run_id"),
    )
    return out.sort(["evidence_count", "req_id"], descending=[True, False])
