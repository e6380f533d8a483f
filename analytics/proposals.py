"""Proposed requirements as the pages and the report read them (DESIGN §7).

`embeddings.proposals` finds them (feature-request themes no backlog item covers) and stores them in
``requirement_proposals``; this module reads the latest run's proposals back with SQL, narrowed by
the intent/sentiment filter, so the report and the Prioritisation page need no model code.
"""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.sqlfiles import run_sql
from analytics.voice_filter import ALL, VoiceFilter, filter_proposals


def latest_proposals(con: duckdb.DuckDBPyConnection, *, voice: VoiceFilter = ALL,
                     status: str | None = None) -> pl.DataFrame:
    """Proposals of the latest themes run, largest evidence first.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    voice : VoiceFilter
        Keep proposals whose feature requests include an item that passes it.
    status : {'proposed', 'accepted'}, optional
        Keep one status only.

    Returns
    -------
    polars.DataFrame
        proposal_id, run_id, theme_id, title, description, evidence_count, distinct_users, personas,
        quotes, feedback_ids, status, req_id, created_at.
    """
    frame = filter_proposals(con, run_sql(con, "requirement_proposals_latest"), voice)
    return frame if status is None else frame.filter(pl.col("status") == status)
