-- purpose: the latest analysis run of a kind (personas, themes, evidence): readers use only that run.
WITH runs AS (
    SELECT run_id, kind, created_at FROM analysis_runs WHERE kind = $kind
)
SELECT run_id, created_at FROM runs ORDER BY created_at DESC, run_id DESC LIMIT 1
