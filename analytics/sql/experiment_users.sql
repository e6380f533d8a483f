-- purpose: one row per experiment participant: group label and per-user metric value (NULL = not measurable).
-- Group: a users.attributes key ($group_kind = 'attribute') or the value of an event property on the user's
-- first event carrying it ($group_kind = 'property'). Metrics: events, active_days (local days), retained
-- (any event in calendar week $k after the week of the first event; NULL while that week is unobservable),
-- funnel (reached step $step of $steps within $window_us of a step-1 event), attr (numeric/boolean attribute).
WITH RECURSIVE
by_attribute AS (
    SELECT user_id, json_extract_string(attributes, $group_path) AS grp
    FROM users
    WHERE $group_kind = 'attribute'
),
by_property AS (
    SELECT user_id, arg_min(json_extract_string(properties, $group_path), ts) AS grp
    FROM events
    WHERE $group_kind = 'property' AND json_extract_string(properties, $group_path) IS NOT NULL
    GROUP BY user_id
),
members AS (
    SELECT user_id, grp FROM by_attribute WHERE grp IS NOT NULL
    UNION ALL
    SELECT user_id, grp FROM by_property
),
ev AS (
    SELECT e.user_id, e.event, e.ts,
           local_day(e.ts, $tz) AS dnum
    FROM events e SEMI JOIN members m ON m.user_id = e.user_id
),
counts AS (
    SELECT user_id, count(*) AS events, count(DISTINCT dnum) AS active_days
    FROM ev WHERE $metric_kind IN ('events', 'active_days')
    GROUP BY user_id
),
weeks AS (
    SELECT user_id, period_number(dnum, 'week', $wshift) AS w FROM ev WHERE $metric_kind = 'retained' GROUP BY ALL
),
retained AS (
    SELECT user_id, min(w) AS w0, bool_or(w = first_w + $k) AS hit
    FROM (SELECT user_id, w, min(w) OVER (PARTITION BY user_id) AS first_w FROM weeks)
    GROUP BY user_id
),
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
steps AS (
    SELECT unnest($steps) AS name, generate_subscripts($steps, 1) AS step
),
fev AS (
    SELECT e.user_id, e.ts, e.event, s.step
    FROM ev e JOIN steps s ON e.event = s.name
    WHERE $metric_kind = 'funnel'
),
walk(user_id, t1, step, ts, event) AS (
    SELECT user_id, ts, 1, ts, event FROM fev WHERE step = 1
    UNION ALL
    SELECT w.user_id, w.t1, w.step + 1, min(e.ts), arg_min(e.event, e.ts)
    FROM walk w JOIN fev e ON e.user_id = w.user_id AND e.step = w.step + 1
    WHERE (e.ts > w.ts OR (e.ts = w.ts AND e.event <> w.event))
      AND e.ts <= w.t1 + to_microseconds($window_us)
    GROUP BY w.user_id, w.t1, w.step
),
reached AS (
    SELECT user_id, max(step) AS furthest FROM walk GROUP BY user_id
),
attr AS (
    SELECT user_id, json_extract_string(attributes, $metric_path) AS raw
    FROM users WHERE $metric_kind = 'attr'
)
SELECT m.user_id, m.grp AS "group",
       CASE $metric_kind
            WHEN 'events' THEN coalesce(c.events, 0)::DOUBLE
            WHEN 'active_days' THEN coalesce(c.active_days, 0)::DOUBLE
            WHEN 'retained' THEN
                CASE WHEN r.w0 IS NULL THEN NULL
                     WHEN local_midnight(period_first_day(r.w0 + $k + 1, 'week', $wshift), $tz) > l.last_ts
                          THEN NULL
                     ELSE r.hit::INTEGER::DOUBLE END
            WHEN 'funnel' THEN (coalesce(f.furthest, 0) >= $step)::INTEGER::DOUBLE
            ELSE CASE WHEN lower(a.raw) IN ('true', 'yes') THEN 1.0
                      WHEN lower(a.raw) IN ('false', 'no') THEN 0.0
                      ELSE TRY_CAST(a.raw AS DOUBLE) END
       END AS value
FROM members m
CROSS JOIN last_event l
LEFT JOIN counts c ON c.user_id = m.user_id
LEFT JOIN retained r ON r.user_id = m.user_id
LEFT JOIN reached f ON f.user_id = m.user_id
LEFT JOIN attr a ON a.user_id = m.user_id
ORDER BY m.grp, m.user_id
