-- purpose: Kano answers per (segment, feature) classified with an evaluation table: A/O/M/I/R/Q counts
--          and the DuMouchel continuous means (importance-weighted; a missing importance weighs as the
--          mean importance of its group, and 1 when the group has none).
-- params: $cells (25 categories, cell (f, d) at 5*(f-1)+d), $segment_kind ('none'|'persona'|'cohort'|
--         'attribute'), $persona_run (latest personas run id or ''), $attr_path (JSON path of the attribute)
WITH settings_tz AS (
    SELECT coalesce(max(value) FILTER (WHERE key = 'timezone'), 'UTC') AS tz FROM settings
),
persona_of AS (
    SELECT m.user_id, min(coalesce(p.name, 'persona ' || m.persona_id::VARCHAR)) AS persona
    FROM persona_members m
    LEFT JOIN personas p ON p.run_id = m.run_id AND p.persona_id = m.persona_id
    WHERE $segment_kind = 'persona' AND m.run_id = $persona_run
    GROUP BY m.user_id
),
first_event AS (
    SELECT user_id, min(ts) AS first_ts
    FROM events
    WHERE $segment_kind = 'cohort' AND user_id IN (SELECT user_id FROM kano_responses)
    GROUP BY user_id
),
answers AS (
    SELECT
        k.feature, k.functional, k.dysfunctional, k.importance,
        CASE $segment_kind
            WHEN 'none' THEN NULL
            WHEN 'persona' THEN coalesce(po.persona, '(none)')
            WHEN 'cohort' THEN coalesce(
                strftime(timezone(tz.tz, coalesce(u.signup_ts, fe.first_ts, u.first_seen)), '%Y-%m'), '(none)')
            ELSE coalesce(
                nullif(json_extract_string(k.attributes, $attr_path), ''),
                nullif(json_extract_string(u.attributes, $attr_path), ''), '(none)')
        END AS segment
    FROM kano_responses AS k
    CROSS JOIN settings_tz AS tz
    LEFT JOIN users AS u ON u.user_id = k.user_id
    LEFT JOIN persona_of AS po ON po.user_id = k.user_id
    LEFT JOIN first_event AS fe ON fe.user_id = k.user_id
),
classified AS (
    SELECT
        segment, feature, importance,
        CASE WHEN functional BETWEEN 1 AND 5 AND dysfunctional BETWEEN 1 AND 5
             THEN substr($cells, 5 * (functional - 1) + dysfunctional, 1) END AS category,
        CASE functional WHEN 1 THEN 4 WHEN 2 THEN 2 WHEN 3 THEN 0 WHEN 4 THEN -1 WHEN 5 THEN -2 END AS f_score,
        CASE dysfunctional WHEN 1 THEN -2 WHEN 2 THEN -1 WHEN 3 THEN 0 WHEN 4 THEN 2 WHEN 5 THEN 4 END AS d_score
    FROM answers
),
weighted AS (
    SELECT
        *,
        coalesce(importance, avg(importance) OVER (PARTITION BY segment, feature), 1.0) AS w
    FROM classified
)
SELECT
    segment,
    feature,
    count(*) AS n,
    count(*) FILTER (WHERE category = 'A') AS "A",
    count(*) FILTER (WHERE category = 'O') AS "O",
    count(*) FILTER (WHERE category = 'M') AS "M",
    count(*) FILTER (WHERE category = 'I') AS "I",
    count(*) FILTER (WHERE category = 'R') AS "R",
    count(*) FILTER (WHERE category = 'Q') AS "Q",
    count(*) FILTER (WHERE category IS NULL) AS invalid,
    avg(importance) AS mean_importance,
    sum(w * f_score) / nullif(sum(w), 0) AS functional_score,
    sum(w * d_score) / nullif(sum(w), 0) AS dysfunctional_score
FROM weighted
GROUP BY segment, feature
ORDER BY segment NULLS FIRST, feature
