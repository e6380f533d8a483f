-- purpose: the attribute keys a Kano result can be split by: keys of kano_responses.attributes and of the
--          users.attributes of linked respondents.
WITH own AS (
    SELECT unnest(json_keys(attributes)) AS key FROM kano_responses WHERE attributes IS NOT NULL
),
linked AS (
    SELECT unnest(json_keys(u.attributes)) AS key
    FROM users AS u
    WHERE u.attributes IS NOT NULL AND u.user_id IN (SELECT user_id FROM kano_responses)
)
SELECT DISTINCT key FROM (SELECT key FROM own UNION ALL SELECT key FROM linked) ORDER BY key
