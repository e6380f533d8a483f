-- purpose: the latest analysis run of each kind (personas, themes, evidence) with its parameters, for the report's method section.
WITH ranked AS (
    SELECT run_id, kind, params, summary, created_at,
           row_number() OVER (PARTITION BY kind ORDER BY created_at DESC, run_id DESC) AS pos
    FROM analysis_runs
)
SELECT kind, run_id, CAST(params AS VARCHAR) AS params, CAST(summary AS VARCHAR) AS summary, created_at
FROM ranked
WHERE pos = 1
ORDER BY kind
