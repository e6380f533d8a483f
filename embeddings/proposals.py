"""Proposed requirements: feature-request themes that no backlog item covers (DESIGN §7).

A theme of the latest themes run is a **feature-request theme** when at least
``MIN_FEATURE_SHARE`` of its members have the intent 'feature request' (latest intents run). It is
**covered** when at least ``COVERED_SHARE`` of those feature requests are evidence for a backlog
item (latest evidence run, `userlens link`), or when the backlog already has a requirement with
its title. Every uncovered feature-request theme becomes a proposal:

* title — the theme's name (its top keywords);
* description — what the theme's feature requests are about (its keywords and counts); up to
  three of them are stored as ``quotes`` beside it (a list column, so erasing a user removes their
  words from it — `analytics.erasure` scrubs list columns, never free text that embeds a quote);
* evidence count — its feature-request items; distinct users — their distinct user ids;
* personas — the personas of those users (latest persona run).

`accept_proposed` copies a proposal into ``requirements``; its reach is the proposal's distinct
users (its items when none has a user id), so it ranks like any other requirement. Proposals live
in ``requirement_proposals`` so pages and the report read them with SQL
(``requirement_proposals_latest.sql``) without importing this package.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace

FEATURE_INTENT = "feature request"
MIN_FEATURE_SHARE = 0.4
COVERED_SHARE = 0.1
QUOTES = 3


def propose_requirements(ws: Workspace, *, feature_intent: str = FEATURE_INTENT) -> pl.DataFrame:
    """Find and store the proposals of the latest themes run (accepted ones keep their status).

    Parameters
    ----------
    ws : Workspace
    feature_intent : str
        The intent that marks a request for something new (a team's own set may name it differently).

    Returns
    -------
    polars.DataFrame
        The stored proposals of the latest themes run (`latest_proposals`).
    """
    rows = run_sql(ws.con, "proposal_candidates")
    if rows.is_empty():
        return latest_proposals(ws)
    titles = set(run_sql(ws.con, "requirement_titles")["title"].to_list())
    run_id = rows["run_id"][0]
    keywords = {int(t): list(k) for t, k in run_sql(ws.con, "themes_latest").select("theme_id", "keywords")
                .iter_rows()}
    short = run_id.rsplit("-", 1)[-1]
    found = []
    for (theme_id,), group in rows.group_by(["theme_id"], maintain_order=True):
        wanted = group.filter(pl.col("intent") == feature_intent)
        if wanted.is_empty() or wanted.height < MIN_FEATURE_SHARE * group.height:
            continue
        covered = wanted.filter(pl.col("req_id").is_not_null()).group_by("req_id").len()
        if covered.height and covered["len"].max() >= COVERED_SHARE * wanted.height:
            continue
        title = str(group["theme"][0])
        if title.strip().lower() in titles:
            continue
        quotes = wanted["text"].drop_nulls().unique(maintain_order=True).head(QUOTES).to_list()
        found.append({
            "proposal_id": f"P-{short}-{int(theme_id)}", "run_id": run_id, "theme_id": int(theme_id),
            "title": title[:1].upper() + title[1:],
            "description": (f"{wanted.height} feature requests in the feedback theme “{title}” ask for "
                            f"this ({', '.join(keywords.get(int(theme_id), [])[:6]) or title}); "
                            "see the quotes."),
            "evidence_count": wanted.height, "distinct_users": wanted["user_id"].drop_nulls().n_unique(),
            "personas": sorted(set(wanted["persona"].drop_nulls().to_list())), "quotes": quotes,
            "feedback_ids": wanted["feedback_id"].to_list()})
    frame = pl.DataFrame(found, schema={
        "proposal_id": pl.Utf8, "run_id": pl.Utf8, "theme_id": pl.Int32, "title": pl.Utf8,
        "description": pl.Utf8, "evidence_count": pl.Int64, "distinct_users": pl.Int64,
        "personas": pl.List(pl.Utf8), "quotes": pl.List(pl.Utf8), "feedback_ids": pl.List(pl.Utf8)})
    with ws.write("requirement_proposals") as cur:
        cur.execute("DELETE FROM requirement_proposals WHERE run_id = $run AND status = 'proposed'",
                    {"run": run_id})
        cur.register("_proposals", frame)
        try:
            cur.execute(
                "INSERT INTO requirement_proposals (proposal_id, run_id, theme_id, title, description, "
                "evidence_count, distinct_users, personas, quotes, feedback_ids, status, created_at) "
                "SELECT proposal_id, run_id, theme_id, title, description, evidence_count, distinct_users, "
                "personas, quotes, feedback_ids, 'proposed', $now FROM _proposals "
                "WHERE proposal_id NOT IN (SELECT proposal_id FROM requirement_proposals)",
                {"now": datetime.now(UTC)})
        finally:
            cur.unregister("_proposals")
    return latest_proposals(ws)


def latest_proposals(ws: Workspace) -> pl.DataFrame:
    """Proposals of the latest themes run, largest evidence first (status 'proposed' or 'accepted')."""
    return run_sql(ws.con, "requirement_proposals_latest")


def accept_proposed(ws: Workspace, proposal_id: str) -> str:
    """Add a proposal to the backlog as a requirement and mark it accepted.

    Parameters
    ----------
    ws : Workspace
    proposal_id : str
        An id from `latest_proposals`.

    Returns
    -------
    str
        The new requirement's req_id (the proposal id).
    """
    found = run_sql(ws.con, "requirement_proposal", proposal_id=proposal_id)
    if found.is_empty():
        raise UserLensError(f"No proposed requirement {proposal_id!r}: run `userlens themes` and pick an id "
                            "from its proposals.")
    _, title, description, evidence, users, status, req_id = found.row(0)
    if status == "accepted":
        raise UserLensError(f"Proposal {proposal_id} was already accepted as requirement {req_id}.")
    reach = users or evidence
    why = (f"reach {reach}: distinct users among {evidence} feature requests of the theme" if users
           else f"reach {reach}: feature requests of the theme (none with a user id)")
    properties = json.dumps({"source": "proposed from feedback", "proposal_id": proposal_id,
                             "evidence_count": evidence, "distinct_users": users, "reach_note": why})
    with ws.write("requirements", "requirement_proposals") as cur:
        if cur.execute("SELECT 1 FROM requirements WHERE req_id = $id", {"id": proposal_id}).fetchone():
            raise UserLensError(f"The backlog already has a requirement {proposal_id}; rename it first.")
        cur.execute("INSERT INTO requirements (req_id, title, description, reach, properties) "
                    "VALUES ($id, $title, $description, $reach, $properties::JSON)",
                    {"id": proposal_id, "title": title, "description": description, "reach": float(reach),
                     "properties": properties})
        cur.execute("UPDATE requirement_proposals SET status = 'accepted', req_id = $id "
                    "WHERE proposal_id = $id", {"id": proposal_id})
    return proposal_id
