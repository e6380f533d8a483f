-- purpose: the ids of all loaded feedback items (to check that labels name real feedback)
WITH items AS (
    SELECT DISTINCT feedback_id
    FROM feedback
)
SELECT feedback_id
FROM items
ORDER BY feedback_id
