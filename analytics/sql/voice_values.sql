-- purpose: the intents and sentiments the latest intents run assigned, with their item counts (the choices
--          of the intent/sentiment filter), most frequent first.
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'intents'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
assigned AS (
    SELECT i.intent, i.sentiment
    FROM feedback_intents AS i
    JOIN latest AS l ON l.run_id = i.run_id
),
values AS (
    SELECT 'intent' AS field, intent AS value FROM assigned WHERE intent IS NOT NULL
    UNION ALL
    SELECT 'sentiment' AS field, sentiment AS value FROM assigned WHERE sentiment IS NOT NULL
)
SELECT field, value, count(*) AS items
FROM values
GROUP BY field, value
ORDER BY field, items DESC, value
