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
    # Period macros (like dbt macros): the one definition of a local day and a period number that every
    # behaviour query uses (DESIGN §4; analytics/periods.py explains tz and wshift). DuckDB expands a
    # macro into the query before planning, so a macro costs nothing at run time. DuckDB's `//`
    # truncates towards zero, so days before 1970 need floor_div. The activity tables
    # hold user activity per local period, pre-aggregated and without user ids (analytics/activity.py).
    (6, "period macros and activity tables", """
CREATE OR REPLACE MACRO floor_div(a, b) AS a // b - CASE WHEN a % b < 0 THEN 1 ELSE 0 END;
CREATE OR REPLACE MACRO local_day(ts, tz) AS
    floor_div(CASE WHEN tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone(tz, ts)) END, 86400000000);
CREATE OR REPLACE MACRO period_number(dnum, period, wshift) AS
    CASE period WHEN 'day' THEN dnum
                WHEN 'week' THEN floor_div(dnum + wshift, 7)
                ELSE year(DATE '1970-01-01' + dnum::INTEGER) * 12
                     + month(DATE '1970-01-01' + dnum::INTEGER) - 1 END;
CREATE OR REPLACE MACRO period_first_day(pnum, period, wshift) AS
    CASE period WHEN 'day' THEN DATE '1970-01-01' + pnum::INTEGER
                WHEN 'week' THEN DATE '1970-01-01' + (7 * pnum - wshift)::INTEGER
                ELSE make_date((pnum // 12)::BIGINT, (pnum % 12 + 1)::BIGINT, 1) END;
CREATE OR REPLACE MACRO local_midnight(d, tz) AS
    CASE WHEN tz = 'UTC' THEN d::TIMESTAMP::TIMESTAMPTZ ELSE timezone(tz, d::TIMESTAMP) END;
CREATE TABLE IF NOT EXISTS activity (
    grain VARCHAR NOT NULL, timezone VARCHAR NOT NULL, wshift INTEGER NOT NULL,
    pnum BIGINT NOT NULL, prev_p BIGINT, next_p BIGINT,
    first_p BIGINT NOT NULL, last_p BIGINT NOT NULL, user_first_day BIGINT NOT NULL, users BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS activity_builds (
    grain VARCHAR NOT NULL, timezone VARCHAR NOT NULL, wshift INTEGER NOT NULL, format INTEGER NOT NULL,
    neighbours BOOLEAN NOT NULL, events_version BIGINT NOT NULL, events_rows BIGINT NOT NULL,
    last_ts TIMESTAMPTZ, built_at TIMESTAMPTZ DEFAULT current_timestamp,
    PRIMARY KEY (grain, timezone, wshift));
CREATE OR REPLACE MACRO activity_of(of_grain, of_tz, of_wshift) AS TABLE
    SELECT * FROM activity
    WHERE grain = of_grain AND timezone = of_tz
      AND wshift = CASE WHEN of_grain = 'week' THEN of_wshift ELSE 0 END;
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
    # The intent/sentiment filter (analytics/voice_filter.py), defined once: the items of the latest
    # intents run whose intent and sentiment are in the chosen lists (an empty list lets every value
    # through). The themes, personas, prioritisation and report views all select from it.
    (8, "voice filter macro", """
CREATE OR REPLACE MACRO voice_assigned(intents, sentiments) AS TABLE
    WITH latest AS (
        SELECT run_id FROM analysis_runs WHERE kind = 'intents' ORDER BY created_at DESC, run_id DESC LIMIT 1
    ),
    assigned AS (
        SELECT i.feedback_id, any_value(i.intent) AS intent, any_value(i.confidence) AS confidence,
               any_value(i.sentiment) AS sentiment
        FROM feedback_intents AS i
        JOIN latest AS l ON l.run_id = i.run_id
        GROUP BY i.feedback_id
    )
    SELECT * FROM assigned
    WHERE (len(intents) = 0 OR list_contains(intents, intent))
      AND (len(sentiments) = 0 OR list_contains(sentiments, sentiment));
"""),
]
