-- purpose: power-user curve: users by number of active local days in the $days days ending on the as-of day.
WITH
ev AS (
    SELECT user_id,
           local_day(ts, $tz) AS dnum
    FROM events
    WHERE ts <= coalesce($as_of::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ)
),
last_day AS (
    SELECT max(dnum) AS d1 FROM ev
),
active AS (
    SELECT user_id, count(DISTINCT dnum) AS active_days
    FROM ev, last_day
    WHERE dnum > last_day.d1 - $days
    GROUP BY user_id
),
hist AS (
    SELECT active_days, count(*) AS users FROM active GROUP BY ALL
)
SELECT r.active_days::BIGINT AS active_days, coalesce(h.users, 0)::BIGINT AS users
FROM range(1, $days + 1) r(active_days) LEFT JOIN hist h ON h.active_days = r.active_days
WHERE (SELECT d1 FROM last_day) IS NOT NULL
ORDER BY r.active_days
