-- purpose: after a rebuild, record what build ($period, $tz, $wshift) was made from: the build format, the events
-- data version and row count, and the last event time.
INSERT OR REPLACE INTO activity_builds (grain, timezone, wshift, format, events_version, events_rows, last_ts)
SELECT $period, $tz, $wshift, $format, $version, $rows, (SELECT max(ts) FROM events)
