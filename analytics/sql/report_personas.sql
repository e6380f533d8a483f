-- purpose: the personas of one run (the latest, chosen by the caller) with share, confidence and their first quotes.
-- params: $run_id
WITH p AS (
    SELECT persona_id, name, size, keywords, quotes, figures
    FROM personas
    WHERE run_id = $run_id
),
total AS (
    SELECT sum(size) AS users FROM p
)
SELECT p.persona_id, p.name, p.size,
       coalesce(TRY_CAST(json_extract_string(p.figures, '$.share') AS DOUBLE),
                p.size / nullif(t.users, 0)) AS share,
       TRY_CAST(json_extract_string(p.figures, '$.confidence') AS DOUBLE) AS confidence,
       p.keywords, p.quotes
FROM p, total AS t
ORDER BY p.size DESC, p.persona_id
