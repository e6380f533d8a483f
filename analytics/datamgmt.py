"""Data management: delete a loaded batch; forget a user everywhere (`analytics.erasure`)."""

from __future__ import annotations

import duckdb

from analytics.erasure import Erasure, forget_user
from analytics.errors import UserLensError
from analytics.workspace import DATA_TABLES, Workspace

__all__ = ["BATCH_TABLES", "Erasure", "delete_batch", "delete_batch_rows", "forget_user"]

BATCH_TABLES = ("events", "users", "feedback", "kano_responses", "requirements", "rejects")


def _count(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> int:
    row = cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()[0]
    return int(row[0]) if row else 0


def delete_batch_rows(cur: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, int]:
    """Delete a batch's rows from every table inside the caller's transaction; rows removed per table."""
    out = {t: _count(cur, f"DELETE FROM {t} WHERE batch_id = $b", {"b": batch_id}) for t in BATCH_TABLES}
    out["batches"] = _count(cur, "DELETE FROM batches WHERE batch_id = $b", {"b": batch_id})
    return out


def delete_batch(ws: Workspace, batch_id: int) -> dict[str, int]:
    """Delete everything one load brought in: its rows, its rejects and its batches entry.

    Users and requirements are upserted, so a row updated by a later batch belongs to that later
    batch and stays.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    batch_id : int
        The batch, as listed by `analytics.ingest.list_batches`.

    Returns
    -------
    dict[str, int]
        Rows removed per table (events, users, feedback, kano_responses, requirements, rejects, batches).

    Raises
    ------
    UserLensError
        No batch has that id.
    """
    ids = [r[0] for r in ws.con.execute("SELECT batch_id FROM batches ORDER BY batch_id").fetchall()]
    if batch_id not in ids:
        known = ", ".join(map(str, ids)) if ids else "none"
        raise UserLensError(f"There is no batch {batch_id} (loaded batches: {known}).")
    with ws.write(*DATA_TABLES, "batches", "rejects") as cur:
        return delete_batch_rows(cur, batch_id)
