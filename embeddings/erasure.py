"""Forgetting a user, with persona and theme runs kept: their quotes re-picked without the user's words.

`forget_user_everywhere` is the one function the ``userlens forget`` verb and the Data page call.
It runs `analytics.erasure.forget_user` (every table, rejects, the embedding cache) with a hook that,
inside the same transaction, revisits each persona and theme cluster the user belonged to:

- a stored quote that only the user wrote is dropped and the cluster's quotes are picked again the
  way the run picked them (closest to the centre, then MMR) from the members that remain, using the
  vectors of the run's model from the embedding cache (no model is loaded; without cached vectors
  the remaining quotes are kept as they are);
- a keyword that only the user's texts contained is dropped, and a name made of keywords is
  rebuilt from the keywords that remain.

The run itself (members, sizes, figures) stays as it was computed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import polars as pl

from analytics.erasure import Erasure, ForgottenUser, forget_user
from analytics.workspace import Workspace
from embeddings.encoders.base import l2_normalise
from embeddings.keywords import tokenize
from embeddings.quotes import mmr_quotes

QUOTES = 3  # quotes per card, as the runs pick them

# kind -> (cluster table, cluster id column, SQL of the remaining members' feedback: owner, text)
_KINDS = {
    "personas": ("personas", "persona_id",
                 "SELECT f.user_id AS owner, f.text FROM persona_members AS m JOIN feedback AS f "
                 "ON f.user_id = m.user_id WHERE m.run_id = $run AND m.persona_id = $cluster "
                 "AND f.text IS NOT NULL AND trim(f.text) <> '' ORDER BY f.feedback_id, f.ts"),
    "themes": ("themes", "theme_id",
               "SELECT f.feedback_id AS owner, f.text FROM theme_members AS m JOIN feedback AS f "
               "ON f.feedback_id = m.feedback_id WHERE m.run_id = $run AND m.theme_id = $cluster "
               "AND f.text IS NOT NULL AND trim(f.text) <> '' ORDER BY f.feedback_id, f.ts"),
}


@dataclass
class _Card:
    cluster: int
    name: str
    keywords: list[str]
    quotes: list[str]


def _vectors(cur: duckdb.DuckDBPyConnection, model: str | None, texts: list[str]) -> np.ndarray | None:
    """Cached vectors of `texts` under `model`, row per text; None when any is missing."""
    if not model or not texts:
        return None
    frame = cur.sql("SELECT t.text, c.vector FROM (SELECT DISTINCT unnest($texts) AS text) AS t "
                    "JOIN embedding_cache AS c ON c.model = $model AND c.text_sha256 = sha256(t.text)",
                    params={"texts": texts, "model": model}).pl()
    if frame.height < len(set(texts)):
        return None
    by_text = dict(zip(frame["text"].to_list(), frame["vector"].to_list(), strict=True))
    return l2_normalise(np.asarray([by_text[t] for t in texts], dtype=np.float32))


def _centroid(kind: str, owners: list[str], vectors: np.ndarray) -> np.ndarray:
    """The cluster centre as the run computed it: mean text vector (themes), or the mean over the
    members of each member's normalised mean feedback vector (personas)."""
    if kind == "themes":
        return vectors.mean(0)
    per_owner = pl.DataFrame({"owner": owners, "row": np.arange(len(owners))}).group_by(
        "owner", maintain_order=True).agg("row")
    user_means = np.stack([vectors[rows].mean(0) for rows in per_owner["row"].to_list()])
    return l2_normalise(user_means).mean(0)


def _kept_keywords(keywords: list[str], gone_tokens: set[str], texts: list[str]) -> list[str]:
    """Keywords minus those that only the forgotten texts contained."""
    suspects = [k for k in keywords if k in gone_tokens]
    if not suspects:
        return keywords
    lower = [t.lower() for t in texts]
    still = {k for k in suspects if any(k in t and k in tokenize(t) for t in lower)}
    return [k for k in keywords if k not in suspects or k in still]


def _renamed(name: str, old: list[str], new: list[str], kind: str, cluster: int) -> str:
    """A name whose keyword part (after " · " for personas, all of it for themes) lost a keyword,
    rebuilt from the remaining keywords; any other name is kept."""
    dropped = set(old) - set(new)
    head, sep, tail = name.rpartition(" · ")
    core = re.sub(r" \(\d+\)$", "", tail)
    if not dropped or not dropped & {w.strip() for w in core.split(",")}:
        return name
    words = ", ".join(new[:3])
    if sep:
        return f"{head}{sep}{words}" if words else head
    return words or (f"theme {cluster}" if kind == "themes" else name)


def _repick(cur: duckdb.DuckDBPyConnection, kind: str, run_id: str, card: _Card, model: str | None,
            gone: set[str], gone_tokens: set[str]) -> _Card:
    table, id_col, members_sql = _KINDS[kind]
    rows = cur.execute(members_sql, {"run": run_id, "cluster": card.cluster}).fetchall()
    owners, texts = [r[0] for r in rows], [r[1] for r in rows]
    quotes = [q for q in card.quotes if q not in gone]
    if len(quotes) < len(card.quotes):
        vectors = _vectors(cur, model, texts)
        if vectors is not None and len(texts):
            picked = mmr_quotes(vectors, texts, _centroid(kind, owners, vectors), n=QUOTES)
            quotes = [texts[i] for i in picked]
    keywords = _kept_keywords(card.keywords, gone_tokens, texts)
    return _Card(card.cluster, _renamed(card.name, card.keywords, keywords, kind, card.cluster), keywords,
                 quotes)


def _distinct_names(cards: list[_Card]) -> None:
    """Names must tell a run's cards apart: a repeated name gets " (2)", " (3)" ..."""
    seen: dict[str, int] = {}
    for card in cards:
        base = card.name
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            card.name = f"{base} ({seen[base]})"


def repick_runs(cur: duckdb.DuckDBPyConnection, forgotten: ForgottenUser) -> dict[str, int]:
    """Rewrite the quotes, keywords and names of the clusters the forgotten user was in.

    Parameters
    ----------
    cur : duckdb.DuckDBPyConnection
        The cursor of the erasure's write transaction (the user's rows already deleted).
    forgotten : analytics.erasure.ForgottenUser
        The user's clusters and the texts only they wrote.

    Returns
    -------
    dict[str, int]
        Cluster rows rewritten per table ('personas', 'themes'); tables with none are left out.
    """
    gone = set(forgotten.texts)
    if not gone:
        return {}
    gone_tokens = {w for t in gone for w in tokenize(t)}
    out: dict[str, int] = {}
    for kind, clusters in (("personas", forgotten.persona_clusters), ("themes", forgotten.theme_clusters)):
        table, id_col, _ = _KINDS[kind]
        for run_id in sorted({r for r, _ in clusters}):
            params = cur.execute("SELECT params FROM analysis_runs WHERE run_id = $r",
                                 {"r": run_id}).fetchall()
            model = json.loads(params[0][0]).get("encoder") if params and params[0][0] else None
            cards = [_Card(int(c), n, list(k or []), list(q or [])) for c, n, k, q in cur.execute(
                f"SELECT {id_col}, name, keywords, quotes FROM {table} WHERE run_id = $r ORDER BY {id_col}",
                {"r": run_id}).fetchall()]
            touched = {c for r, c in clusters if r == run_id}
            new = [_repick(cur, kind, run_id, c, model, gone, gone_tokens) if c.cluster in touched
                   else replace(c) for c in cards]
            _distinct_names(new)
            for before, after in zip(cards, new, strict=True):
                if before != after:
                    cur.execute(f"UPDATE {table} SET name = $n, keywords = $k, quotes = $q "
                                f"WHERE run_id = $r AND {id_col} = $c",
                                {"n": after.name, "k": after.keywords, "q": after.quotes, "r": run_id,
                                 "c": after.cluster})
                    out[table] = out.get(table, 0) + 1
    return out


def forget_user_everywhere(ws: Workspace, user_id: str) -> Erasure:
    """Forget a user in every table and every stored result, keeping persona and theme runs.

    The one entry point of ``userlens forget`` and the Data page.

    Parameters
    ----------
    ws : Workspace
    user_id : str
        The id as it appears in the source data (see `analytics.erasure.forget_user`).

    Returns
    -------
    analytics.erasure.Erasure
        Rows removed and rewritten per table.
    """
    return forget_user(ws, user_id, rewrite_runs=repick_runs)
