-- purpose: per users.attributes key, what it can be used for: how many users have it, how many of them have
-- events, its distinct values among those users, and how many of their values read as numbers or booleans.
WITH pairs AS (
    SELECT u.user_id, k.key,
           json_extract_string(u.attributes, '$."' || replace(k.key, '"', '\"') || '"') AS value
    FROM users AS u, unnest(json_keys(u.attributes)) AS k(key)
    WHERE u.attributes IS NOT NULL
),
active AS (
    SELECT DISTINCT user_id FROM events
),
marked AS (
    SELECT p.key, p.user_id, p.value, a.user_id IS NOT NULL AS has_events,
           lower(p.value) IN ('true', 'false', 'yes', 'no') AS is_boolean,
           TRY_CAST(p.value AS DOUBLE) IS NOT NULL AS is_number
    FROM pairs p
    LEFT JOIN active a ON a.user_id = p.user_id
    WHERE p.value IS NOT NULL
)
SELECT key,
       count(DISTINCT user_id)::BIGINT AS users,
       count(DISTINCT user_id) FILTER (WHERE has_events)::BIGINT AS users_with_events,
       count(DISTINCT value) FILTER (WHERE has_events)::BIGINT AS values_with_events,
       count(*) FILTER (WHERE is_number OR is_boolean)::BIGINT AS numeric_values,
       count(*)::BIGINT AS all_values
FROM marked
GROUP BY key
ORDER BY key
