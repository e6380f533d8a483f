"""analytics.catalog: event names, user attribute keys, evidence quotes (hand-computed)."""

from __future__ import annotations

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
