-- purpose: ordered funnel, greedy "latest start" chains (as ClickHouse windowFunnel): a step-k event continues
-- the latest step-(k-1) event before it (the same instant is allowed when the names differ) and inherits its
-- chain start; it counts when it lies at most $window_us after that start (edge included). The latest
-- predecessor carries the latest start, so no other attempt reaches further. A user's result is their furthest
-- step; the time for step k is the gap from their first counted step-k event to the event it continues.
-- Up to 10 steps, unrolled as ASOF joins (one CTE per step; steps beyond $steps are empty).
WITH
steps AS (
    SELECT unnest($steps) AS name, generate_subscripts($steps, 1) AS step
),
ev AS (  -- only events named in the funnel, once per step they can satisfy
    SELECT e.user_id, e.ts, s.step,
           epoch_us(e.ts) * 2 AS key_in,  -- a successor may follow at the same instant ...
           epoch_us(e.ts) * 2 + (s.name = coalesce(n.name, ''))::INTEGER AS key_out  -- ... unless same name
    FROM events e JOIN steps s ON e.event = s.name
    LEFT JOIN steps n ON n.step = s.step + 1
),
c1 AS (
    SELECT user_id, ts, key_out, ts AS start_ts, NULL::TIMESTAMPTZ AS prev_ts FROM ev WHERE step = 1
),
c2 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 2) e
    ASOF JOIN c1 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c3 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 3) e
    ASOF JOIN c2 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c4 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 4) e
    ASOF JOIN c3 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c5 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 5) e
    ASOF JOIN c4 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c6 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 6) e
    ASOF JOIN c5 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c7 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 7) e
    ASOF JOIN c6 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c8 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 8) e
    ASOF JOIN c7 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c9 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 9) e
    ASOF JOIN c8 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
c10 AS (
    SELECT e.user_id, e.ts, e.key_out, w.start_ts, w.ts AS prev_ts
    FROM (SELECT * FROM ev WHERE step = 10) e
    ASOF JOIN c9 w ON w.user_id = e.user_id AND e.key_in >= w.key_out
    WHERE e.ts <= w.start_ts + to_microseconds($window_us)
),
reached AS (
    SELECT 1 AS step, user_id, ts, prev_ts FROM c1
    UNION ALL SELECT 2 AS step, user_id, ts, prev_ts FROM c2
    UNION ALL SELECT 3 AS step, user_id, ts, prev_ts FROM c3
    UNION ALL SELECT 4 AS step, user_id, ts, prev_ts FROM c4
    UNION ALL SELECT 5 AS step, user_id, ts, prev_ts FROM c5
    UNION ALL SELECT 6 AS step, user_id, ts, prev_ts FROM c6
    UNION ALL SELECT 7 AS step, user_id, ts, prev_ts FROM c7
    UNION ALL SELECT 8 AS step, user_id, ts, prev_ts FROM c8
    UNION ALL SELECT 9 AS step, user_id, ts, prev_ts FROM c9
    UNION ALL SELECT 10 AS step, user_id, ts, prev_ts FROM c10
),
firsts AS (  -- per user and step: the first counted event and the gap to the event it continues
    SELECT user_id, step, arg_min((epoch_us(ts) - epoch_us(prev_ts)) / 1e6, ts) AS seconds
    FROM reached GROUP BY user_id, step
),
per_step AS (
    SELECT s.step, s.name, count(f.user_id) AS users, median(f.seconds) AS median_seconds
    FROM steps s LEFT JOIN firsts f ON f.step = s.step
    GROUP BY s.step, s.name
)
SELECT step::BIGINT AS step, name AS step_name, users::BIGINT AS users,
       users / nullif(first_value(users) OVER (ORDER BY step), 0) AS conversion_from_start,
       users / nullif(lag(users) OVER (ORDER BY step), 0) AS conversion_from_previous,
       median_seconds AS median_seconds_from_previous
FROM per_step
ORDER BY step
