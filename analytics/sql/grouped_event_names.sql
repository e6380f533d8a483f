-- purpose: every event name after the grouping rules ($patterns[i] -> $names[i], first match wins, regex
-- search semantics), with its number of events, most frequent first (name checks and pickers).
WITH
rules AS (
    SELECT unnest($patterns::VARCHAR[]) AS pattern, unnest($names::VARCHAR[]) AS name,
           generate_subscripts($patterns::VARCHAR[], 1) AS rule
),
raw AS (
    SELECT event, count(*) AS events FROM events GROUP BY event
),
mapped AS (
    SELECT r.event, r.events, coalesce(arg_min(g.name, g.rule), r.event) AS name
    FROM raw r LEFT JOIN rules g ON regexp_matches(r.event, g.pattern)
    GROUP BY r.event, r.events
)
SELECT name, sum(events)::BIGINT AS events
FROM mapped
GROUP BY name
ORDER BY events DESC, name
