-- purpose: per requirement, the evidence of the latest linking run that passes the intent/sentiment filter
--          (items and distinct users); requirements with none left out.
WITH evidence_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'evidence' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
kept AS (
    SELECT feedback_id FROM voice_assigned(CAST($intents AS VARCHAR[]), CAST($sentiments AS VARCHAR[]))
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
