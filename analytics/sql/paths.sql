-- purpose: per user, the events of the session around their first $event (DESIGN §4 "Paths"): `after` = the
-- next events of that session, `before` = the previous ones (chronological), consecutive repeats collapsed,
-- at most $steps - 1 each. Events are ordered by (ts, name) after the grouping rules ($patterns[i] -> $names[i],
-- first match wins, regex search). A session is the anchor's session_id; without one, the user's session-less
-- events split where the gap to the previous one is >= $gap_us. $direction ('start' | 'end' | 'both') limits
-- the scan to the side(s) needed.
WITH
rules AS (
    SELECT unnest($patterns::VARCHAR[]) AS pattern, unnest($names::VARCHAR[]) AS name,
           generate_subscripts($patterns::VARCHAR[], 1) AS rule
),
mapped AS (
    SELECT r.event, coalesce(arg_min(g.name, g.rule), r.event) AS name
    FROM (SELECT DISTINCT event FROM events WHERE len($patterns::VARCHAR[]) > 0) r
    LEFT JOIN rules g ON regexp_matches(r.event, g.pattern)
    GROUP BY r.event
),
ev AS NOT MATERIALIZED (
    SELECT user_id, event AS name, ts, session_id FROM events WHERE len($patterns::VARCHAR[]) = 0
    UNION ALL
    SELECT e.user_id, m.name, e.ts, e.session_id FROM events e JOIN mapped m ON m.event = e.event
),
e_rows AS NOT MATERIALIZED (
    SELECT user_id, ts, session_id FROM ev WHERE name = $event
),
anchor AS (  -- the user's first E; at one instant in several sessions: the session-less one, then the least id
    SELECT f.user_id, f.t0, arg_min_null(e.session_id, (e.session_id IS NOT NULL, e.session_id)) AS sid
    FROM (SELECT user_id, min(ts) AS t0 FROM e_rows GROUP BY user_id) f
    JOIN e_rows e ON e.user_id = f.user_id AND e.ts = f.t0
    GROUP BY f.user_id, f.t0
),
sess AS (  -- the anchor's session stream, with the gap and the name of the previous event in (ts, name) order
    SELECT e.user_id, e.name, e.ts,
           e.ts > a.t0 OR (e.ts = a.t0 AND e.name > $event) AS is_after,
           e.ts < a.t0 OR (e.ts = a.t0 AND e.name < $event) AS is_before,
           a.sid IS NULL
               AND epoch_us(e.ts) - epoch_us(lag(e.ts) OVER w) >= $gap_us AS starts_session,
           lag(e.name) OVER w AS prev_name
    FROM ev e
    JOIN anchor a ON a.user_id = e.user_id AND e.session_id IS NOT DISTINCT FROM a.sid
    WHERE ($direction <> 'start' OR e.ts >= a.t0) AND ($direction <> 'end' OR e.ts <= a.t0)
    WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts, e.name)
),
bounds AS (  -- the session ends before the first gap after the anchor and starts at the last gap up to it
    SELECT user_id,
           min(ts) FILTER (WHERE is_after AND starts_session) AS end_ts,
           max(ts) FILTER (WHERE NOT is_after AND starts_session) AS start_ts
    FROM sess
    GROUP BY user_id
),
lists AS (
    SELECT s.user_id,
           list(s.name ORDER BY s.ts, s.name) FILTER (WHERE s.is_after) AS after_all,
           list(s.name ORDER BY s.ts DESC, s.name DESC) FILTER (WHERE s.is_before) AS before_rev
    FROM sess s JOIN bounds b ON b.user_id = s.user_id
    WHERE (s.prev_name IS DISTINCT FROM s.name OR s.starts_session)  -- collapse consecutive repeats
      AND ((s.is_after AND (b.end_ts IS NULL OR s.ts < b.end_ts))
           OR (s.is_before AND (b.start_ts IS NULL OR s.ts >= b.start_ts)))
    GROUP BY s.user_id
)
SELECT a.user_id,
       list_reverse(coalesce(l.before_rev, []::VARCHAR[])[1:$steps - 1]) AS before,
       coalesce(l.after_all, []::VARCHAR[])[1:$steps - 1] AS after
FROM anchor a LEFT JOIN lists l ON l.user_id = a.user_id
ORDER BY a.user_id
