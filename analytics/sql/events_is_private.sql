-- purpose: whether `events` on this cursor is a temporary view or table that shadows the workspace's events (a
-- private subset, e.g. one breakdown group's users), so derived data must stay private to the cursor too.
SELECT (SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = 'events')
       + (SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'events') > 0 AS private
