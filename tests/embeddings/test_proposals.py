"""Proposed requirements: uncovered feature-request themes, stored for SQL, accepted into the backlog."""

from __future__ import annotations

import pytest

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql
from embeddings.intent_labels import set_intent_definitions
from embeddings.linking import link_requirements
from embeddings.personas import run_personas
from embeddings.proposals import accept_proposed, latest_proposals, propose_requirements
from embeddings.themes import run_themes
from tests.helpers import GROUP_TEXTS
from tests.embeddings.test_linking_cli import add_requirements

INTENTS = {"feature request": "export report csv pdf please", "bug report": "jira slack sync breaks drops"}


def test_uncovered_feature_request_theme_is_proposed_and_accepted(planted_ws, fake_encoder):
    set_intent_definitions(planted_ws, INTENTS)
    run_personas(planted_ws, k=2, encoder=fake_encoder)
    run = run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    proposals = latest_proposals(planted_ws)
    assert proposals.height == 1  # the exporters' theme; the integrators' theme is bug reports
    p = proposals.row(0, named=True)
    exporters = next(c for c in run.clusters if "export" in c["keywords"])
    assert p["theme_id"] == exporters["id"] and p["title"].lower() == exporters["name"].lower()
    assert p["evidence_count"] == 15 and p["distinct_users"] == 15 and p["status"] == "proposed"
    assert len(p["personas"]) >= 1
    assert p["description"].startswith("15 feature requests in the feedback theme")
    assert len(p["quotes"]) == 3 and set(p["quotes"]) <= set(GROUP_TEXTS["exporters"])
    assert run.to_json()["proposed_requirements"][0]["proposal_id"] == p["proposal_id"]

    req_id = accept_proposed(planted_ws, p["proposal_id"])
    row = planted_ws.con.execute("SELECT title, reach FROM requirements WHERE req_id = ?",
                                 [req_id]).fetchall()
    assert row == [(p["title"], 15.0)]  # reach = distinct users of its evidence
    assert latest_proposals(planted_ws)["status"].to_list() == ["accepted"]
    with pytest.raises(UserLensError, match="already accepted"):
        accept_proposed(planted_ws, p["proposal_id"])
    with pytest.raises(UserLensError, match="No proposed requirement"):
        accept_proposed(planted_ws, "P-none-9")
    ranked = run_sql(planted_ws.con, "requirements_with_evidence", evidence_run="", persona_run="")
    assert req_id in ranked["req_id"].to_list()  # it ranks like any other requirement

    # the next theme run does not propose what the backlog now has (same title)
    run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert latest_proposals(planted_ws).height == 0


def test_a_theme_the_backlog_covers_is_not_proposed(planted_ws, fake_encoder):
    set_intent_definitions(planted_ws, INTENTS)
    add_requirements(planted_ws)
    link_requirements(planted_ws, threshold=0.3, encoder=fake_encoder)  # R1 links the export feedback
    run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert latest_proposals(planted_ws).height == 0
    assert propose_requirements(planted_ws).height == 0  # callable again, idempotent


def test_linking_after_the_themes_withdraws_a_covered_proposal(planted_ws, fake_encoder):
    set_intent_definitions(planted_ws, INTENTS)
    run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert latest_proposals(planted_ws).height == 1  # nothing linked yet: the exporters' theme is proposed
    add_requirements(planted_ws)
    link_requirements(planted_ws, threshold=0.3, encoder=fake_encoder)  # R1 now covers it
    assert latest_proposals(planted_ws).height == 0
