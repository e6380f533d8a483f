-- purpose: build the activity rows of grain $period in zone $tz (week shift $wshift): every (user, active local
-- period) with the first local day in it, the user's first and last active period and first local day and, with
-- $neighbours, the user's previous and next active period; counted by that pattern, so no row holds a user id
-- (analytics/activity.py). Without neighbours (retention needs none) the build costs what the minimal
-- retention query costs: one aggregate per user joined back; with them, one window over each user's periods.
INSERT INTO activity
WITH
days AS (
    SELECT user_id, local_day(ts, $tz) AS dnum FROM events
),
user_periods AS (
    SELECT user_id, period_number(dnum, $period, $wshift) AS pnum, min(dnum) AS first_day
    FROM days
    GROUP BY ALL
),
with_neighbours AS (
    SELECT pnum, first_day,
           lag(pnum) OVER by_period AS prev_p,
           lead(pnum) OVER by_period AS next_p,
           min(pnum) OVER by_user AS first_p,
           max(pnum) OVER by_user AS last_p,
           min(first_day) OVER by_user AS user_first_day
    FROM user_periods
    WHERE $neighbours
    WINDOW by_period AS (PARTITION BY user_id ORDER BY pnum),
           by_user AS (PARTITION BY user_id)
),
per_user AS (
    SELECT user_id, min(pnum) AS first_p, max(pnum) AS last_p, min(first_day) AS user_first_day
    FROM user_periods
    WHERE NOT $neighbours
    GROUP BY user_id
),
without_neighbours AS (
    SELECT p.pnum, p.first_day, NULL::BIGINT AS prev_p, NULL::BIGINT AS next_p, u.first_p, u.last_p,
           u.user_first_day
    FROM user_periods p JOIN per_user u ON u.user_id = p.user_id
    WHERE NOT $neighbours
)
SELECT $period AS grain, $tz AS timezone, $wshift AS wshift,
       pnum, first_day, prev_p, next_p, first_p, last_p, user_first_day, count(*) AS users
FROM (SELECT * FROM with_neighbours UNION ALL SELECT * FROM without_neighbours)
GROUP BY ALL
