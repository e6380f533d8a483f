-- purpose: the persona cards of the latest persona run
WITH latest AS (
    SELECT run_id, params, summary, created_at
    FROM analysis_runs
    WHERE kind = 'personas'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
)
SELECT p.run_id, p.persona_id, p.name, p.size, p.keywords, p.quotes, p.figures,
       l.summary, l.created_at
FROM personas p
JOIN latest l ON l.run_id = p.run_id
ORDER BY p.persona_id
