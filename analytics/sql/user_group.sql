-- purpose: the users of one group: users.attributes KEY = $value ($kind = 'attr'), or an event property
-- KEY = $value on the user's first event carrying KEY ($kind = 'prop'); $path is the quoted JSONPath of KEY.
WITH
by_attribute AS (
    SELECT user_id FROM users
    WHERE $kind = 'attr' AND json_extract_string(attributes, $path) = $value
),
by_property AS (
    SELECT user_id
    FROM events
    WHERE $kind = 'prop' AND json_extract_string(properties, $path) IS NOT NULL
    GROUP BY user_id
    HAVING first(json_extract_string(properties, $path) ORDER BY ts, json_extract_string(properties, $path)) = $value
)
SELECT user_id FROM by_attribute
UNION
SELECT user_id FROM by_property
ORDER BY user_id
