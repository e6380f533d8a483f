"""Forgetting one user everywhere (right to erasure), table by table, in one transaction.

What goes (DESIGN §4 "Privacy guarantees"):

- rows keyed by the user in every table of the catalogue (``information_schema``, so a table added
  later is covered): a ``user_id`` or ``respondent_id`` column equal to the id (or its HMAC when
  a load was pseudonymised); in tables without a ``user_id`` column, rows whose ``feedback_id`` is
  one of the user's feedback items (theme membership, labels ...);
- rejected lines that hold the id as a value, in any form the loader would have trimmed to it:
  padded (``" u42 "``), quoted, in a line that never parsed (``u42,app_open``), or as a float
  (``17850.0``); the whole line goes, with anything else on it;
- the user's words in derived results: stored quotes (and any string in list or JSON columns of
  derived tables) equal to a text only they wrote. A `rewrite_runs` hook (the embeddings package's
  re-pick, see `embeddings.erasure`) may first replace such quotes with others of the same cluster;
- embedding-cache entries of texts nobody else wrote (the key is sha256 of the text).

Counts of other statistics (sizes, means in stored figures) are left as they were computed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.pseudonymise import canonical_id, hmac_id
from analytics.sqlfiles import quote_ident, quote_literal
from analytics.workspace import DATA_TABLES, Workspace

# Tables that hold source rows or bookkeeping: never scrubbed for quotes (other users' own text).
SOURCE_TABLES = frozenset({*DATA_TABLES, "rejects", "batches", "settings", "table_versions",
                           "schema_migrations", "embedding_cache"})
KEY_COLUMNS = ("user_id", "respondent_id")
COMPACT_PENDING = "_compact_pending"  # setting: an erasure happened, the file still holds freed bytes


@dataclass
class ForgottenUser:
    """What a `rewrite_runs` hook needs to know about the user being forgotten."""

    ids: list[str]  # the canonical id, and its HMAC when a load was pseudonymised
    feedback_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # their feedback texts that nobody else wrote
    persona_clusters: list[tuple[str, int]] = field(default_factory=list)  # (run_id, persona_id)
    theme_clusters: list[tuple[str, int]] = field(default_factory=list)  # (run_id, theme_id)


RewriteRuns = Callable[[duckdb.DuckDBPyConnection, ForgottenUser], dict[str, int]]


@dataclass
class Erasure:
    """What `forget_user` did: rows removed and rows rewritten per table."""

    user_id: str
    removed: dict[str, int]
    rewritten: dict[str, int]

    @property
    def rows_removed(self) -> int:
        return sum(self.removed.values())

    def to_json(self) -> dict[str, Any]:
        """``{"user_id", "removed": {table: rows}, "rewritten": {table: rows}, "rows_removed",
        "rows_rewritten"}``."""
        return {"user_id": self.user_id, "removed": self.removed, "rewritten": self.rewritten,
                "rows_removed": self.rows_removed, "rows_rewritten": sum(self.rewritten.values())}

    def frame(self) -> pl.DataFrame:
        """One row per table touched: table, rows_removed, rows_rewritten (what the CLI and the page show)."""
        tables = [t for t in dict.fromkeys([*self.removed, *self.rewritten])
                  if self.removed.get(t) or self.rewritten.get(t)]
        return pl.DataFrame({"table": tables, "rows_removed": [self.removed.get(t, 0) for t in tables],
                             "rows_rewritten": [self.rewritten.get(t, 0) for t in tables]},
                            schema={"table": pl.Utf8, "rows_removed": pl.Int64, "rows_rewritten": pl.Int64})


def user_keys(ws: Workspace, user_id: str) -> list[str]:
    """The forms a user id is stored in: canonical text, plus its HMAC if any load was pseudonymised."""
    canon = canonical_id(str(user_id))
    if not canon:
        raise UserLensError("Give the user id to forget (it was empty).")
    pseudo = ws.con.execute(
        "SELECT count(*) FROM batches WHERE json_extract_string(mapping, '$.pseudonymised') = 'true'"
    ).fetchall()[0][0]
    return [canon, hmac_id(ws.secret(), canon)] if pseudo else [canon]


def _re_escape(text: str) -> str:
    """Escape for both RE2 and Python `re` (only the metacharacters; both accept these escapes)."""
    return re.sub(r"([\\.^$|?*+()\[\]{}\-])", r"\\\1", text)


def reject_pattern(ids: list[str]) -> str:
    """Regular expression finding any of `ids` as a whole value of a rejected line.

    A value is delimited by the start or end of the line, , ; tab | or JSON punctuation, with blanks
    and quotes around it; an integer id also matches its float forms (17850.0, 17850.00).
    """
    forms = []
    for uid in ids:
        for text in dict.fromkeys([uid, json.dumps(uid)[1:-1]]):
            forms.append(_re_escape(text) + (r"(\.0+)?" if re.fullmatch(r"-?[0-9]+", text) else ""))
    return (r"(^|[,;\t|:{\[])[ \t\r\n]*\"?[ \t\r\n]*(" + "|".join(forms)
            + r")[ \t\r\n]*\"?[ \t\r\n]*($|[,;\t|}\]])")


def _catalogue(cur: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Every base table of the workspace with its columns and their types."""
    rows = cur.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns AS c "
        "JOIN information_schema.tables AS t "
        "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name, c.ordinal_position").fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, {})[column] = dtype
    return out


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple]:
    """Execute with only the parameters `sql` names (DuckDB refuses extra ones); every row."""
    return cur.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()


def _count(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> int:
    rows = _rows(cur, sql, params)
    return int(rows[0][0]) if rows else 0


def _collect(cur: duckdb.DuckDBPyConnection, ids: list[str]) -> ForgottenUser:
    """The user's feedback (kept in a temp table for the deletes) and the clusters they were in."""
    cur.execute("CREATE OR REPLACE TEMP TABLE ul_forget_feedback AS SELECT DISTINCT feedback_id, text "
                "FROM feedback WHERE list_contains($ids, user_id)", {"ids": ids})
    fb = cur.execute("SELECT feedback_id FROM ul_forget_feedback").fetchall()
    personas = cur.execute("SELECT DISTINCT run_id, persona_id FROM persona_members "
                           "WHERE list_contains($ids, user_id) ORDER BY ALL", {"ids": ids}).fetchall()
    themes = cur.execute("SELECT DISTINCT run_id, theme_id FROM theme_members WHERE feedback_id IN "
                         "(SELECT feedback_id FROM ul_forget_feedback) ORDER BY ALL").fetchall()
    return ForgottenUser(ids, [r[0] for r in fb], [], [(r[0], int(r[1])) for r in personas],
                         [(r[0], int(r[1])) for r in themes])


def _delete_keyed(cur: duckdb.DuckDBPyConnection, catalogue: dict[str, dict[str, str]],
                  ids: list[str]) -> dict[str, int]:
    """Delete the user's rows from every table that is keyed by a user or by a feedback item."""
    out: dict[str, int] = {}
    fids = "(SELECT feedback_id FROM ul_forget_feedback)"
    order = {t: i for i, t in enumerate(DATA_TABLES)}
    for table in sorted(catalogue, key=lambda t: (order.get(t, len(order)), t)):
        columns = catalogue[table]
        preds = [f"list_contains($ids, {quote_ident(c)})" for c in KEY_COLUMNS if c in columns]
        # Derived rows about one of the user's feedback items (a source table keeps others' rows
        # that happen to reuse the same feedback id in another file).
        if "feedback_id" in columns and table not in DATA_TABLES:
            preds.append(f"feedback_id IN {fids}")
        if preds and table != "rejects":
            where = " OR ".join(preds)
            out[table] = _count(cur, f"DELETE FROM {quote_ident(table)} WHERE {where}", {"ids": ids})
    return out


def _scrub_value(value: Any, texts: set[str]) -> Any:
    """`value` (parsed JSON) without the strings in `texts` (list items dropped, dict values nulled)."""
    if isinstance(value, str):
        return None if value in texts else value
    if isinstance(value, list):
        return [_scrub_value(v, texts) for v in value if not (isinstance(v, str) and v in texts)]
    if isinstance(value, dict):
        return {k: _scrub_value(v, texts) for k, v in value.items()}
    return value


def scrub_derived(cur: duckdb.DuckDBPyConnection, texts: list[str]) -> dict[str, int]:
    """Remove `texts` from every list and JSON column of the derived tables; rows changed per table.

    Parameters
    ----------
    cur : duckdb.DuckDBPyConnection
        A cursor inside the caller's write transaction.
    texts : list of str
        Exact texts to remove (a forgotten user's words that nobody else wrote).

    Returns
    -------
    dict[str, int]
        Rows rewritten per table (tables with none are left out).
    """
    out: dict[str, int] = {}
    if not texts:
        return out
    wanted = set(texts)
    needles = [json.dumps(t, ensure_ascii=False)[1:-1] for t in texts]
    for table, columns in _catalogue(cur).items():
        cols = [(c, t) for c, t in columns.items() if t in ("VARCHAR[]", "JSON")]
        if table in SOURCE_TABLES or not cols:
            continue
        conds = [f"list_has_any({quote_ident(c)}, $t)" if t == "VARCHAR[]" else
                 f"len(list_filter($n, lambda n: contains(CAST({quote_ident(c)} AS VARCHAR), n))) > 0"
                 for c, t in cols]
        picked = ", ".join(quote_ident(c) if t == "VARCHAR[]" else f"CAST({quote_ident(c)} AS VARCHAR)"
                           for c, t in cols)
        tbl = quote_ident(table)
        rows = _rows(cur, f"SELECT rowid, {picked} FROM {tbl} WHERE {' OR '.join(conds)}",
                     {"t": texts, "n": needles})
        for rowid, *values in rows:
            # One UPDATE per row with every changed column (an update may move the row to a new rowid).
            changes = {}
            for (column, dtype), value in zip(cols, values, strict=True):
                if value is None:
                    continue
                if dtype == "VARCHAR[]":
                    new = [v for v in value if v not in wanted]
                    if new != value:
                        changes[column] = ("VARCHAR[]", new)
                else:
                    text = json.dumps(_scrub_value(json.loads(value), wanted), ensure_ascii=False)
                    if text != value and json.loads(text) != json.loads(value):
                        changes[column] = ("JSON", text)
            if changes:
                items = list(changes.items())
                sets = ", ".join(f"{quote_ident(c)} = CAST($v{i} AS {t})"
                                 for i, (c, (t, _)) in enumerate(items))
                cur.execute(f"UPDATE {tbl} SET {sets} WHERE rowid = $r",
                            {"r": rowid, **{f"v{i}": v for i, (_, (_, v)) in enumerate(items)}})
                out[table] = out.get(table, 0) + 1
    return out


def forget_user(ws: Workspace, user_id: str, *, rewrite_runs: RewriteRuns | None = None) -> Erasure:
    """Remove a user from every table and every stored result of a workspace, in one transaction.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    user_id : str
        The id as it appears in the source data ("17850.0" and " 17850 " are the same user). When any
        batch was pseudonymised, the HMAC of the id under the workspace secret is removed as well.
    rewrite_runs : callable, optional
        ``rewrite_runs(cur, forgotten) -> {table: rows rewritten}``, called after the user's rows are
        deleted and before the remaining copies of their words are scrubbed: the place to re-pick
        quotes of persona and theme runs (`embeddings.erasure.forget_user_everywhere` passes one).

    Returns
    -------
    Erasure
        Rows removed and rewritten per table.

    Raises
    ------
    UserLensError
        The id is empty.
    """
    ids = user_keys(ws, user_id)
    # Any table can hold the user (keyed rows, quotes in derived runs): every one is bumped.
    with ws.write(*ws.tables()) as cur:
        catalogue = _catalogue(cur)
        forgotten = _collect(cur, ids)
        removed = _delete_keyed(cur, catalogue, ids)
        removed["rejects"] = _count(cur, "DELETE FROM rejects WHERE regexp_matches(raw_line, $p)",
                                    {"p": reject_pattern(ids)})
        forgotten.texts = [r[0] for r in cur.execute(
            "SELECT DISTINCT text FROM ul_forget_feedback WHERE text IS NOT NULL AND text NOT IN "
            "(SELECT text FROM feedback WHERE text IS NOT NULL) ORDER BY text").fetchall()]
        rewritten = dict(rewrite_runs(cur, forgotten)) if rewrite_runs is not None else {}
        for table, n in scrub_derived(cur, forgotten.texts).items():
            rewritten[table] = max(rewritten.get(table, 0), n)
        removed["embedding_cache"] = _count(
            cur, "DELETE FROM embedding_cache WHERE text_sha256 IN (SELECT sha256(text) FROM "
                 "ul_forget_feedback WHERE text IS NOT NULL AND text NOT IN "
                 "(SELECT text FROM feedback WHERE text IS NOT NULL))", {})
        cur.execute("DROP TABLE IF EXISTS ul_forget_feedback")
        if ws.path != ":memory:":
            cur.execute("INSERT OR REPLACE INTO settings VALUES ($k, 'true')", {"k": COMPACT_PENDING})
    _checkpoint(ws)
    return Erasure(canonical_id(str(user_id)), removed, rewritten)


def _checkpoint(ws: Workspace) -> None:
    """Write the deletions into the workspace file now, so the write-ahead log no longer holds the rows."""
    if ws.path == ":memory:":
        return
    # Another cursor mid-transaction makes it fail; DuckDB then checkpoints on its own later.
    with contextlib.suppress(duckdb.Error):
        ws.con.execute("CHECKPOINT")


def compact_if_pending(path: str | os.PathLike[str]) -> bool:
    """Rewrite a workspace file after an erasure, so that no byte of the erased rows is left in it.

    DuckDB marks deleted rows and freed blocks but does not overwrite them: until the file is
    rewritten, a byte-level search of it can still find an erased user. `forget_user` flags the
    workspace; this copies every table, sequence and setting into a fresh file
    (``COPY FROM DATABASE``) and puts it in place of the old one, then clears the flag. It must run
    while nothing else has the file open: the ``forget`` command runs it after closing its
    workspace, and ``serve``/``demo`` before they start the dashboard (an erasure made in the
    browser is compacted at the next start).

    Parameters
    ----------
    path : str or PathLike
        The workspace file (nothing happens for ``":memory:"``, a missing file or no pending flag).

    Returns
    -------
    bool
        Whether the file was rewritten.
    """
    if str(path) == ":memory:" or not Path(path).expanduser().exists():
        return False
    target = Path(path).expanduser()
    fresh = target.with_name(target.name + ".compact")
    fresh.unlink(missing_ok=True)
    try:
        # A configuration of its own: DuckDB refuses it while any other connection of this process
        # has the file open (another process is kept out by DuckDB's file lock), so nothing that
        # still writes to the old file can be swapped away under it.
        con = duckdb.connect(str(target), config={"custom_user_agent": "userlens-compact"})
    except duckdb.Error as exc:
        raise UserLensError(f"Could not compact the workspace {target} after the erasure: it is open "
                            "elsewhere (the erasure itself is done; the file is compacted at the next "
                            "start).") from exc
    try:
        flagged = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'settings' AND schema_name = 'main'"
        ).fetchall()[0][0] and con.execute(
            "SELECT count(*) FROM settings WHERE key = $k AND value = 'true'", {"k": COMPACT_PENDING}
        ).fetchall()[0][0]
        if not flagged:
            return False
        name = con.execute("SELECT current_database()").fetchall()[0][0]
        con.execute(f"ATTACH {quote_literal(str(fresh))} AS ul_compact")
        con.execute(f"COPY FROM DATABASE {quote_ident(name)} TO ul_compact")
        con.execute("DELETE FROM ul_compact.settings WHERE key = $k", {"k": COMPACT_PENDING})
        con.execute("DETACH ul_compact")
    except duckdb.Error as exc:
        fresh.unlink(missing_ok=True)
        raise UserLensError(f"Could not compact the workspace {target} after the erasure ({exc}); the "
                            "erasure itself is done and the next start tries again.") from exc
    finally:
        con.close()
    shutil.copymode(target, fresh)
    os.replace(fresh, target)
    return True
