-- purpose: build the activity rows of grain $period in zone $tz (week shift $wshift): every (user, active local
-- period) with the first local day in it, the user's previous and next active period, their first and last active
-- period and their first local day; counted by that pattern, so no row holds a user id (analytics/activity.py).
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
linked AS (
    SELECT pnum, first_day,
           lag(pnum) OVER by_period AS prev_p,
           lead(pnum) OVER by_period AS next_p,
           min(pnum) OVER by_user AS first_p,
           max(pnum) OVER by_user AS last_p,
           min(first_day) OVER by_user AS user_first_day
    FROM user_periods
    WINDOW by_period AS (PARTITION BY user_id ORDER BY pnum),
           by_user AS (PARTITION BY user_id)
)
SELECT $period AS grain, $tz AS timezone, $wshift AS wshift,
       pnum, first_day, prev_p, next_p, first_p, last_p, user_first_day, count(*) AS users
FROM linked
GROUP BY ALL
