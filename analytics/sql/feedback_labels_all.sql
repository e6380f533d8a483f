-- purpose: every stored intent label with the feedback text it labels (the training set of few-shot intents)
WITH labels AS (
    SELECT feedback_id, label, source, labelled_at
    FROM feedback_labels
)
SELECT l.feedback_id, l.label, l.source, l.labelled_at, f.text
FROM labels AS l
LEFT JOIN (SELECT DISTINCT ON (feedback_id) feedback_id, text FROM feedback ORDER BY feedback_id) AS f
    ON f.feedback_id = l.feedback_id
ORDER BY l.feedback_id
