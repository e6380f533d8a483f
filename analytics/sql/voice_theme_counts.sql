-- purpose: per theme of the latest themes run, its members that pass the intent/sentiment filter
--          (items and distinct users), themes with none left out.
WITH theme_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'themes' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
kept AS (
    SELECT feedback_id FROM voice_assigned(CAST($intents AS VARCHAR[]), CAST($sentiments AS VARCHAR[]))
),
authors AS (
    SELECT feedback_id, any_value(user_id) AS user_id
    FROM feedback
    GROUP BY feedback_id
),
members AS (
    SELECT m.theme_id, m.feedback_id, a.user_id
    FROM theme_members AS m
    JOIN theme_run AS r ON r.run_id = m.run_id
    JOIN kept AS k ON k.feedback_id = m.feedback_id
    LEFT JOIN authors AS a ON a.feedback_id = m.feedback_id
)
SELECT theme_id, count(*) AS items, count(DISTINCT user_id) AS users
FROM members
GROUP BY theme_id
ORDER BY items DESC, theme_id
