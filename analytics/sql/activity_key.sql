-- purpose: what the activity build of grain $period in zone $tz depends on, read in the caller's snapshot: the
-- events table's data version (bumped by every Workspace.write("events")) and row count, beside the stored build.
SELECT coalesce((SELECT version FROM table_versions WHERE name = 'events'), 0) AS events_version,
       (SELECT count(*) FROM events) AS events_rows,
       b.format, b.neighbours, b.events_version AS built_version, b.events_rows AS built_rows
FROM (SELECT 1) one
LEFT JOIN activity_builds b ON b.grain = $period AND b.timezone = $tz AND b.wshift = $wshift
