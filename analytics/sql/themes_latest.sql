-- purpose: the theme cards of the latest feedback-theme run
WITH latest AS (
    SELECT run_id, summary, created_at
    FROM analysis_runs
    WHERE kind = 'themes'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
)
SELECT t.run_id, t.theme_id, t.name, t.size, t.keywords, t.quotes, t.figures, l.summary, l.created_at
FROM themes t
JOIN latest l ON l.run_id = t.run_id
ORDER BY t.theme_id
