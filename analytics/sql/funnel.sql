-- purpose: ordered funnel (DESIGN §4 "Funnel", "Funnel options"): users per step, optionally one funnel per
-- breakdown value (top $top values by entered users, the rest as '(other)'), with median times.
-- Chains, greedy as ClickHouse windowFunnel: every step-1 event starts a chain; a step-k event continues the
-- chain end with the latest start among the eligible levels j (j = k-1, or earlier when every step between j
-- and k is optional: $link_k/$link_j list the pairs), taking per level the latest end before it (the same
-- instant is allowed when the names differ). It counts when it lies at most $window_us after the chain's
-- start (edge included) and no exclusion event of a pair j..k-1 lies strictly between the end it continues
-- and itself ($x_names[i] excludes pairs $x_from[i] .. $x_to[i]-1). Per level the latest end carries the
-- latest start and the smallest exclusion risk, so no other chain reaches further. An optional step's chain
-- ends also pass through to the next level unchanged (skipping it). A user's step-k result is any chain
-- reaching k; the time for step k is the gap from their first counted step-k event to the event it continues
-- (and to the chain's start). Up to 10 steps, unrolled as ASOF joins (steps beyond $steps are empty).
WITH
steps AS (
    SELECT unnest($steps::VARCHAR[]) AS name, generate_subscripts($steps::VARCHAR[], 1) AS step
),
links AS (  -- (k, j): a step-k event may continue a chain ending at level j
    SELECT unnest($link_k::INTEGER[]) AS k, unnest($link_j::INTEGER[]) AS j
),
excl AS (
    SELECT unnest($x_names::VARCHAR[]) AS name, unnest($x_from::INTEGER[]) AS a, unnest($x_to::INTEGER[]) AS b
),
xev AS (  -- exclusion events, once per link (k, j) whose pairs j..k-1 they exclude
    SELECT e.user_id, e.ts, x.k, x.j
    FROM events e
    JOIN (SELECT DISTINCT l.k, l.j, x.name FROM links l JOIN excl x ON x.a < l.k AND x.b > l.j) x
      ON e.event = x.name
),
fev AS (  -- only events named in the funnel, once per step they can satisfy
    SELECT e.user_id, e.ts, e.event AS name, s.step, epoch_us(e.ts) * 2 AS key_in
    FROM events e JOIN steps s ON e.event = s.name
),
c1 AS (
    SELECT user_id, ts, name, 1 AS src, ts AS start_ts, NULL::TIMESTAMPTZ AS prev_ts FROM fev WHERE step = 1
),
e2 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 2
),
w2 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[2])::INTEGER AS key_out FROM c1
),
l2 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e2 e ASOF JOIN w2 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e2 e ASOF JOIN w2 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 2) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c2 AS (
    SELECT user_id, ts, name, 2 AS src, start_ts, prev_ts FROM l2 WHERE NOT $multi[2]
    UNION ALL
    SELECT user_id, ts, name, 2 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l2 WHERE $multi[2] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c1 WHERE $optional[2]
),
e3 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 3
),
w3 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[3])::INTEGER AS key_out FROM c2
),
l3 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e3 e ASOF JOIN w3 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e3 e ASOF JOIN w3 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 3) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c3 AS (
    SELECT user_id, ts, name, 3 AS src, start_ts, prev_ts FROM l3 WHERE NOT $multi[3]
    UNION ALL
    SELECT user_id, ts, name, 3 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l3 WHERE $multi[3] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c2 WHERE $optional[3]
),
e4 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 4
),
w4 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[4])::INTEGER AS key_out FROM c3
),
l4 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e4 e ASOF JOIN w4 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e4 e ASOF JOIN w4 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 4) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c4 AS (
    SELECT user_id, ts, name, 4 AS src, start_ts, prev_ts FROM l4 WHERE NOT $multi[4]
    UNION ALL
    SELECT user_id, ts, name, 4 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l4 WHERE $multi[4] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c3 WHERE $optional[4]
),
e5 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 5
),
w5 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[5])::INTEGER AS key_out FROM c4
),
l5 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e5 e ASOF JOIN w5 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e5 e ASOF JOIN w5 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 5) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c5 AS (
    SELECT user_id, ts, name, 5 AS src, start_ts, prev_ts FROM l5 WHERE NOT $multi[5]
    UNION ALL
    SELECT user_id, ts, name, 5 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l5 WHERE $multi[5] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c4 WHERE $optional[5]
),
e6 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 6
),
w6 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[6])::INTEGER AS key_out FROM c5
),
l6 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e6 e ASOF JOIN w6 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e6 e ASOF JOIN w6 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 6) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c6 AS (
    SELECT user_id, ts, name, 6 AS src, start_ts, prev_ts FROM l6 WHERE NOT $multi[6]
    UNION ALL
    SELECT user_id, ts, name, 6 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l6 WHERE $multi[6] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c5 WHERE $optional[6]
),
e7 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 7
),
w7 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[7])::INTEGER AS key_out FROM c6
),
l7 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e7 e ASOF JOIN w7 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e7 e ASOF JOIN w7 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 7) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c7 AS (
    SELECT user_id, ts, name, 7 AS src, start_ts, prev_ts FROM l7 WHERE NOT $multi[7]
    UNION ALL
    SELECT user_id, ts, name, 7 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l7 WHERE $multi[7] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c6 WHERE $optional[7]
),
e8 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 8
),
w8 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[8])::INTEGER AS key_out FROM c7
),
l8 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e8 e ASOF JOIN w8 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e8 e ASOF JOIN w8 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 8) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c8 AS (
    SELECT user_id, ts, name, 8 AS src, start_ts, prev_ts FROM l8 WHERE NOT $multi[8]
    UNION ALL
    SELECT user_id, ts, name, 8 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l8 WHERE $multi[8] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c7 WHERE $optional[8]
),
e9 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 9
),
w9 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[9])::INTEGER AS key_out FROM c8
),
l9 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e9 e ASOF JOIN w9 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e9 e ASOF JOIN w9 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 9) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c9 AS (
    SELECT user_id, ts, name, 9 AS src, start_ts, prev_ts FROM l9 WHERE NOT $multi[9]
    UNION ALL
    SELECT user_id, ts, name, 9 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l9 WHERE $multi[9] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c8 WHERE $optional[9]
),
e10 AS NOT MATERIALIZED (
    SELECT f.*, l.j FROM fev f JOIN links l ON l.k = f.step WHERE f.step = 10
),
w10 AS NOT MATERIALIZED (
    SELECT user_id, ts, src, start_ts, epoch_us(ts) * 2 + (name = $steps[10])::INTEGER AS key_out FROM c9
),
l10 AS NOT MATERIALIZED (
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e10 e ASOF JOIN w10 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    WHERE NOT $has_x AND e.ts <= w.start_ts + to_microseconds($window_us)
    UNION ALL
    SELECT e.user_id, e.ts, e.name, w.start_ts, w.ts AS prev_ts
    FROM e10 e ASOF JOIN w10 w ON w.user_id = e.user_id AND w.src = e.j AND e.key_in >= w.key_out
    ASOF LEFT JOIN (SELECT user_id, ts, j FROM xev WHERE k = 10) x
      ON x.user_id = e.user_id AND x.j = e.j AND e.ts > x.ts
    WHERE $has_x AND e.ts <= w.start_ts + to_microseconds($window_us) AND (x.ts IS NULL OR x.ts <= w.ts)
),
c10 AS (
    SELECT user_id, ts, name, 10 AS src, start_ts, prev_ts FROM l10 WHERE NOT $multi[10]
    UNION ALL
    SELECT user_id, ts, name, 10 AS src, max(start_ts) AS start_ts,
           struct_extract(max({'s': start_ts, 'p': prev_ts}), 'p') AS prev_ts
    FROM l10 WHERE $multi[10] GROUP BY user_id, ts, name
    UNION ALL
    SELECT * FROM c9 WHERE $optional[10]
),
reached AS (
    SELECT 1 AS step, user_id, ts, prev_ts, start_ts FROM c1
    UNION ALL SELECT 2, user_id, ts, prev_ts, start_ts FROM c2 WHERE src = 2
    UNION ALL SELECT 3, user_id, ts, prev_ts, start_ts FROM c3 WHERE src = 3
    UNION ALL SELECT 4, user_id, ts, prev_ts, start_ts FROM c4 WHERE src = 4
    UNION ALL SELECT 5, user_id, ts, prev_ts, start_ts FROM c5 WHERE src = 5
    UNION ALL SELECT 6, user_id, ts, prev_ts, start_ts FROM c6 WHERE src = 6
    UNION ALL SELECT 7, user_id, ts, prev_ts, start_ts FROM c7 WHERE src = 7
    UNION ALL SELECT 8, user_id, ts, prev_ts, start_ts FROM c8 WHERE src = 8
    UNION ALL SELECT 9, user_id, ts, prev_ts, start_ts FROM c9 WHERE src = 9
    UNION ALL SELECT 10, user_id, ts, prev_ts, start_ts FROM c10 WHERE src = 10
),
firsts AS (  -- per user and step: the first counted event, the gap to the event it continues and to the start
    SELECT user_id, step,
           arg_min((epoch_us(ts) - epoch_us(prev_ts)) / 1e6, ts) AS seconds,
           arg_min((epoch_us(ts) - epoch_us(start_ts)) / 1e6, ts) AS from_start
    FROM reached GROUP BY user_id, step
),
bd_attr AS (
    SELECT user_id, json_extract_string(attributes, $bd_path) AS value FROM users WHERE $bd_kind = 'attr'
),
bd_prop AS (  -- the property on the user's first step-1 event
    SELECT user_id, first(json_extract_string(properties, $bd_path)
                          ORDER BY ts, json_extract_string(properties, $bd_path) NULLS LAST) AS value
    FROM events WHERE $bd_kind = 'prop' AND event = $steps[1]
    GROUP BY user_id
),
bucketed AS (
    SELECT f.user_id,
           CASE WHEN $bd_kind = 'none' THEN NULL ELSE coalesce(a.value, p.value, '(none)') END AS value
    FROM firsts f
    LEFT JOIN bd_attr a ON a.user_id = f.user_id
    LEFT JOIN bd_prop p ON p.user_id = f.user_id
    WHERE f.step = 1
),
ranked AS (  -- values by entered users (ties by value); beyond the top $top they share '(other)'
    SELECT value, row_number() OVER (ORDER BY count(*) DESC, value) AS rank FROM bucketed GROUP BY value
),
grouped AS (
    SELECT b.user_id, CASE WHEN r.rank <= $top THEN b.value ELSE '(other)' END AS breakdown,
           least(r.rank, $top + 1) AS brank
    FROM bucketed b JOIN ranked r ON r.value IS NOT DISTINCT FROM b.value
),
glist AS (
    SELECT DISTINCT breakdown, brank FROM grouped
    UNION SELECT NULL, 1 WHERE $bd_kind = 'none'
),
per_step AS (
    SELECT g.breakdown, g.brank, s.step, s.name, count(f.user_id) AS users,
           median(f.seconds) AS median_seconds, median(f.from_start) AS median_from_start
    FROM glist g CROSS JOIN steps s
    LEFT JOIN (SELECT f.*, gr.breakdown FROM firsts f JOIN grouped gr ON gr.user_id = f.user_id) f
      ON f.step = s.step AND f.breakdown IS NOT DISTINCT FROM g.breakdown
    GROUP BY ALL
)
SELECT p.breakdown, p.step::BIGINT AS step, p.name AS step_name, p.users::BIGINT AS users,
       p.users / nullif(s1.users, 0) AS conversion_from_start,
       p.users / nullif(q.users, 0) AS conversion_from_previous,  -- previous required step
       p.median_seconds AS median_seconds_from_previous,
       p.median_from_start AS median_seconds_from_start
FROM per_step p
JOIN per_step s1 ON s1.step = 1 AND s1.breakdown IS NOT DISTINCT FROM p.breakdown
LEFT JOIN per_step q ON q.step = $prev_req[p.step] AND q.breakdown IS NOT DISTINCT FROM p.breakdown
ORDER BY p.brank, p.step
