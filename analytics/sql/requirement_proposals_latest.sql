-- purpose: proposed requirements of the latest themes run (feature-request themes no backlog item covers),
--          largest evidence first, with their status (proposed or accepted, and the req_id it became).
WITH latest AS (
    SELECT run_id
    FROM analysis_runs
    WHERE kind = 'themes'
    ORDER BY created_at DESC, run_id DESC
    LIMIT 1
),
proposals AS (
    SELECT p.*
    FROM requirement_proposals AS p
    JOIN latest AS l ON l.run_id = p.run_id
)
SELECT proposal_id, run_id, theme_id, title, description, evidence_count, distinct_users, personas, quotes,
       feedback_ids, status, req_id, created_at
FROM proposals
ORDER BY evidence_count DESC, proposal_id
