"""Data management: delete a loaded batch; forget a user everywhere (right to erasure)."""

from __future__ import annotations

import re

import duckdb

from analytics.errors import UserLensError
from analytics.pseudonymise import hmac_id
from analytics.workspace import DATA_TABLES, Workspace

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


def _canonical(user_id: str) -> str:
    text = str(user_id).strip()
    return re.sub(r"^(-?\d+)\.0+$", r"\1", text)


def forget_user(ws: Workspace, user_id: str) -> dict[str, int]:
    """Remove a user from every table: events, users, feedback, Kano answers, persona and theme
    membership, requirement evidence, and reject lines that hold the id as a value.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    user_id : str
        The id as it appears in the source data ("17850.0" and "17850" are the same user). When any
        batch was pseudonymised, the HMAC of the id under the workspace secret is removed as well.

    Returns
    -------
    dict[str, int]
        Rows removed per table.
    """
    canon = _canonical(user_id)
    if not canon:
        raise UserLensError("Give the user id to forget (it was empty).")
    ids = [canon]
    pseudo = ws.con.execute(
        "SELECT count(*) FROM batches WHERE json_extract_string(mapping, '$.pseudonymised') = 'true'"
    ).fetchall()[0][0]
    if pseudo:
        ids.append(hmac_id(ws.secret(), canon))
    p = {"ids": ids, "quoted": [f'"{i}"' for i in ids]}
    out: dict[str, int] = {}
    with ws.write(*DATA_TABLES, "persona_members", "themes", "requirement_evidence", "rejects") as cur:
        fids = "(SELECT feedback_id FROM feedback WHERE list_contains($ids, user_id))"
        out["theme_members"] = _count(cur, f"DELETE FROM theme_members WHERE feedback_id IN {fids}", p)
        out["requirement_evidence"] = _count(
            cur, "DELETE FROM requirement_evidence WHERE list_contains($ids, user_id) "
                 f"OR feedback_id IN {fids}", p)
        for table in ("events", "users", "feedback", "kano_responses", "persona_members"):
            out[table] = _count(cur, f"DELETE FROM {table} WHERE list_contains($ids, user_id)", p)
        out["rejects"] = _count(
            cur, "DELETE FROM rejects WHERE len(list_filter($quoted, lambda q: contains(raw_line, q))) > 0",
            p)
    return out
