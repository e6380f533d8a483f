-- purpose: the lower-cased titles of the backlog (a theme already in the backlog is not proposed again)
WITH titles AS (
    SELECT lower(trim(title)) AS title
    FROM requirements
    WHERE title IS NOT NULL
)
SELECT DISTINCT title
FROM titles
ORDER BY title
