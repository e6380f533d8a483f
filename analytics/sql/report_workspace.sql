-- purpose: the file of the workspace database (the report names the workspace it was built from).
WITH d AS (
    SELECT path FROM duckdb_databases() WHERE database_name = current_database()
)
SELECT coalesce(path, ':memory:') AS path FROM d
