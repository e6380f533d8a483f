-- purpose: build the activity rows of grain $period in zone $tz (week shift $wshift): every (user, active local
-- period) with the user's first and last active period and first local day and, with $neighbours, the user's
-- previous and next active period; counted by that pattern, so no row holds a user id (analytics/activity.py).
-- One aggregate per user collects their sorted active periods (small lists, cheap to sort), which replaces both
-- a high-cardinality DISTINCT over (user, period) and a window over every user's periods.
INSERT INTO activity
WITH
days AS (
    SELECT user_id, local_day(ts, $tz) AS dnum FROM events
),
per_user AS (
    SELECT min(dnum) AS user_first_day,
           list_sort(list_distinct(list(period_number(dnum, $period, $wshift)))) AS ps
    FROM days
    GROUP BY user_id
),
user_periods AS (  -- ps[0] and ps[len + 1] are NULL: no previous / next period
    SELECT ps[i] AS pnum,
           CASE WHEN $neighbours THEN ps[i - 1] END AS prev_p,
           CASE WHEN $neighbours THEN ps[i + 1] END AS next_p,
           ps[1] AS first_p, ps[-1] AS last_p, user_first_day
    FROM (SELECT ps, user_first_day, unnest(range(1, len(ps) + 1)) AS i FROM per_user)
)
SELECT $period AS grain, $tz AS timezone, $wshift AS wshift,
       pnum, prev_p, next_p, first_p, last_p, user_first_day, count(*) AS users
FROM user_periods
GROUP BY ALL
