-- purpose: per user: events, distinct event names, active local days, first and last event.
WITH
ev AS (
    SELECT user_id, event, ts,
           CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END // 86400000000 AS dnum
    FROM events
)
SELECT user_id, count(*) AS events, count(DISTINCT event) AS distinct_events,
       count(DISTINCT dnum) AS active_days, min(ts) AS first_event, max(ts) AS last_event
FROM ev
GROUP BY user_id
ORDER BY events DESC, user_id
