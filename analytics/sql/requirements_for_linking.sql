-- purpose: each requirement's text (title and description) to match against feedback
WITH reqs AS (
    SELECT req_id, coalesce(title, '') AS title, coalesce(description, '') AS description
    FROM requirements
)
SELECT req_id,
       title,
       trim(title || CASE WHEN description <> '' THEN '. ' || description ELSE '' END) AS text
FROM reqs
ORDER BY req_id
