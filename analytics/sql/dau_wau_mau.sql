-- purpose: DAU, WAU and MAU per local day: distinct users on day d, in days (d-7, d] and in days (d-30, d].
-- Each user-day covers the window days [d, d+w) up to the user's next active day, so a running sum of
-- +1/-1 marks counts each user once per day without expanding rows.
WITH
ev AS (
    SELECT user_id,
           CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END // 86400000000 AS dnum
    FROM events
),
user_days AS (
    SELECT DISTINCT user_id, dnum FROM ev
),
nexts AS (
    SELECT dnum, lead(dnum) OVER (PARTITION BY user_id ORDER BY dnum) AS next_d FROM user_days
),
marks AS (
    SELECT dnum AS d, 1 AS dau, 1 AS wau, 1 AS mau FROM nexts
    UNION ALL
    SELECT dnum + 1, -1, 0, 0 FROM nexts
    UNION ALL
    SELECT least(dnum + 7, coalesce(next_d, dnum + 7)), 0, -1, 0 FROM nexts
    UNION ALL
    SELECT least(dnum + 30, coalesce(next_d, dnum + 30)), 0, 0, -1 FROM nexts
),
per_day AS (
    SELECT d, sum(dau) AS dau, sum(wau) AS wau, sum(mau) AS mau FROM marks GROUP BY d
),
span AS (
    SELECT min(dnum) AS d0, max(dnum) AS d1 FROM user_days
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
SELECT DATE '1970-01-01' + d::INTEGER AS day, dau::BIGINT AS dau, wau::BIGINT AS wau, mau::BIGINT AS mau,
       CASE WHEN mau > 0 THEN dau / mau END AS stickiness
FROM running
ORDER BY day
