-- purpose: the $n unlabelled feedback texts the latest intents run is least sure of (label these next);
--          ties by feedback id so the order is stable. Items without words (emoji, digits, boilerplate
--          only) get confidence exactly 0 and teach a model nothing, so they are never proposed.
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'intents'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
unlabelled AS (
    SELECT i.feedback_id, i.intent, i.confidence
    FROM feedback_intents AS i
    JOIN latest AS l ON l.run_id = i.run_id
    WHERE i.feedback_id NOT IN (SELECT feedback_id FROM feedback_labels)
      AND i.confidence > 0
),
with_text AS (
    SELECT u.feedback_id, f.text, u.intent, u.confidence
    FROM unlabelled AS u
    JOIN feedback AS f ON f.feedback_id = u.feedback_id
    WHERE f.text IS NOT NULL AND trim(f.text) <> ''
)
SELECT DISTINCT ON (feedback_id) feedback_id, text, intent, confidence
FROM with_text
ORDER BY confidence ASC, feedback_id ASC
LIMIT $n
