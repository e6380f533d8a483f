-- purpose: one proposed requirement by id (to accept it into the backlog)
WITH proposal AS (
    SELECT proposal_id, title, description, evidence_count, distinct_users, status, req_id
    FROM requirement_proposals
    WHERE proposal_id = $proposal_id
)
SELECT proposal_id, title, description, evidence_count, distinct_users, status, req_id
FROM proposal
