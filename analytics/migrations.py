"""Numbered schema migrations for the workspace (DESIGN §2). Append; never edit a released step."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core tables", """
CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS table_versions (name VARCHAR PRIMARY KEY, version BIGINT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS batch_id_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
    rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, mapping JSON,
    loaded_at TIMESTAMPTZ DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS rejects (
    batch_id INTEGER, row_number BIGINT, raw_line VARCHAR, reason VARCHAR, column_name VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    user_id VARCHAR NOT NULL, event VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL,
    session_id VARCHAR, properties JSON, batch_id INTEGER);
CREATE TABLE IF NOT EXISTS users (
    user_id VARCHAR PRIMARY KEY, first_seen TIMESTAMPTZ, signup_ts TIMESTAMPTZ,
    attributes JSON, batch_id INTEGER);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id VARCHAR NOT NULL, user_id VARCHAR, ts TIMESTAMPTZ, text VARCHAR NOT NULL,
    rating DOUBLE, score_0_10 DOUBLE, channel VARCHAR, properties JSON, batch_id INTEGER);
CREATE TABLE IF NOT EXISTS kano_responses (
    respondent_id VARCHAR NOT NULL, feature VARCHAR NOT NULL,
    functional TINYINT NOT NULL, dysfunctional TINYINT NOT NULL,
    importance DOUBLE, user_id VARCHAR, attributes JSON, batch_id INTEGER);
CREATE TABLE IF NOT EXISTS requirements (
    req_id VARCHAR PRIMARY KEY, title VARCHAR, description VARCHAR, kano_feature VARCHAR,
    reach DOUBLE, impact DOUBLE, confidence DOUBLE, effort DOUBLE, cost DOUBLE,
    business_value DOUBLE, time_criticality DOUBLE, risk_reduction DOUBLE,
    properties JSON, batch_id INTEGER);
CREATE TABLE IF NOT EXISTS embedding_cache (
    model VARCHAR NOT NULL, text_sha256 VARCHAR NOT NULL, vector FLOAT[] NOT NULL,
    PRIMARY KEY (model, text_sha256));
CREATE TABLE IF NOT EXISTS analysis_runs (
    run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, params JSON, summary JSON,
    created_at TIMESTAMPTZ DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS personas (
    run_id VARCHAR, persona_id INTEGER, name VARCHAR, size BIGINT, keywords VARCHAR[],
    quotes VARCHAR[], figures JSON);
CREATE TABLE IF NOT EXISTS persona_members (run_id VARCHAR, user_id VARCHAR, persona_id INTEGER);
CREATE TABLE IF NOT EXISTS themes (
    run_id VARCHAR, theme_id INTEGER, name VARCHAR, size BIGINT, keywords VARCHAR[],
    quotes VARCHAR[], figures JSON);
CREATE TABLE IF NOT EXISTS theme_members (run_id VARCHAR, feedback_id VARCHAR, theme_id INTEGER);
CREATE TABLE IF NOT EXISTS requirement_evidence (
    run_id VARCHAR, req_id VARCHAR, feedback_id VARCHAR, user_id VARCHAR, similarity DOUBLE);
"""),
    (4, "persona map coordinates", """
ALTER TABLE persona_members ADD COLUMN x DOUBLE;
ALTER TABLE persona_members ADD COLUMN y DOUBLE;
"""),
    (7, "intents, labels and proposed requirements", """
CREATE TABLE IF NOT EXISTS intent_definitions (
    label VARCHAR PRIMARY KEY, description VARCHAR NOT NULL, position INTEGER);
CREATE TABLE IF NOT EXISTS feedback_labels (
    feedback_id VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, source VARCHAR,
    labelled_at TIMESTAMPTZ DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS feedback_intents (
    run_id VARCHAR NOT NULL, feedback_id VARCHAR NOT NULL, intent VARCHAR, confidence DOUBLE,
    sentiment VARCHAR, sentiment_source VARCHAR);
CREATE TABLE IF NOT EXISTS requirement_proposals (
    proposal_id VARCHAR PRIMARY KEY, run_id VARCHAR NOT NULL, theme_id INTEGER, title VARCHAR,
    description VARCHAR, evidence_count BIGINT, distinct_users BIGINT, personas VARCHAR[],
    quotes VARCHAR[], feedback_ids VARCHAR[], status VARCHAR NOT NULL DEFAULT 'proposed',
    req_id VARCHAR, created_at TIMESTAMPTZ DEFAULT current_timestamp);
"""),
]
