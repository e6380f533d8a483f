-- purpose: uploaded user attributes (users.attributes JSON) as user_id, key, value text, scalar values only, for the persona attribute block
WITH pairs AS (
    SELECT u.user_id, j.key, j.atom
    FROM users u, json_each(u.attributes) j
    WHERE u.attributes IS NOT NULL
)
SELECT user_id, key, json_extract_string(atom, '$') AS value
FROM pairs
WHERE atom IS NOT NULL AND json_extract_string(atom, '$') IS NOT NULL
  AND trim(json_extract_string(atom, '$')) <> ''
ORDER BY user_id, key
