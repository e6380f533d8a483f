"""analytics.catalog: event names, user attribute keys, evidence quotes (hand-computed)."""

from __future__ import annotations

import json

from analytics.catalog import event_names, evidence_quotes, user_attribute_keys
from analytics.workspace import Workspace


def test_catalog_on_a_hand_built_workspace(ws: Workspace) -> None:
    with ws.write("events", "users", "feedback", "requirement_evidence") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES "
                    "('a', 'open', '2024-01-01 00:00Z'), ('a', 'open', '2024-01-02 00:00Z'),"
                    " ('b', 'open', '2024-01-02 00:00Z'), ('b', 'buy', '2024-01-03 00:00Z')")
        cur.execute("INSERT INTO users (user_id, attributes) VALUES ('a', '{\"plan\": \"pro\", \"x\": 1}'),"
                    " ('b', '{\"plan\": \"free\"}'), ('c', '{\"plan\": \"pro\"}')")
        cur.execute("INSERT INTO feedback (feedback_id, user_id, text) VALUES ('f1', 'a', 'sync breaks'),"
                    " ('f2', 'b', 'love sync')")
        cur.execute("INSERT INTO analysis_runs (run_id, kind, created_at) VALUES "
                    "('old', 'evidence', '2024-01-01 00:00Z'),"
                    " ('new', 'evidence', TIMESTAMPTZ '2024-02-01 00:00Z')")
        cur.execute("INSERT INTO requirement_evidence (run_id, req_id, feedback_id, user_id, similarity) "
                    "VALUES ('old', 'R1', 'f2', 'b', 0.9), ('new', 'R1', 'f1', 'a', 0.5),"
                    " ('new', 'R1', 'f2', 'b', 0.7), ('new', 'R2', 'f1', 'a', 0.6)")
    names = event_names(ws.con)
    assert names.rows() == [("open", 3, 2), ("buy", 1, 1)]
    keys = user_attribute_keys(ws.con)
    assert keys.rows() == [("plan", 3, 2), ("x", 1, 1)]
    quotes = evidence_quotes(ws.con, "R1")
    assert quotes["feedback_id"].to_list() == ["f2", "f1"]  # latest run only, most similar first
    assert quotes["text"].to_list() == ["love sync", "sync breaks"]
    assert evidence_quotes(ws.con, "R9").is_empty()


def test_kano_segment_keys_union_own_and_linked_attributes(ws: Workspace) -> None:
    with ws.write("users", "kano_responses") as cur:
        cur.execute("INSERT INTO users (user_id, attributes) VALUES ('a', '{\"plan\": \"pro\"}'),"
                    " ('z', '{\"unlinked\": 1}')")
        cur.execute("INSERT INTO kano_responses (respondent_id, feature, functional, dysfunctional, user_id,"
                    " attributes) VALUES ('r1', 'F', 1, 5, 'a', '{\"role\": \"pm\"}'), ('r2', 'F', 2, 5, "
                    "NULL, NULL)")
    from analytics.catalog import kano_segment_keys

    assert kano_segment_keys(ws.con) == ["plan", "role"]


def test_run_freshness_counts_rows_loaded_after_the_latest_run_of_any_kind(ws: Workspace) -> None:
    from analytics.catalog import run_freshness

    with ws.write("analysis_runs") as cur:
        cur.execute("INSERT INTO batches (batch_id, kind, rows_loaded, loaded_at) VALUES "
                    "(1, 'feedback', 100, '2024-01-01 00:00Z'), (2, 'feedback', 7, '2024-03-01 00:00Z'),"
                    " (3, 'events', 50, '2024-03-02 00:00Z'), (4, 'feedback', 5, '2024-03-03 00:00Z'),"
                    " (5, 'kano', 9, '2024-03-04 00:00Z')")
        cur.execute("INSERT INTO analysis_runs (run_id, kind, created_at) VALUES "
                    "('t1', 'themes', '2024-02-01 00:00Z'), ('i1', 'intents', '2024-01-15 00:00Z'),"
                    " ('i2', 'intents', '2024-03-02 12:00Z'), ('x1', 'churn-model', '2024-02-01 00:00Z')")
    # themes read feedback: batches 2 and 4 came after the run (7 + 5 rows), events do not count
    assert run_freshness(ws.con, "themes").rows() == [("feedback", 12, 2)]
    # intents: only the latest run counts (i2), after which batch 4 arrived
    assert run_freshness(ws.con, "intents").rows() == [("feedback", 5, 1)]
    # a kind the catalog does not know reads every kind of data
    assert run_freshness(ws.con, "churn-model").rows() == [("events", 50, 1), ("feedback", 12, 2),
                                                           ("kano", 9, 1)]
    assert run_freshness(ws.con, "personas").is_empty()  # no such run: nothing to say


def test_attribute_profile_offers_groupings_and_metrics_with_data_behind_them(ws: Workspace) -> None:
    from analytics.catalog import default_group, group_keys, metric_keys, user_attribute_profile

    with ws.write("events", "users") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES ('a', 'open', '2024-01-01 00:00Z'),"
                    " ('b', 'open', '2024-01-01 00:00Z'), ('c', 'open', '2024-01-01 00:00Z')")
        people = {"a": {"variant": "A", "country": "DE", "retention_1": "0.5", "paid": "true"},
                  "b": {"variant": "B", "country": "FR", "retention_1": "0", "paid": "no"},
                  "c": {"variant": "B", "country": "FR", "retention_1": "1", "paid": "yes"},
                  "z": {"only": "here", "variant": "C"}}
        for user, attributes in people.items():
            cur.execute("INSERT INTO users (user_id, attributes) VALUES (?, ?)",
                        [user, json.dumps(attributes)])
    profile = user_attribute_profile(ws.con)
    row = profile.filter(profile["key"] == "variant").row(0, named=True)
    assert (row["users"], row["users_with_events"], row["values_with_events"]) == (4, 3, 2)
    # 'only' has no user with events; assignment names first, text next, numbers last
    assert group_keys(profile) == ["variant", "country", "paid", "retention_1"]
    assert default_group(profile) == "variant"
    assert metric_keys(profile, exclude="variant") == ["paid", "retention_1"]
    numbers_only = profile.filter(profile["key"].is_in(["retention_1"]))
    assert group_keys(numbers_only) == ["retention_1"] and default_group(numbers_only) is None
