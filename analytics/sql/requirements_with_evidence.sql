-- purpose: the backlog with each requirement's user evidence from one evidence run: matching feedback
--          items, distinct users, mean similarity and personas affected (one personas run).
-- params: $evidence_run (run id or '' for none), $persona_run (run id or '' for none)
WITH evidence AS (
    SELECT req_id, feedback_id, user_id, similarity
    FROM requirement_evidence
    WHERE run_id = $evidence_run
),
persona_of AS (
    SELECT user_id, min(persona_id) AS persona_id
    FROM persona_members
    WHERE run_id = $persona_run
    GROUP BY user_id
),
per_requirement AS (
    SELECT
        e.req_id,
        count(DISTINCT e.feedback_id) AS evidence_count,
        count(DISTINCT e.user_id) AS evidence_users,
        avg(e.similarity) AS mean_similarity,
        count(DISTINCT p.persona_id) AS personas_affected
    FROM evidence AS e
    LEFT JOIN persona_of AS p ON p.user_id = e.user_id
    GROUP BY e.req_id
)
SELECT
    r.req_id, r.title, r.description, r.kano_feature,
    r.reach, r.impact, r.confidence, r.effort, r.cost,
    r.business_value, r.time_criticality, r.risk_reduction,
    TRY_CAST(json_extract_string(r.properties, '$.ease') AS DOUBLE) AS ease,
    TRY_CAST(json_extract_string(r.properties, '$.job_size') AS DOUBLE) AS job_size,
    coalesce(pr.evidence_count, 0) AS evidence_count,
    coalesce(pr.evidence_users, 0) AS evidence_users,
    pr.mean_similarity,
    coalesce(pr.personas_affected, 0) AS personas_affected
FROM requirements AS r
LEFT JOIN per_requirement AS pr ON pr.req_id = r.req_id
ORDER BY r.req_id
