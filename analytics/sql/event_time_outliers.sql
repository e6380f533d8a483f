-- purpose: events whose time lies outside [$lo, $hi), the range every calendar computation can hold: how many,
-- and the first of them by batch and time (user, time as text, batch and file) so a message can point at it.
WITH
outliers AS (
    SELECT user_id, ts, batch_id FROM events WHERE ts < $lo::TIMESTAMPTZ OR ts >= $hi::TIMESTAMPTZ
)
SELECT count(*) OVER () AS n, o.user_id, o.ts::VARCHAR AS ts_text, o.batch_id, b.file_name
FROM outliers o
LEFT JOIN batches b ON b.batch_id = o.batch_id
ORDER BY o.batch_id NULLS FIRST, o.ts, o.user_id
LIMIT 1
