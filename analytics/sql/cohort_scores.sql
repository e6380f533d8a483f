-- purpose: per cohort (signup week/month, persona of the latest personas run, or a user attribute): size,
-- retention at periods 1/4/12 after each user's first active period (among users for whom that period is
-- over by the last event), mean active days (all time and in the first 28 days after the first event).
WITH
ev AS (
    SELECT user_id, local_day(ts, $tz) AS dnum
    FROM events
),
user_days AS (
    SELECT DISTINCT user_id, dnum FROM ev
),
with_first AS (
    SELECT user_id, dnum, min(dnum) OVER (PARTITION BY user_id) AS d0,
           period_number(dnum, $period, $wshift) AS pnum
    FROM user_days
),
per_user AS (
    SELECT user_id, min(d0) AS d0, count(*) AS active_days,
           count(*) FILTER (WHERE dnum < d0 + 28) AS active_days_28,
           min(pnum) AS p0
    FROM with_first GROUP BY user_id
),
retained AS (
    SELECT u.user_id, u.p0, bool_or(w.pnum = u.p0 + 1) AS r1, bool_or(w.pnum = u.p0 + 4) AS r4,
           bool_or(w.pnum = u.p0 + 12) AS r12
    FROM per_user u JOIN with_first w USING (user_id)
    GROUP BY u.user_id, u.p0
),
period_ends AS (  -- UTC instant at which period p0 + k ends, k = 1, 4, 12
    SELECT user_id, k, p0,
           local_midnight(period_first_day(p0 + k + 1, $period, $wshift), $tz) AS ends
    FROM retained CROSS JOIN (VALUES (1), (4), (12)) v(k)
),
observable AS (
    SELECT e.user_id,
           bool_or(k = 1 AND ends <= l.last_ts) AS o1, bool_or(k = 4 AND ends <= l.last_ts) AS o4,
           bool_or(k = 12 AND ends <= l.last_ts) AS o12
    FROM period_ends e CROSS JOIN (SELECT max(ts) AS last_ts FROM events) l
    GROUP BY e.user_id
),
latest_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'personas' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
labels AS (
    SELECT u.user_id,
           CASE $by_kind
               WHEN 'week' THEN strftime(period_first_day(period_number(sd, 'week', $wshift), 'week', $wshift),
                                         '%Y-%m-%d')
               WHEN 'month' THEN strftime(DATE '1970-01-01' + sd::INTEGER, '%Y-%m')
               ELSE json_extract_string(s.attributes, $attr_path)
           END AS cohort
    FROM (SELECT u.user_id, coalesce(local_day(s.signup_ts, $tz), u.d0) AS sd
          FROM per_user u LEFT JOIN users s ON s.user_id = u.user_id) u
    LEFT JOIN users s ON s.user_id = u.user_id
    WHERE $by_kind <> 'persona'
    UNION ALL
    SELECT m.user_id, p.name AS cohort
    FROM persona_members m
    JOIN latest_run r ON r.run_id = m.run_id
    JOIN personas p ON p.run_id = m.run_id AND p.persona_id = m.persona_id
    WHERE $by_kind = 'persona'
)
SELECT l.cohort,
       count(*)::BIGINT AS size,
       avg(CASE WHEN o.o1 THEN r.r1::INTEGER END) AS retention_1,
       avg(CASE WHEN o.o4 THEN r.r4::INTEGER END) AS retention_4,
       avg(CASE WHEN o.o12 THEN r.r12::INTEGER END) AS retention_12,
       avg(u.active_days) AS mean_active_days,
       avg(u.active_days_28) AS mean_active_days_28
FROM labels l
JOIN per_user u ON u.user_id = l.user_id
JOIN retained r ON r.user_id = l.user_id
JOIN observable o ON o.user_id = l.user_id
WHERE l.cohort IS NOT NULL
GROUP BY l.cohort
ORDER BY l.cohort
