-- purpose: retention matrix in long form: one row per (cohort, period k = 0..$n) with the cohort size and
-- the users who returned in period k (NULL where that period ends after the last event in the data).
-- Calendar periods are local (workspace zone $tz, weeks shifted by $wshift); rolling period k after an
-- anchor t0 is [t0 + k*len, t0 + (k+1)*len). Branches guarded by a parameter are pruned by DuckDB, so each
-- (cohort, window) combination runs only its own plan. Period number from a local day number d:
-- day: d; week: (d + $wshift) // 7; month: year * 12 + month - 1.
WITH
ev AS NOT MATERIALIZED (  -- each event with its local wall-clock time as epoch microseconds
    SELECT user_id, event, ts,
           CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END AS lus
    FROM events
),
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
first_anchor AS (  -- cohort=first: the first start event of each user over all data
    SELECT user_id, min(ts) AS anchor, arg_min(lus, ts) // 86400000000 AS anchor_day
    FROM ev
    WHERE $cohort = 'first' AND ($start_event IS NULL OR event = $start_event)
    GROUP BY user_id
),
start_days AS (  -- cohort=recurring: first start event of each user and local day
    SELECT user_id, lus // 86400000000 AS dnum, min(ts) AS first_ts
    FROM ev
    WHERE $cohort = 'recurring' AND ($start_event IS NULL OR event = $start_event)
    GROUP BY ALL
),
anchors_all AS (
    SELECT user_id, anchor_day, anchor FROM first_anchor
    UNION ALL
    SELECT user_id, arg_min(dnum, first_ts) AS anchor_day, min(first_ts) AS anchor
    FROM start_days
    GROUP BY user_id,
             CASE $period WHEN 'day' THEN dnum
                          WHEN 'week' THEN (dnum + $wshift) // 7
                          ELSE year(DATE '1970-01-01' + dnum::INTEGER) * 12
                               + month(DATE '1970-01-01' + dnum::INTEGER) - 1 END
),
anchors AS (  -- a date range selects the rows whose anchor's local date falls in it
    SELECT user_id, anchor, anchor_day,
           CASE $period WHEN 'day' THEN anchor_day
                        WHEN 'week' THEN (anchor_day + $wshift) // 7
                        ELSE year(DATE '1970-01-01' + anchor_day::INTEGER) * 12
                             + month(DATE '1970-01-01' + anchor_day::INTEGER) - 1 END AS cohort_p
    FROM anchors_all
    WHERE ($date_from IS NULL OR DATE '1970-01-01' + anchor_day::INTEGER >= $date_from::DATE)
      AND ($date_to IS NULL OR DATE '1970-01-01' + anchor_day::INTEGER <= $date_to::DATE)
),
return_periods AS (  -- cohort=recurring, calendar: each user's periods holding a return event
    SELECT DISTINCT user_id,
           CASE $period WHEN 'day' THEN lus // 86400000000
                        WHEN 'week' THEN (lus // 86400000000 + $wshift) // 7
                        ELSE year(make_timestamp(lus)) * 12 + month(make_timestamp(lus)) - 1 END AS pnum
    FROM ev
    WHERE $cohort = 'recurring' AND $window = 'calendar'
      AND ($return_event IS NULL OR event = $return_event)
),
hits AS (  -- distinct (user, cohort row, k in 1..$n) with a return event in period k
    SELECT DISTINCT a.user_id, a.cohort_p,
           CASE $period WHEN 'day' THEN e.lus // 86400000000
                        WHEN 'week' THEN (e.lus // 86400000000 + $wshift) // 7
                        ELSE year(make_timestamp(e.lus)) * 12 + month(make_timestamp(e.lus)) - 1 END
               - a.cohort_p AS k
    FROM anchors a JOIN ev e ON e.user_id = a.user_id
    WHERE $cohort = 'first' AND $window = 'calendar' AND ($return_event IS NULL OR e.event = $return_event)
      AND k BETWEEN 1 AND $n
    UNION ALL
    SELECT a.user_id, a.cohort_p, r.pnum - a.cohort_p AS k
    FROM anchors a JOIN return_periods r ON r.user_id = a.user_id
    WHERE $cohort = 'recurring' AND $window = 'calendar'
      AND r.pnum BETWEEN a.cohort_p + 1 AND a.cohort_p + $n
    UNION ALL
    SELECT DISTINCT a.user_id, a.cohort_p, (epoch_us(e.ts) - epoch_us(a.anchor)) // $len_us AS k
    FROM anchors a JOIN events e ON e.user_id = a.user_id
    WHERE $window = 'rolling' AND ($return_event IS NULL OR e.event = $return_event)
      AND e.ts >= a.anchor + to_microseconds($len_us)
      AND e.ts < a.anchor + to_microseconds($len_us * ($n + 1))
),
cohorts AS (
    SELECT cohort_p, count(*) AS cohort_size, max(anchor) AS last_anchor
    FROM anchors
    GROUP BY cohort_p
),
cells AS (
    SELECT c.cohort_p, c.cohort_size, c.last_anchor, r.k
    FROM cohorts c CROSS JOIN range(0, $n + 1) r(k)
),
bounded AS (
    SELECT cohort_p, k, count(*) AS users
    FROM hits
    WHERE NOT $unbounded
    GROUP BY ALL
),
furthest AS (  -- unbounded: a user counts in every column 1..their latest return
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
),
bounds AS (  -- local start of the cohort period and of the period after cell k
    SELECT c.*,
           CASE $period WHEN 'day' THEN DATE '1970-01-01' + c.cohort_p::INTEGER
                        WHEN 'week' THEN DATE '1970-01-01' + (7 * c.cohort_p - $wshift)::INTEGER
                        ELSE make_date((c.cohort_p // 12)::BIGINT, (c.cohort_p % 12 + 1)::BIGINT, 1) END
               AS cohort_start,
           CASE $period WHEN 'day' THEN DATE '1970-01-01' + (c.cohort_p + c.k + 1)::INTEGER
                        WHEN 'week' THEN DATE '1970-01-01' + (7 * (c.cohort_p + c.k + 1) - $wshift)::INTEGER
                        ELSE make_date(((c.cohort_p + c.k + 1) // 12)::BIGINT,
                                       ((c.cohort_p + c.k + 1) % 12 + 1)::BIGINT, 1) END
               AS next_start
    FROM cells c
)
SELECT b.cohort_start,
       b.cohort_size,
       b.k,
       CASE WHEN b.k = 0 THEN b.cohort_size
            WHEN (CASE WHEN $window = 'rolling'
                       THEN b.last_anchor + to_microseconds($len_us * (b.k + 1))
                       WHEN $tz = 'UTC' THEN b.next_start::TIMESTAMP::TIMESTAMPTZ
                       ELSE timezone($tz, b.next_start::TIMESTAMP) END) > l.last_ts THEN NULL
            ELSE coalesce(n.users, 0) END AS users
FROM bounds b
CROSS JOIN last_event l
LEFT JOIN counted n ON n.cohort_p = b.cohort_p AND n.k = b.k
ORDER BY b.cohort_start, b.k
