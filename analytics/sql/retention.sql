-- purpose: retention matrix in long form: one row per (cohort, period k = 0..$periods) with the cohort size and
-- the users who returned in period k (NULL where that period ends after the last event in the data).
-- Calendar periods are local (workspace zone $tz, weeks shifted by $wshift; the macros of migration 6); rolling
-- period k after an anchor t0 is [t0 + k*len, t0 + (k+1)*len). Branches guarded by a parameter are pruned by
-- DuckDB, so each (cohort, window) combination runs only its own plan. Unbounded counts look at every return over
-- all data (a user's latest return decides), bounded ones only at periods 1..$periods. Calendar periods with any start
-- and return event read the activity table instead (retention_activity.sql).
WITH
ev AS NOT MATERIALIZED (  -- each event with its local day number
    SELECT user_id, event, ts, local_day(ts, $tz) AS dnum
    FROM events
),
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
first_anchor AS (  -- cohort=first: the first start event of each user over all data
    SELECT user_id, min(ts) AS anchor, arg_min(dnum, ts) AS anchor_day
    FROM ev
    WHERE $cohort = 'first' AND ($start_event IS NULL OR event = $start_event)
    GROUP BY user_id
),
start_days AS (  -- cohort=recurring: first start event of each user and local day
    SELECT user_id, dnum, min(ts) AS first_ts
    FROM ev
    WHERE $cohort = 'recurring' AND ($start_event IS NULL OR event = $start_event)
    GROUP BY ALL
),
anchors_all AS (
    SELECT user_id, anchor_day, anchor FROM first_anchor
    UNION ALL
    SELECT user_id, arg_min(dnum, first_ts) AS anchor_day, min(first_ts) AS anchor
    FROM start_days
    GROUP BY user_id, period_number(dnum, $period, $wshift)
),
anchors AS (  -- a date range selects the rows whose anchor's local date falls in it
    SELECT user_id, anchor, anchor_day, period_number(anchor_day, $period, $wshift) AS cohort_p
    FROM anchors_all
    WHERE ($date_from IS NULL OR DATE '1970-01-01' + anchor_day::INTEGER >= $date_from::DATE)
      AND ($date_to IS NULL OR DATE '1970-01-01' + anchor_day::INTEGER <= $date_to::DATE)
),
return_periods AS (  -- cohort=recurring, calendar: each user's periods holding a return event
    SELECT DISTINCT user_id, period_number(dnum, $period, $wshift) AS pnum
    FROM ev
    WHERE $cohort = 'recurring' AND $window = 'calendar'
      AND ($return_event IS NULL OR event = $return_event)
),
hits AS (  -- distinct (user, cohort row, k >= 1) with a return event in period k (k <= $periods unless unbounded)
    SELECT DISTINCT a.user_id, a.cohort_p, period_number(e.dnum, $period, $wshift) - a.cohort_p AS k
    FROM anchors a JOIN ev e ON e.user_id = a.user_id
    WHERE $cohort = 'first' AND $window = 'calendar' AND ($return_event IS NULL OR e.event = $return_event)
      AND k >= 1 AND ($unbounded OR k <= $periods)
    UNION ALL
    SELECT a.user_id, a.cohort_p, r.pnum - a.cohort_p AS k
    FROM anchors a JOIN return_periods r ON r.user_id = a.user_id
    WHERE $cohort = 'recurring' AND $window = 'calendar'
      AND r.pnum > a.cohort_p AND ($unbounded OR r.pnum <= a.cohort_p + $periods)
    UNION ALL
    SELECT DISTINCT a.user_id, a.cohort_p, (epoch_us(e.ts) - epoch_us(a.anchor)) // $len_us AS k
    FROM anchors a JOIN events e ON e.user_id = a.user_id
    WHERE $window = 'rolling' AND ($return_event IS NULL OR e.event = $return_event)
      AND e.ts >= a.anchor + to_microseconds($len_us)
      AND ($unbounded OR e.ts < a.anchor + to_microseconds($len_us * ($periods + 1)))
),
cohorts AS (
    SELECT cohort_p, count(*) AS cohort_size, max(anchor) AS last_anchor
    FROM anchors
    GROUP BY cohort_p
),
cells AS (
    SELECT c.cohort_p, c.cohort_size, c.last_anchor, r.k
    FROM cohorts c CROSS JOIN range(0, $periods + 1) r(k)
),
bounded AS (
    SELECT cohort_p, k, count(*) AS users
    FROM hits
    WHERE NOT $unbounded
    GROUP BY ALL
),
furthest AS (  -- unbounded: a user counts in every column 1..their latest return over all data
    SELECT cohort_p, kmax, count(*) AS users
    FROM (SELECT user_id, cohort_p, max(k) AS kmax FROM hits WHERE $unbounded GROUP BY ALL)
    GROUP BY ALL
),
unbounded AS (
    SELECT c.cohort_p, c.k, sum(f.users) AS users
    FROM cells c JOIN furthest f ON f.cohort_p = c.cohort_p AND f.kmax >= c.k
    WHERE c.k >= 1
    GROUP BY ALL
),
counted AS (
    SELECT * FROM bounded UNION ALL SELECT * FROM unbounded
)
SELECT period_first_day(c.cohort_p, $period, $wshift) AS cohort_start,
       c.cohort_size,
       c.k,
       CASE WHEN c.k = 0 THEN c.cohort_size
            WHEN (CASE WHEN $window = 'rolling'
                       THEN c.last_anchor + to_microseconds($len_us * (c.k + 1))
                       ELSE local_midnight(period_first_day(c.cohort_p + c.k + 1, $period, $wshift), $tz)
                  END) > l.last_ts THEN NULL
            ELSE coalesce(n.users, 0) END AS users
FROM cells c
CROSS JOIN last_event l
LEFT JOIN counted n ON n.cohort_p = c.cohort_p AND n.k = c.k
ORDER BY cohort_start, c.k
