-- purpose: the rejected rows of one batch in file order (row_number is the 1-based data row)
WITH r AS (
    SELECT row_number, reason, column_name, raw_line FROM rejects WHERE batch_id = $batch_id
)
SELECT * FROM r ORDER BY row_number, reason
