-- purpose: feedback items of the latest intents run that pass an intent/sentiment filter (an empty list
--          lets every value through): the one filter the themes, personas, prioritisation pages and the
--          report share.
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'intents'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
assigned AS (
    SELECT i.feedback_id, any_value(i.intent) AS intent, any_value(i.confidence) AS confidence,
           any_value(i.sentiment) AS sentiment
    FROM feedback_intents AS i
    JOIN latest AS l ON l.run_id = i.run_id
    GROUP BY i.feedback_id
),
items AS (
    SELECT DISTINCT ON (feedback_id) feedback_id, user_id, text, rating
    FROM feedback
    ORDER BY feedback_id
),
kept AS (
    SELECT a.feedback_id, f.user_id, f.text, f.rating, a.intent, a.confidence, a.sentiment
    FROM assigned AS a
    JOIN items AS f ON f.feedback_id = a.feedback_id
    WHERE (len(CAST($intents AS VARCHAR[])) = 0 OR list_contains(CAST($intents AS VARCHAR[]), a.intent))
      AND (len(CAST($sentiments AS VARCHAR[])) = 0
           OR list_contains(CAST($sentiments AS VARCHAR[]), a.sentiment))
)
SELECT k.feedback_id, k.user_id, k.text, k.rating, k.intent, k.confidence, k.sentiment,
       lb.label AS labelled_as
FROM kept AS k
LEFT JOIN feedback_labels AS lb ON lb.feedback_id = k.feedback_id
ORDER BY k.feedback_id
