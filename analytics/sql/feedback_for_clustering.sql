-- purpose: feedback items with their month in the workspace timezone, for personas, themes and requirement linking
WITH items AS (
    SELECT feedback_id, user_id, ts, text, rating, score_0_10
    FROM feedback
    WHERE text IS NOT NULL AND trim(text) <> ''
)
SELECT feedback_id,
       user_id,
       ts,
       CAST(date_trunc('month', timezone($tz, ts)) AS DATE) AS month,
       text,
       rating,
       score_0_10
FROM items
ORDER BY feedback_id, ts
