-- purpose: per requirement, the evidence of the latest linking run that passes the intent/sentiment filter
--          (items and distinct users); requirements with none left out.
WITH evidence_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'evidence' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
intent_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'intents' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
assigned AS (
    SELECT i.feedback_id, any_value(i.intent) AS intent, any_value(i.sentiment) AS sentiment
    FROM feedback_intents AS i
    JOIN intent_run AS r ON r.run_id = i.run_id
    GROUP BY i.feedback_id
),
kept AS (
    SELECT feedback_id
    FROM assigned
    WHERE (len(CAST($intents AS VARCHAR[])) = 0 OR list_contains(CAST($intents AS VARCHAR[]), intent))
      AND (len(CAST($sentiments AS VARCHAR[])) = 0 OR list_contains(CAST($sentiments AS VARCHAR[]), sentiment))
),
rows AS (
    SELECT e.req_id, e.feedback_id, e.user_id
    FROM requirement_evidence AS e
    JOIN evidence_run AS r ON r.run_id = e.run_id
    JOIN kept AS k ON k.feedback_id = e.feedback_id
)
SELECT req_id, count(DISTINCT feedback_id) AS items, count(DISTINCT user_id) AS users
FROM rows
GROUP BY req_id
ORDER BY req_id
