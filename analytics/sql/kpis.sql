-- purpose: headline totals of the event log: users, events, first and last event.
SELECT count(DISTINCT user_id)::BIGINT AS users, count(*)::BIGINT AS events,
       min(ts) AS first_event, max(ts) AS last_event
FROM events
