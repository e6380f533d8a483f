-- purpose: feedback items of the latest intents run that pass an intent/sentiment filter (an empty list
--          lets every value through): the one filter the themes, personas, prioritisation pages and the
--          report share.
WITH items AS (
    SELECT DISTINCT ON (feedback_id) feedback_id, user_id, text, rating
    FROM feedback
    ORDER BY feedback_id
),
kept AS (
    SELECT a.feedback_id, f.user_id, f.text, f.rating, a.intent, a.confidence, a.sentiment
    FROM voice_assigned(CAST($intents AS VARCHAR[]), CAST($sentiments AS VARCHAR[])) AS a
    JOIN items AS f ON f.feedback_id = a.feedback_id
)
SELECT k.feedback_id, k.user_id, k.text, k.rating, k.intent, k.confidence, k.sentiment,
       lb.label AS labelled_as
FROM kept AS k
LEFT JOIN feedback_labels AS lb ON lb.feedback_id = k.feedback_id
ORDER BY k.feedback_id
