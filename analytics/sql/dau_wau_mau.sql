-- purpose: DAU, WAU and MAU per local day: distinct users on day d, in days (d-7, d] and in days (d-30, d], read
-- from the day build of the activity table (analytics/activity.py). Each active user-day covers the window days
-- [d, d+w) up to the user's next active day, so a running sum of +1/-1 marks counts each user once per day
-- without expanding rows; `users` weighs each activity row by the users sharing its pattern.
WITH
act AS (
    SELECT pnum AS dnum, next_p AS next_d, users FROM activity_of('day', $tz, $wshift)
),
marks AS (
    SELECT dnum AS d, users AS dau, users AS wau, users AS mau FROM act
    UNION ALL
    SELECT dnum + 1, -users, 0, 0 FROM act
    UNION ALL
    SELECT least(dnum + 7, coalesce(next_d, dnum + 7)), 0, -users, 0 FROM act
    UNION ALL
    SELECT least(dnum + 30, coalesce(next_d, dnum + 30)), 0, 0, -users FROM act
),
per_day AS (
    SELECT d, sum(dau) AS dau, sum(wau) AS wau, sum(mau) AS mau FROM marks GROUP BY d
),
span AS (
    SELECT min(dnum) AS d0, max(dnum) AS d1 FROM act
),
days AS (
    SELECT r.d FROM span, range(span.d0, span.d1 + 1) r(d)
),
running AS (
    SELECT days.d,
           sum(coalesce(p.dau, 0)) OVER w AS dau,
           sum(coalesce(p.wau, 0)) OVER w AS wau,
           sum(coalesce(p.mau, 0)) OVER w AS mau
    FROM days LEFT JOIN per_day p ON p.d = days.d
    WINDOW w AS (ORDER BY days.d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT period_first_day(d, 'day', 0) AS day, dau::BIGINT AS dau, wau::BIGINT AS wau, mau::BIGINT AS mau,
       CASE WHEN mau > 0 THEN dau / mau END AS stickiness
FROM running
ORDER BY day
