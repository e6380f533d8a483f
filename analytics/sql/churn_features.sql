-- purpose: churn features per user as of $cutoff (users with an event in the 90 days up to it) and the label:
-- churned = no event in ($cutoff, $cutoff + $horizon_us], NULL when that window ends after the last event.
WITH
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
past AS (
    SELECT user_id, event, ts, (epoch_us($cutoff::TIMESTAMPTZ) - epoch_us(ts)) / 86400e6 AS age_days
    FROM events
    WHERE ts <= $cutoff::TIMESTAMPTZ
),
recent_users AS (
    SELECT user_id FROM past GROUP BY user_id HAVING min(age_days) < 90
),
features AS (
    SELECT p.user_id,
           min(age_days) AS recency_days,
           max(age_days) AS tenure_days,
           count(*) AS events_total,
           count(*) FILTER (WHERE age_days < 7) AS events_7,
           count(*) FILTER (WHERE age_days < 28) AS events_28,
           count(*) FILTER (WHERE age_days >= 28 AND age_days < 56) AS events_28_56,
           count(DISTINCT floor(age_days)) FILTER (WHERE age_days < 28) AS active_days_28,
           count(DISTINCT floor(age_days)) AS active_days_total,
           count(DISTINCT event) AS distinct_events
    FROM past p SEMI JOIN recent_users r ON r.user_id = p.user_id
    GROUP BY p.user_id
),
future AS (
    SELECT DISTINCT user_id FROM events
    WHERE ts > $cutoff::TIMESTAMPTZ AND ts <= $cutoff::TIMESTAMPTZ + to_microseconds($horizon_us)
)
SELECT f.*,
       CASE WHEN $cutoff::TIMESTAMPTZ + to_microseconds($horizon_us) > l.last_ts THEN NULL
            ELSE (u.user_id IS NULL)::INTEGER END AS churned
FROM features f
CROSS JOIN last_event l
LEFT JOIN future u ON u.user_id = f.user_id
ORDER BY f.user_id
