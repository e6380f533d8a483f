-- purpose: per persona of the latest persona run, its users who wrote feedback that passes the
--          intent/sentiment filter and how many such items they wrote; personas with none left out.
WITH persona_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'personas' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
kept AS (
    SELECT f.feedback_id, any_value(f.user_id) AS user_id
    FROM feedback AS f
    JOIN voice_assigned(CAST($intents AS VARCHAR[]), CAST($sentiments AS VARCHAR[])) AS a ON a.feedback_id = f.feedback_id
    WHERE f.user_id IS NOT NULL
    GROUP BY f.feedback_id
),
members AS (
    SELECT m.persona_id, p.name, k.user_id, k.feedback_id
    FROM persona_members AS m
    JOIN persona_run AS r ON r.run_id = m.run_id
    JOIN personas AS p ON p.run_id = m.run_id AND p.persona_id = m.persona_id
    JOIN kept AS k ON k.user_id = m.user_id
)
SELECT persona_id, name, count(DISTINCT user_id) AS users, count(DISTINCT feedback_id) AS items
FROM members
GROUP BY persona_id, name
ORDER BY users DESC, persona_id
