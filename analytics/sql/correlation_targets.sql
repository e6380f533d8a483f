-- purpose: the population of a correlation target (DESIGN §4 "Correlation"), one row per user: `success`
-- and the window [win_from, win_to) whose events may predict it.
-- funnel ($target_kind = 'funnel'): users with a $steps[1] event; success = reached the last step in some
-- attempt (each step after the previous one — later, or the same instant with another name — within
-- $window_us of the attempt's step-1 event: the funnel rule); the window runs from the first step-1 event
-- to the first time the user reached the last step, or to the end of the conversion window without it.
-- retained ($target_kind = 'retained'): users whose calendar week $k after the week of their first event has
-- ended before the last event in the data; success = any event in that week; the window is that first week.
WITH RECURSIVE
steps AS (
    SELECT unnest($steps::VARCHAR[]) AS name, generate_subscripts($steps::VARCHAR[], 1) AS step
),
fev AS (
    SELECT e.user_id, e.ts, e.event, s.step
    FROM events e JOIN steps s ON e.event = s.name
    WHERE $target_kind = 'funnel'
),
walk(user_id, t1, step, ts, event) AS (  -- every attempt, each next step at its earliest allowed event
    SELECT user_id, ts, 1, ts, event FROM fev WHERE step = 1
    UNION ALL
    SELECT w.user_id, w.t1, w.step + 1, min(e.ts), arg_min(e.event, e.ts)
    FROM walk w JOIN fev e ON e.user_id = w.user_id AND e.step = w.step + 1
    WHERE (e.ts > w.ts OR (e.ts = w.ts AND e.event <> w.event))
      AND e.ts <= w.t1 + to_microseconds($window_us)
    GROUP BY w.user_id, w.t1, w.step
),
funnel_users AS (
    SELECT user_id,
           max(step) = len($steps::VARCHAR[]) AS success,
           min(t1) AS win_from,
           coalesce(min(ts) FILTER (WHERE step = len($steps::VARCHAR[])),
                    min(t1) + to_microseconds($window_us)) AS win_to
    FROM walk
    GROUP BY user_id
),
weeks AS (
    SELECT user_id,
           (CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END // 86400000000
            + $wshift) // 7 AS w,
           min(ts) AS first_ts
    FROM events
    WHERE $target_kind = 'retained'
    GROUP BY ALL
),
retained AS (
    SELECT user_id, min(w) AS w0, min(first_ts) AS first_ts,
           bool_or(w = first_w + $k) AS success
    FROM (SELECT *, min(w) OVER (PARTITION BY user_id) AS first_w FROM weeks)
    GROUP BY user_id
),
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
retained_users AS (
    SELECT r.user_id, r.success, r.first_ts AS win_from,
           timezone($tz, (DATE '1970-01-01' + (7 * (r.w0 + 1) - $wshift)::INTEGER)::TIMESTAMP) AS win_to
    FROM retained r CROSS JOIN last_event l
    WHERE timezone($tz, (DATE '1970-01-01' + (7 * (r.w0 + $k + 1) - $wshift)::INTEGER)::TIMESTAMP) <= l.last_ts
)
SELECT user_id, success, win_from, win_to FROM funnel_users
UNION ALL
SELECT user_id, success, win_from, win_to FROM retained_users
ORDER BY user_id
