-- purpose: the first Kano answers whose codes are outside 1..5, to name them in an error message.
WITH bad AS (
    SELECT respondent_id, feature, functional, dysfunctional, batch_id
    FROM kano_responses
    WHERE functional NOT BETWEEN 1 AND 5 OR dysfunctional NOT BETWEEN 1 AND 5
)
SELECT * FROM bad ORDER BY batch_id, respondent_id, feature LIMIT 5
