-- purpose: per user: events, distinct event names, active local days, first and last event.
WITH
ev AS (
    SELECT user_id, event, ts,
           local_day(ts, $tz) AS dnum
    FROM events
)
SELECT user_id, count(*) AS events, count(DISTINCT event) AS distinct_events,
       count(DISTINCT dnum) AS active_days, min(ts) AS first_event, max(ts) AS last_event
FROM ev
GROUP BY user_id
ORDER BY events DESC, user_id
