-- purpose: one row per session: events with a session_id are grouped by it; the others are split when a
-- user is inactive for at least $gap_us microseconds.
WITH
with_id AS (
    SELECT user_id, 'id:' || session_id AS session_key, min(ts) AS started, max(ts) AS ended, count(*) AS events
    FROM events
    WHERE session_id IS NOT NULL
    GROUP BY user_id, session_id
),
no_id AS (
    SELECT user_id, ts,
           CASE WHEN lag(ts) OVER (PARTITION BY user_id ORDER BY ts) IS NULL
                  OR epoch_us(ts) - epoch_us(lag(ts) OVER (PARTITION BY user_id ORDER BY ts)) >= $gap_us
                THEN 1 ELSE 0 END AS starts
    FROM events
    WHERE session_id IS NULL
),
numbered AS (
    SELECT user_id, ts,
           sum(starts) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n
    FROM no_id
),
by_gap AS (
    SELECT user_id, 'gap:' || n AS session_key, min(ts) AS started, max(ts) AS ended, count(*) AS events
    FROM numbered
    GROUP BY user_id, n
)
SELECT user_id, session_key, started, ended,
       (epoch_us(ended) - epoch_us(started)) / 1e6 AS seconds, events
FROM (SELECT * FROM with_id UNION ALL SELECT * FROM by_gap)
ORDER BY user_id, started
