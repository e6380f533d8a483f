-- purpose: the feedback themes of one run (the latest, chosen by the caller) with share, rating, NPS and quotes.
-- params: $run_id
WITH t AS (
    SELECT theme_id, name, size, keywords, quotes, figures
    FROM themes
    WHERE run_id = $run_id
),
total AS (
    SELECT sum(size) AS items FROM t
)
SELECT t.theme_id, t.name, t.size,
       coalesce(TRY_CAST(json_extract_string(t.figures, '$.share') AS DOUBLE),
                t.size / nullif(total.items, 0)) AS share,
       TRY_CAST(json_extract_string(t.figures, '$.mean_rating') AS DOUBLE) AS mean_rating,
       TRY_CAST(json_extract_string(t.figures, '$.nps') AS DOUBLE) AS nps,
       t.keywords, t.quotes
FROM t, total
ORDER BY t.size DESC, t.theme_id
