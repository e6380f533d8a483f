-- purpose: per theme of the latest themes run, its members that pass the intent/sentiment filter
--          (items and distinct users), themes with none left out.
WITH theme_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'themes' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
intent_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'intents' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
assigned AS (
    SELECT i.feedback_id, any_value(i.intent) AS intent, any_value(i.sentiment) AS sentiment
    FROM feedback_intents AS i
    JOIN intent_run AS r ON r.run_id = i.run_id
    GROUP BY i.feedback_id
),
kept AS (
    SELECT feedback_id
    FROM assigned
    WHERE (len(CAST($intents AS VARCHAR[])) = 0 OR list_contains(CAST($intents AS VARCHAR[]), intent))
      AND (len(CAST($sentiments AS VARCHAR[])) = 0 OR list_contains(CAST($sentiments AS VARCHAR[]), sentiment))
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
