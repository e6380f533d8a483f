-- purpose: every event name with its number of events and distinct users, most frequent first (pickers).
WITH counted AS (
    SELECT event, count(*) AS events, count(DISTINCT user_id) AS users
    FROM events
    GROUP BY event
)
SELECT event, events, users
FROM counted
ORDER BY events DESC, event
