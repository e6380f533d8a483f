"""Writing analysis runs into the workspace and reading the latest one back.

A run is one row of ``analysis_runs`` (kind 'personas', 'themes', 'evidence' or 'intents') plus its
cluster and member rows, written in one transaction so a reader never sees half a run.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import duckdb
import polars as pl

from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace

_CLUSTER_SCHEMA = {"cluster_id": pl.Int32, "name": pl.Utf8, "size": pl.Int64,
                   "keywords": pl.List(pl.Utf8), "quotes": pl.List(pl.Utf8), "figures": pl.Utf8}


def run_document(run: Any, **extra: Any) -> dict[str, Any]:
    """The CLI/JSON document of a persona or theme run: run_id, encoder, notes, k scores, clusters."""
    return {"run_id": run.run_id, "encoder": run.encoder, "encoder_note": run.encoder_note, **extra,
            "k_scores": run.k_scores.to_dicts() if run.k_scores is not None else None,
            "clusters": run.clusters}


def new_run_id(kind: str) -> str:
    """A run id that sorts by creation time: ``<kind>-YYYYmmddTHHMMSSffffff-<random>``."""
    return f"{kind}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


def _insert_run(cur: duckdb.DuckDBPyConnection, run_id: str, kind: str, params: dict[str, Any],
                summary: dict[str, Any]) -> None:
    cur.execute("INSERT INTO analysis_runs (run_id, kind, params, summary, created_at) "
                "VALUES ($run_id, $kind, $params, $summary, $created_at)",
                {"run_id": run_id, "kind": kind, "params": json.dumps(params, default=str),
                 "summary": json.dumps(summary, default=str), "created_at": datetime.now(UTC)})


def _cluster_frame(clusters: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame([{"cluster_id": int(c["id"]), "name": c["name"], "size": int(c["size"]),
                          "keywords": list(c["keywords"]), "quotes": list(c["quotes"]),
                          "figures": json.dumps({**c["figures"], "share": c.get("share"),
                                                 "confidence": c.get("confidence")}, default=str)}
                         for c in clusters], schema=_CLUSTER_SCHEMA)


def write_clusters(ws: Workspace, *, kind: str, run_id: str, params: dict[str, Any],
                   summary: dict[str, Any], clusters: list[dict[str, Any]], members: pl.DataFrame) -> None:
    """Store a persona or theme run.

    Parameters
    ----------
    ws : Workspace
    kind : {'personas', 'themes'}
    run_id : str
    params, summary : dict
        JSON-serialisable run parameters and summary (k scores, encoder ...).
    clusters : list of dict
        Cards with id, name, size, keywords, quotes, figures, share, confidence.
    members : polars.DataFrame
        The member id (user_id or feedback_id) and the cluster id as its first two columns; for
        personas optionally ``x`` and ``y``, the member's 2D map coordinates (stored so the map
        can be drawn again after a restart; NULL when absent).
    """
    table, member_table, id_col, member_col = {
        "personas": ("personas", "persona_members", "persona_id", "user_id"),
        "themes": ("themes", "theme_members", "theme_id", "feedback_id"),
    }[kind]
    frame = _cluster_frame(clusters)
    xy = [pl.col(c).cast(pl.Float64) if c in members.columns else pl.lit(None, pl.Float64).alias(c)
          for c in ("x", "y")]
    member_frame = members.select(pl.col(members.columns[0]).cast(pl.Utf8).alias("member"),
                                  pl.col(members.columns[1]).cast(pl.Int32).alias("cluster_id"), *xy)
    extra = ", x, y" if kind == "personas" else ""
    with ws.write(table, member_table, "analysis_runs") as cur:
        _insert_run(cur, run_id, kind, params, summary)
        cur.register("_clusters", frame)
        cur.register("_members", member_frame)
        try:
            cur.execute(f"INSERT INTO {table} (run_id, {id_col}, name, size, keywords, quotes, figures) "
                        "SELECT $run_id, cluster_id, name, size, keywords, quotes, figures::JSON "
                        "FROM _clusters",
                        {"run_id": run_id})
            cur.execute(f"INSERT INTO {member_table} (run_id, {member_col}, {id_col}{extra}) "
                        f"SELECT $run_id, member, cluster_id{extra} FROM _members", {"run_id": run_id})
        finally:
            cur.unregister("_clusters")
            cur.unregister("_members")


def write_evidence(ws: Workspace, *, run_id: str, params: dict[str, Any], summary: dict[str, Any],
                   evidence: pl.DataFrame) -> None:
    """Store a linking run: one ``requirement_evidence`` row per (req_id, feedback_id) match."""
    frame = evidence.select(pl.col("req_id").cast(pl.Utf8), pl.col("feedback_id").cast(pl.Utf8),
                            pl.col("user_id").cast(pl.Utf8), pl.col("similarity").cast(pl.Float64))
    with ws.write("requirement_evidence", "analysis_runs") as cur:
        _insert_run(cur, run_id, "evidence", params, summary)
        cur.register("_evidence", frame)
        try:
            cur.execute("INSERT INTO requirement_evidence (run_id, req_id, feedback_id, user_id, similarity) "
                        "SELECT $run_id, req_id, feedback_id, user_id, similarity FROM _evidence",
                        {"run_id": run_id})
        finally:
            cur.unregister("_evidence")


def write_intents(ws: Workspace, *, run_id: str, params: dict[str, Any], summary: dict[str, Any],
                  assignments: pl.DataFrame) -> None:
    """Store an intents run: one ``feedback_intents`` row per feedback item."""
    frame = assignments.select("feedback_id", "intent", "confidence", "sentiment", "sentiment_source")
    with ws.write("feedback_intents", "analysis_runs") as cur:
        _insert_run(cur, run_id, "intents", params, summary)
        cur.register("_intents", frame)
        try:
            cur.execute("INSERT INTO feedback_intents (run_id, feedback_id, intent, confidence, sentiment, "
                        "sentiment_source) SELECT $run_id, feedback_id, intent, confidence, sentiment, "
                        "sentiment_source FROM _intents", {"run_id": run_id})
        finally:
            cur.unregister("_intents")


def _decode(frame: pl.DataFrame, id_col: str) -> pl.DataFrame:
    if frame.height == 0:
        return frame
    figures = [json.loads(f) if f else {} for f in frame["figures"].to_list()]
    return frame.with_columns(
        pl.Series("share", [f.get("share") for f in figures], dtype=pl.Float64),
        pl.Series("confidence", [f.get("confidence") for f in figures], dtype=pl.Float64),
        pl.Series("figures", [json.dumps(f) for f in figures], dtype=pl.Utf8),
    ).rename({id_col: "id"})


def latest_personas(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Persona cards of the latest persona run.

    Returns
    -------
    polars.DataFrame
        run_id, id, name, size, keywords, quotes, figures (JSON text), share, confidence,
        summary (JSON text), created_at; empty when no persona run exists.
    """
    return _decode(run_sql(con, "personas_latest"), "persona_id")


def latest_persona_members(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """user_id, persona_id, persona (name) of the latest persona run (empty without one)."""
    return run_sql(con, "persona_members_latest")


def latest_persona_map(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The stored 2D map of the latest persona run, the frame `embeddings.figures.persona_map` draws.

    Returns
    -------
    polars.DataFrame
        user_id, x, y, persona_id, persona (name); empty without a persona run or when the latest
        run was stored before map coordinates were (schema migration 4).
    """
    return run_sql(con, "persona_map_latest")


def latest_themes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Theme cards of the latest theme run, columns as in `latest_personas` (empty without one)."""
    return _decode(run_sql(con, "themes_latest"), "theme_id")
