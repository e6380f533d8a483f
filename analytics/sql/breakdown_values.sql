-- purpose: one breakdown value per user who has a $event event (any event when $event is NULL): the users.attributes
-- key ($bd_kind = 'attr') or the event property on the user's first such event ($bd_kind = 'prop'), quoted
-- JSONPath $bd_path; '(none)' when the user has no value.
WITH
firsts AS (
    SELECT user_id,
           first(CASE WHEN $bd_kind = 'prop' THEN json_extract_string(properties, $bd_path) END
                 ORDER BY ts, CASE WHEN $bd_kind = 'prop' THEN json_extract_string(properties, $bd_path) END
                 NULLS LAST) AS prop
    FROM events
    WHERE $event::VARCHAR IS NULL OR event = $event::VARCHAR
    GROUP BY user_id
)
SELECT f.user_id,
       coalesce(CASE WHEN $bd_kind = 'attr' THEN json_extract_string(u.attributes, $bd_path) ELSE f.prop END,
                '(none)') AS value
FROM firsts f LEFT JOIN users u ON u.user_id = f.user_id
ORDER BY f.user_id
