-- purpose: the keys of users.attributes with how many users have each and how many distinct values.
WITH pairs AS (
    SELECT u.user_id, k.key, json_extract_string(u.attributes, '$."' || replace(k.key, '"', '\"') || '"') AS value
    FROM users AS u, unnest(json_keys(u.attributes)) AS k(key)
    WHERE u.attributes IS NOT NULL
)
SELECT key, count(DISTINCT user_id) AS users, count(DISTINCT value) AS distinct_values
FROM pairs
GROUP BY key
ORDER BY key
