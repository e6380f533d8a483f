-- purpose: retention matrix for calendar periods with any event as start and return event, read from the activity
-- build of $period (analytics/activity.py), in the long form of retention.sql: one row per (cohort, k = 0..$periods).
-- cohort=first: a user's row is their first active period; k counts users active in period row + k (bounded) or
-- whose last active period is row + k or later (unbounded, over all data); a date range selects the users whose
-- first local day falls in it. cohort=recurring (unbounded, no date range; the other forms need pairs of periods
-- or each period's first day per user and run retention.sql): a row per active period.
WITH
act AS (
    SELECT * FROM activity_of($period, $tz, $wshift)
),
in_range AS (  -- one row per cohort membership pattern
    SELECT pnum AS cohort_p, last_p, users
    FROM act
    WHERE ($cohort = 'recurring' OR pnum = first_p)
      AND ($date_from IS NULL OR DATE '1970-01-01' + user_first_day::INTEGER >= $date_from::DATE)
      AND ($date_to IS NULL OR DATE '1970-01-01' + user_first_day::INTEGER <= $date_to::DATE)
),
cohorts AS (
    SELECT cohort_p, sum(users) AS cohort_size FROM in_range GROUP BY cohort_p
),
bounded AS (  -- cohort=first: every active period of a user after their first one is a return
    SELECT first_p AS cohort_p, pnum - first_p AS k, sum(users) AS users
    FROM act
    WHERE NOT $unbounded AND $cohort = 'first' AND pnum - first_p BETWEEN 1 AND $periods
      AND ($date_from IS NULL OR DATE '1970-01-01' + user_first_day::INTEGER >= $date_from::DATE)
      AND ($date_to IS NULL OR DATE '1970-01-01' + user_first_day::INTEGER <= $date_to::DATE)
    GROUP BY ALL
),
cells AS (
    SELECT c.cohort_p, c.cohort_size, r.k
    FROM cohorts c CROSS JOIN range(0, $periods + 1) r(k)
),
unbounded AS (  -- a user counts in every column 1..(their last active period - row)
    SELECT c.cohort_p, c.k, sum(m.users) AS users
    FROM cells c JOIN in_range m ON m.cohort_p = c.cohort_p AND m.last_p - m.cohort_p >= c.k
    WHERE $unbounded AND c.k >= 1
    GROUP BY ALL
),
counted AS (
    SELECT * FROM bounded UNION ALL SELECT * FROM unbounded
)
SELECT period_first_day(c.cohort_p, $period, $wshift) AS cohort_start,
       c.cohort_size,
       c.k,
       CASE WHEN c.k = 0 THEN c.cohort_size
            WHEN local_midnight(period_first_day(c.cohort_p + c.k + 1, $period, $wshift), $tz)
                 > (SELECT max(ts) FROM events) THEN NULL
            ELSE coalesce(n.users, 0) END AS users
FROM cells c
LEFT JOIN counted n ON n.cohort_p = c.cohort_p AND n.k = c.k
ORDER BY cohort_start, c.k
