-- purpose: the latest intents run with its parameters and summary (method, held-out score, messages)
WITH runs AS (
    SELECT run_id, params, summary, created_at
    FROM analysis_runs
    WHERE kind = 'intents'
)
SELECT run_id, params, summary, created_at
FROM runs
ORDER BY created_at DESC, run_id DESC
LIMIT 1
