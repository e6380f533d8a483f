-- purpose: user → persona of the latest persona run (for segmenting other analyses by persona)
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'personas'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
)
SELECT m.user_id, m.persona_id, p.name AS persona
FROM persona_members m
JOIN latest l ON l.run_id = m.run_id
JOIN personas p ON p.run_id = m.run_id AND p.persona_id = m.persona_id
ORDER BY m.user_id
