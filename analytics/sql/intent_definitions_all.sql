-- purpose: the team's intent set (label and description) in its order; empty means the default set
WITH defs AS (
    SELECT label, description, position
    FROM intent_definitions
)
SELECT label, description
FROM defs
ORDER BY position, label
