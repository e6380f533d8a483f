-- purpose: lifecycle per calendar period: new / returning / resurrecting users and dormant (negative) users, read
-- from the activity build of $period (analytics/activity.py). A user is new in the period of their first-ever
-- event; returning when active in p and p-1; resurrecting when active in p, not in p-1 but before; dormant in p
-- when active in p-1 and not in p.
WITH
act AS (
    SELECT pnum, prev_p, next_p, users FROM activity_of($period, $tz, $wshift)
),
span AS (
    SELECT min(pnum) AS p_min, max(pnum) AS p_max FROM act
),
statuses AS (
    SELECT pnum, CASE WHEN prev_p IS NULL THEN 'new'
                      WHEN prev_p = pnum - 1 THEN 'returning'
                      ELSE 'resurrecting' END AS status, users
    FROM act
    UNION ALL
    SELECT a.pnum + 1, 'dormant', -a.users
    FROM act a, span s
    WHERE (a.next_p IS NULL OR a.next_p > a.pnum + 1) AND a.pnum + 1 <= s.p_max
),
counts AS (
    SELECT pnum, status, sum(users) AS users FROM statuses GROUP BY ALL
),
grid AS (
    SELECT r.pnum, st.status, st.ord
    FROM span s, range(s.p_min, s.p_max + 1) r(pnum),
         (VALUES ('new', 1), ('returning', 2), ('resurrecting', 3), ('dormant', 4)) st(status, ord)
)
SELECT period_first_day(g.pnum, $period, $wshift) AS period_start,
       g.status,
       coalesce(c.users, 0)::BIGINT AS users
FROM grid g LEFT JOIN counts c ON c.pnum = g.pnum AND c.status = g.status
ORDER BY period_start, g.ord
