-- purpose: every load into the workspace, newest first, with its row counts
WITH b AS (
    SELECT batch_id, kind, file_name, rows_read, rows_loaded, rows_rejected, loaded_at, sha256,
           json_extract_string(mapping, '$.pseudonymised') = 'true' AS pseudonymised
    FROM batches
)
SELECT * FROM b ORDER BY batch_id DESC
