-- purpose: every non-empty feedback text (to choose and fit the text encoder)
WITH items AS (
    SELECT feedback_id, text
    FROM feedback
    WHERE text IS NOT NULL AND trim(text) <> ''
)
SELECT text
FROM items
ORDER BY feedback_id
