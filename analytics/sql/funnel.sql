-- purpose: ordered funnel: every step-1 event starts an attempt; each next step is the earliest matching event
-- after the previous step and at most $window_us after the attempt's step-1 event (inclusive). A user's result
-- is the furthest step of any attempt; times between steps come from their first attempt reaching it.
WITH RECURSIVE
steps AS (
    SELECT unnest($steps) AS name, generate_subscripts($steps, 1) AS step
),
ev AS (  -- only events named in the funnel, once per step they can satisfy
    SELECT e.user_id, e.ts, e.event, s.step
    FROM events e JOIN steps s ON e.event = s.name
),
walk(user_id, t1, step, ts, event) AS (
    SELECT user_id, ts, 1, ts, event FROM ev WHERE step = 1
    UNION ALL
    SELECT w.user_id, w.t1, w.step + 1, min(e.ts), arg_min(e.event, e.ts)
    FROM walk w
    JOIN ev e ON e.user_id = w.user_id AND e.step = w.step + 1
    WHERE (e.ts > w.ts OR (e.ts = w.ts AND e.event <> w.event))
      AND e.ts <= w.t1 + to_microseconds($window_us)
    GROUP BY w.user_id, w.t1, w.step
),
depth AS (  -- per attempt, the furthest step
    SELECT user_id, t1, max(step) AS reached FROM walk GROUP BY ALL
),
best AS (  -- per user, the first attempt reaching their furthest step
    SELECT user_id, arg_min(t1, (-reached, t1)) AS t1, max(reached) AS reached FROM depth GROUP BY user_id
),
gaps AS (
    SELECT w.step,
           (epoch_us(w.ts) - epoch_us(lag(w.ts) OVER (PARTITION BY w.user_id ORDER BY w.step))) / 1e6 AS seconds
    FROM walk w JOIN best b ON b.user_id = w.user_id AND b.t1 = w.t1
),
per_step AS (
    SELECT s.step, s.name,
           (SELECT count(*) FROM best b WHERE b.reached >= s.step) AS users,
           (SELECT median(g.seconds) FROM gaps g WHERE g.step = s.step) AS median_seconds
    FROM steps s
)
SELECT step::BIGINT AS step, name AS step_name, users::BIGINT AS users,
       users / nullif(first_value(users) OVER (ORDER BY step), 0) AS conversion_from_start,
       users / nullif(lag(users) OVER (ORDER BY step), 0) AS conversion_from_previous,
       median_seconds AS median_seconds_from_previous
FROM per_step
ORDER BY step
