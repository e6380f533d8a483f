-- purpose: lifecycle per calendar period: new / returning / resurrecting users and dormant (negative) users.
-- A user is new in the period of their first-ever event; returning when active in p and p-1; resurrecting
-- when active in p, not in p-1 but before; dormant in p when active in p-1 and not in p.
WITH
ev AS (
    SELECT user_id,
           CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END // 86400000000 AS dnum
    FROM events
),
user_days AS (
    SELECT DISTINCT user_id, dnum FROM ev
),
user_periods AS (
    SELECT DISTINCT user_id,
           CASE $period WHEN 'day' THEN dnum
                        WHEN 'week' THEN (dnum + $wshift) // 7
                        ELSE year(DATE '1970-01-01' + dnum::INTEGER) * 12
                             + month(DATE '1970-01-01' + dnum::INTEGER) - 1 END AS pnum
    FROM user_days
),
neighbours AS (
    SELECT pnum,
           lag(pnum) OVER (PARTITION BY user_id ORDER BY pnum) AS prev_p,
           lead(pnum) OVER (PARTITION BY user_id ORDER BY pnum) AS next_p
    FROM user_periods
),
span AS (
    SELECT min(pnum) AS p_min, max(pnum) AS p_max FROM user_periods
),
statuses AS (
    SELECT pnum, CASE WHEN prev_p IS NULL THEN 'new'
                      WHEN prev_p = pnum - 1 THEN 'returning'
                      ELSE 'resurrecting' END AS status, 1 AS sign
    FROM neighbours
    UNION ALL
    SELECT n.pnum + 1, 'dormant', -1
    FROM neighbours n, span s
    WHERE (n.next_p IS NULL OR n.next_p > n.pnum + 1) AND n.pnum + 1 <= s.p_max
),
counts AS (
    SELECT pnum, status, sum(sign) AS users FROM statuses GROUP BY ALL
),
grid AS (
    SELECT r.pnum, st.status, st.ord
    FROM span s, range(s.p_min, s.p_max + 1) r(pnum),
         (VALUES ('new', 1), ('returning', 2), ('resurrecting', 3), ('dormant', 4)) st(status, ord)
)
SELECT CASE $period WHEN 'day' THEN DATE '1970-01-01' + g.pnum::INTEGER
                    WHEN 'week' THEN DATE '1970-01-01' + (7 * g.pnum - $wshift)::INTEGER
                    ELSE make_date((g.pnum // 12)::BIGINT, (g.pnum % 12 + 1)::BIGINT, 1) END AS period_start,
       g.status,
       coalesce(c.users, 0)::BIGINT AS users
FROM grid g LEFT JOIN counts c ON c.pnum = g.pnum AND c.status = g.status
ORDER BY period_start, g.ord
