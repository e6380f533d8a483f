-- purpose: per requirement, the feedback evidence of the latest linking run (count, distinct users, best similarity)
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'evidence'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
rows AS (
    SELECT e.req_id, e.feedback_id, e.user_id, e.similarity
    FROM requirement_evidence e
    JOIN latest l ON l.run_id = e.run_id
)
SELECT req_id,
       count(*) AS evidence_count,
       count(DISTINCT user_id) AS distinct_users,
       max(similarity) AS max_similarity
FROM rows
GROUP BY req_id
ORDER BY req_id
