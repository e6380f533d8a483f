"""Personas and themes on small hand-built workspaces with planted groups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.errors import UserLensError
from embeddings.features import combine_blocks
from embeddings.personas import latest_personas, persona_name, run_personas
from embeddings.store import latest_persona_members
from embeddings.themes import latest_themes, nps, run_themes
from tests.helpers import insert_rows


def _truth(user_ids):
    return [0 if u.startswith("exp") else 1 for u in user_ids]


def test_personas_recover_planted_groups(planted_ws, fake_encoder):
    run = run_personas(planted_ws, k=2, seed=0, encoder=fake_encoder)
    coords = run.coords.sort("user_id")
    assert adjusted_rand_score(_truth(coords["user_id"].to_list()), coords["persona_id"].to_list()) == 1.0
    by_name = {c["name"]: c for c in run.clusters}
    exporters = next(c for c in run.clusters if "export" in c["keywords"][:3])
    integrators = next(c for c in run.clusters if c is not exporters)
    assert {"jira", "slack", "sync"} <= set(integrators["keywords"][:4])
    assert exporters["name"].startswith("Export report & view dashboard users · ")
    assert integrators["name"].startswith("Sync jira & post slack users · ")
    assert len(by_name) == 2
    for card in run.clusters:
        assert card["size"] == 15 and card["share"] == pytest.approx(0.5)
        assert 0.0 < card["confidence"] <= 1.0
        assert 1 <= len(card["quotes"]) <= 3 and len(set(card["quotes"])) == len(card["quotes"])
        f = card["figures"]
        assert f["n_with_text"] == 15 and f["n_with_behaviour"] == 15
    # hand-computed: exporters have 3..6 days (u % 4) of 3 events, 15 users -> mean events/user
    days = [3 + u % 4 for u in range(15)]
    assert exporters["figures"]["events_per_user"] == pytest.approx(3 * sum(days) / 15)
    assert exporters["figures"]["mean_rating"] == 4.0 and integrators["figures"]["mean_rating"] == 2.0
    assert exporters["figures"]["top_events"][0]["event"] == "export_report"
    # a user with n active days has events on days 0, 3, ..., 3(n-1); week 1 = days [7, 14) holds
    # day 9 only when n >= 4. The data ends on day 15, so week 1 is observable for everyone and
    # week 4 (days 28..35) for no one.
    assert exporters["figures"]["retention_p4"] is None
    assert exporters["figures"]["retention_p1"] == pytest.approx(sum(d >= 4 for d in days) / 15)


def test_personas_are_reproducible_and_stored(planted_ws, fake_encoder):
    a = run_personas(planted_ws, k=3, seed=5, encoder=fake_encoder)
    b = run_personas(planted_ws, k=3, seed=5, encoder=fake_encoder)
    assert a.run_id != b.run_id
    assert a.clusters == b.clusters
    assert a.coords.equals(b.coords)
    stored = latest_personas(planted_ws.con)
    assert stored["run_id"].unique().to_list() == [b.run_id]
    assert stored["name"].to_list() == [c["name"] for c in b.clusters]
    assert stored["size"].sum() == 30
    assert json.loads(stored["figures"][0])["n_with_text"] == b.clusters[0]["figures"]["n_with_text"]
    members = latest_persona_members(planted_ws.con)
    assert members.height == 30 and set(members["persona"]) == {c["name"] for c in b.clusters}


def test_users_with_only_text_or_only_behaviour(planted_ws, fake_encoder):
    t = datetime(2024, 2, 1, tzinfo=UTC)
    insert_rows(planted_ws,
                [(f"silent{i}", "export_report", t + timedelta(days=i)) for i in range(3)],
                [(f"fb-talk{i}", f"talk{i}", t, "csv export keeps failing", None, None) for i in range(2)])
    run = run_personas(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert run.coords.height == 35
    assert sum(c["figures"]["n_with_text"] for c in run.clusters) == 32
    assert sum(c["figures"]["n_with_behaviour"] for c in run.clusters) == 33
    assert run.coords.filter(run.coords["user_id"].str.starts_with("talk"))["persona_id"].n_unique() == 1


def test_behaviour_only_workspace_and_errors(ws, fake_encoder):
    t = datetime(2024, 1, 1, tzinfo=UTC)
    insert_rows(ws, [(f"u{i}", "a" if i < 4 else "b", t + timedelta(hours=i)) for i in range(8)], [])
    run = run_personas(ws, k=2, encoder=fake_encoder, text_weight=0.0)
    assert sorted(c["size"] for c in run.clusters) == [4, 4]
    assert all(c["keywords"] == [] and c["quotes"] == [] for c in run.clusters)
    with pytest.raises(UserLensError, match="--k 99"):
        run_personas(ws, k=99, encoder=fake_encoder)
    with pytest.raises(UserLensError, match="text weight"):
        run_personas(ws, k=2, encoder=fake_encoder, text_weight=1.5)


def test_combine_blocks_weights():
    text = np.array([[1.0, 0.0]], dtype=np.float32)
    beh = np.array([[0.0, 1.0, 0.0]], dtype=np.float32)
    out = combine_blocks(text, beh, 0.25)
    np.testing.assert_allclose(out, [[0.5, 0.0, 0.0, np.sqrt(0.75), 0.0]], rtol=1e-6)
    assert np.linalg.norm(out) == pytest.approx(1.0)


def test_persona_name_never_invents():
    name = persona_name(["jira", "slack", "sync", "x"], ["sync_jira"], 1.0)
    assert name == "Sync jira users · jira, slack, sync"
    assert persona_name(["csv"], [], 2.0) == "Highly active users · csv"
    assert persona_name([], [], 0.3) == "Light users"
    assert persona_name(["a"], [], None) == "Feedback-only users · a"


def test_nps_hand_computed():
    assert nps(np.array([10, 9, 8, 7, 6, 0])) == pytest.approx(100 * (2 / 6 - 2 / 6))
    assert nps(np.array([10, 10, 3, np.nan])) == pytest.approx(100 * (2 / 3 - 1 / 3))
    assert nps(np.array([np.nan])) is None


def test_themes_recover_groups_with_trend_and_nps_impact(planted_ws, fake_encoder):
    run = run_themes(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert sorted(c["size"] for c in run.clusters) == [15, 15]
    members = run.members.sort("feedback_id")
    truth = [0 if f.startswith("f-exp") else 1 for f in members["feedback_id"]]
    assert adjusted_rand_score(truth, members["theme_id"].to_list()) == 1.0
    exporters = next(c for c in run.clusters if "export" in c["keywords"])
    f = exporters["figures"]
    # exporters all score 9 (promoters), integrators 3 (detractors): overall NPS 0,
    # NPS without exporters -100, so the exporters' theme lifts NPS by 100
    assert f["nps"] == 100.0 and f["nps_impact"] == pytest.approx(100.0)
    assert f["mean_rating"] == 4.0
    # feedback on day 10 + 3u after Jan 1 for u = 0..14: u = 0..6 in January (Jan 11..29),
    # u = 7..14 in February (Feb 1..22)
    months = {"2024-01-01": 7, "2024-02-01": 8}
    assert {p["month"]: p["count"] for p in f["trend"]} == months
    assert run.trend["count"].sum() == 30
    stored = latest_themes(planted_ws.con)
    assert stored["run_id"].unique().to_list() == [run.run_id] and stored["size"].sum() == 30


def test_themes_auto_k_and_too_little_feedback(ws, fake_encoder):
    insert_rows(ws, [], [("f1", None, None, "only one", None, None)])
    with pytest.raises(UserLensError, match="at least two"):
        run_themes(ws, encoder=fake_encoder)
