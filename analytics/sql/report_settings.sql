-- purpose: the workspace settings a report states (timezone, week start); internal keys starting with '_' are never read.
WITH s AS (
    SELECT key, value FROM settings WHERE NOT starts_with(key, '_')
)
SELECT key, value FROM s ORDER BY key
