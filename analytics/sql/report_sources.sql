-- purpose: every load into the workspace, oldest first, with row counts and its reject reasons (for the report's data sources).
WITH reasons AS (
    SELECT batch_id, reason, count(*) AS n
    FROM rejects
    GROUP BY batch_id, reason
),
per_batch AS (
    SELECT batch_id, list(struct_pack(reason := reason, n := n) ORDER BY n DESC, reason) AS reject_reasons
    FROM reasons
    GROUP BY batch_id
)
SELECT b.batch_id, b.kind, b.file_name, b.rows_read, b.rows_loaded, b.rows_rejected, b.loaded_at,
       coalesce(json_extract_string(b.mapping, '$.pseudonymised') = 'true', false) AS pseudonymised,
       p.reject_reasons
FROM batches AS b
LEFT JOIN per_batch AS p ON p.batch_id = b.batch_id
ORDER BY b.batch_id
