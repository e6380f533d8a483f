-- purpose: before a rebuild, drop the activity rows of build ($period, $tz, $wshift) and of every build made from
-- older events data (stale; analytics/activity.py rebuilds a build when it is next used).
DELETE FROM activity a
WHERE (a.grain = $period AND a.timezone = $tz AND a.wshift = $wshift)
   OR EXISTS (SELECT 1 FROM activity_builds b
              WHERE b.grain = a.grain AND b.timezone = a.timezone AND b.wshift = a.wshift
                AND (b.events_version <> $version OR b.events_rows <> $rows OR b.format <> $format))
   OR NOT EXISTS (SELECT 1 FROM activity_builds b
                  WHERE b.grain = a.grain AND b.timezone = a.timezone AND b.wshift = a.wshift)
