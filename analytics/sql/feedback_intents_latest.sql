-- purpose: the intent, its confidence and the sentiment of every feedback item in the latest intents run
--          (what pages and the report filter by); empty without an intents run.
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'intents'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
assigned AS (
    SELECT i.run_id, i.feedback_id, i.intent, i.confidence, i.sentiment, i.sentiment_source
    FROM feedback_intents AS i
    JOIN latest AS l ON l.run_id = i.run_id
)
SELECT a.run_id, a.feedback_id, f.user_id, f.text, a.intent, a.confidence, a.sentiment, a.sentiment_source,
       lb.label AS labelled_as
FROM assigned AS a
LEFT JOIN feedback AS f ON f.feedback_id = a.feedback_id
LEFT JOIN feedback_labels AS lb ON lb.feedback_id = a.feedback_id
ORDER BY a.feedback_id
