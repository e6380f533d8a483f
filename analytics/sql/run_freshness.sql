-- purpose: what was loaded after the latest analysis run of a kind: rows and files per data kind among the
-- run's inputs (a run is stale when any row of its inputs arrived after it was made).
WITH latest AS (
    SELECT run_id, created_at
    FROM analysis_runs
    WHERE kind = $kind
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
later AS (
    SELECT b.kind, b.rows_loaded
    FROM batches b
    JOIN latest l ON b.loaded_at > l.created_at
    WHERE list_contains($inputs, b.kind)
)
SELECT kind AS data_kind, sum(rows_loaded)::BIGINT AS new_rows, count(*)::BIGINT AS files
FROM later
GROUP BY kind
ORDER BY kind
