-- purpose: the feedback behind one requirement in the latest linking run, most similar first.
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'evidence'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
matched AS (
    SELECT e.feedback_id, e.user_id, e.similarity
    FROM requirement_evidence AS e
    JOIN latest AS l ON l.run_id = e.run_id
    WHERE e.req_id = $req_id
)
SELECT m.feedback_id, m.user_id, round(m.similarity, 3) AS similarity, f.ts, f.rating, f.channel, f.text
FROM matched AS m
LEFT JOIN feedback AS f ON f.feedback_id = m.feedback_id
ORDER BY m.similarity DESC, m.feedback_id
