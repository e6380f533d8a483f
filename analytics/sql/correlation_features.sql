-- purpose: 2x2 counts per candidate predictor of a correlation target: for every event name (done in the
-- user's window, names in $skip_events left out) and every attribute value KEY=VALUE (keys with at most
-- $max_values distinct values in the population), `a` = successful users with it, `b` = the others with it;
-- `n` and `s` are the population and its successes. The population comes in as parallel lists.
WITH
pop AS (
    SELECT unnest($user_ids::VARCHAR[]) AS user_id, unnest($success::BOOLEAN[]) AS success,
           unnest($win_from::TIMESTAMPTZ[]) AS win_from, unnest($win_to::TIMESTAMPTZ[]) AS win_to
),
did AS (
    SELECT DISTINCT e.user_id, e.event AS feature
    FROM events e JOIN pop p ON p.user_id = e.user_id
    WHERE e.ts >= p.win_from AND e.ts < p.win_to AND NOT list_contains($skip_events::VARCHAR[], e.event)
),
attr_pairs AS (
    SELECT p.user_id, k.key,
           json_extract_string(u.attributes, '$."' || replace(k.key, '"', '\"') || '"') AS value
    FROM pop p JOIN users u ON u.user_id = p.user_id, unnest(json_keys(u.attributes)) AS k(key)
    WHERE u.attributes IS NOT NULL
),
small_keys AS (  -- ids, counts and other many-valued keys say nothing per value
    SELECT key FROM attr_pairs WHERE value IS NOT NULL GROUP BY key HAVING count(DISTINCT value) <= $max_values
),
features AS (
    SELECT user_id, 'event' AS kind, feature FROM did
    UNION ALL
    SELECT a.user_id, 'attribute' AS kind, a.key || '=' || a.value AS feature
    FROM attr_pairs a JOIN small_keys k ON k.key = a.key
    WHERE a.value IS NOT NULL
),
totals AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE success) AS s FROM pop
)
SELECT f.kind, f.feature,
       count(*) FILTER (WHERE p.success)::BIGINT AS a,
       count(*) FILTER (WHERE NOT p.success)::BIGINT AS b,
       t.n::BIGINT AS n, t.s::BIGINT AS s
FROM features f JOIN pop p ON p.user_id = f.user_id CROSS JOIN totals t
GROUP BY f.kind, f.feature, t.n, t.s
ORDER BY f.kind, f.feature
