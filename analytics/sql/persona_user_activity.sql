-- purpose: per-user activity features and rolling-week retention (week 1 and week 4 after the first event; null when not yet observable) for personas
WITH bounds AS (
    SELECT max(ts) AS data_end FROM events
),
per_user AS (
    SELECT user_id,
           count(*) AS n_events,
           count(DISTINCT CAST(timezone($tz, ts) AS DATE)) AS active_days,
           min(ts) AS first_ts,
           max(ts) AS last_ts
    FROM events
    GROUP BY user_id
),
returns AS (
    SELECT e.user_id,
           bool_or(e.ts >= p.first_ts + INTERVAL 7 DAY AND e.ts < p.first_ts + INTERVAL 14 DAY) AS ret1,
           bool_or(e.ts >= p.first_ts + INTERVAL 28 DAY AND e.ts < p.first_ts + INTERVAL 35 DAY) AS ret4
    FROM events e
    JOIN per_user p ON p.user_id = e.user_id
    GROUP BY e.user_id
)
SELECT p.user_id,
       p.n_events,
       p.active_days,
       date_diff('second', p.first_ts, p.last_ts) / 86400.0 AS tenure_days,
       CASE WHEN p.first_ts + INTERVAL 14 DAY <= b.data_end THEN r.ret1 END AS retained_p1,
       CASE WHEN p.first_ts + INTERVAL 35 DAY <= b.data_end THEN r.ret4 END AS retained_p4
FROM per_user p
JOIN returns r ON r.user_id = p.user_id
CROSS JOIN bounds b
ORDER BY p.user_id
