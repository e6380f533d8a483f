-- purpose: after a rebuild, record what build ($period, $tz, $wshift) was made from: the build format, whether it
-- holds each period's neighbours, the events data version and row count, and the last event time.
INSERT OR REPLACE INTO activity_builds (grain, timezone, wshift, format, neighbours, events_version, events_rows,
                                        last_ts)
SELECT $period, $tz, $wshift, $format, $neighbours, $version, $rows, (SELECT max(ts) FROM events)
