-- purpose: retention matrix in long form: one row per (cohort, period k = 0..$n) with the cohort size and
-- the users who returned in period k (NULL where that period ends after the last event in the data).
-- Calendar periods are local (workspace zone $tz, weeks shifted by $wshift); rolling period k after an
-- anchor t0 is [t0 + k*len, t0 + (k+1)*len). Branches guarded by a parameter are pruned by DuckDB.
WITH
ev AS (  -- each event with its local wall-clock time as epoch microseconds
    SELECT user_id, event, ts,
           CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END AS lus
    FROM events
),
last_event AS (
    SELECT max(ts) AS last_ts FROM events
),
user_days AS (  -- one row per user and local day: first start event that day, any return event that day
    SELECT user_id, lus // 86400000000 AS dnum,
           min(ts) FILTER (WHERE $start_event IS NULL OR event = $start_event) AS first_start,
           bool_or($return_event IS NULL OR event = $return_event) AS has_return
    FROM ev
    GROUP BY ALL
),
user_periods AS (  -- one row per user and calendar period number
    SELECT user_id,
           CASE $period WHEN 'day' THEN dnum
                        WHEN 'week' THEN (dnum + $wshift) // 7
                        ELSE year(DATE '1970-01-01' + dnum::INTEGER) * 12
                             + month(DATE '1970-01-01' + dnum::INTEGER) - 1 END AS pnum,
           min(first_start) AS first_start,
           bool_or(has_return) AS has_return
    FROM user_days
    GROUP BY ALL
),
anchors_all AS (  -- first: the first start event over all data; recurring: the first one in each period
    SELECT user_id, arg_min(pnum, first_start) AS cohort_p, min(first_start) AS anchor
    FROM user_periods
    WHERE first_start IS NOT NULL AND $cohort = 'first'
    GROUP BY user_id
    UNION ALL
    SELECT user_id, pnum AS cohort_p, first_start AS anchor
    FROM user_periods
    WHERE first_start IS NOT NULL AND $cohort = 'recurring'
),
anchors AS (  -- a date range selects the rows whose anchor's local date falls in it
    SELECT user_id, cohort_p, anchor
    FROM anchors_all
    WHERE ($date_from IS NULL AND $date_to IS NULL)
       OR (CASE WHEN $tz = 'UTC' THEN anchor::DATE ELSE timezone($tz, anchor)::DATE END)
          BETWEEN coalesce($date_from::DATE, DATE '0001-01-01') AND coalesce($date_to::DATE, DATE '9999-12-31')
),
hits AS (  -- distinct (user, cohort row, k >= 1) with a return event in period k
    SELECT a.user_id, a.cohort_p, up.pnum - a.cohort_p AS k
    FROM anchors a JOIN user_periods up ON up.user_id = a.user_id
    WHERE $window = 'calendar' AND up.has_return
      AND up.pnum BETWEEN a.cohort_p + 1 AND a.cohort_p + $n
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
