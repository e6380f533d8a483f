-- purpose: per-user event counts over the $max_events most frequent events (the behaviour profile of personas)
WITH counts AS (
    SELECT user_id, event, count(*) AS n
    FROM events
    GROUP BY user_id, event
),
top_events AS (
    SELECT event
    FROM counts
    GROUP BY event
    ORDER BY sum(n) DESC, event
    LIMIT $max_events
)
SELECT c.user_id, c.event, c.n
FROM counts c
JOIN top_events t ON t.event = c.event
ORDER BY c.user_id, c.event
