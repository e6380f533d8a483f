-- purpose: the keys of events.properties (platform, campaign ...) with how many events have a value for each,
-- from a sample of up to 200,000 events so a breakdown picker stays instant on 10 M events.
WITH
sampled AS (
    SELECT properties FROM events WHERE properties IS NOT NULL USING SAMPLE reservoir(200000 ROWS) REPEATABLE (7)
),
keyed AS (
    SELECT k.key,
           json_extract_string(sampled.properties, '$."' || replace(k.key, '"', '\"') || '"') AS value
    FROM sampled, unnest(json_keys(sampled.properties)) AS k(key)
)
SELECT key, count(value)::BIGINT AS events
FROM keyed
GROUP BY key
HAVING count(value) > 0
ORDER BY events DESC, key
