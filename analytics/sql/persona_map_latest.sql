-- purpose: the 2D map (PCA coordinates) of the latest persona run: one row per member with stored x, y
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'personas'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
members AS (
    SELECT m.run_id, m.user_id, m.persona_id, m.x, m.y
    FROM persona_members m
    JOIN latest l ON l.run_id = m.run_id
    WHERE m.x IS NOT NULL AND m.y IS NOT NULL
)
SELECT m.user_id, m.x, m.y, m.persona_id, p.name AS persona
FROM members m
JOIN personas p ON p.run_id = m.run_id AND p.persona_id = m.persona_id
ORDER BY m.user_id
