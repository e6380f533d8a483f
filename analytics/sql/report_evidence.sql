-- purpose: per requirement, the personas its matching feedback comes from and its best quotes (one evidence run, one personas run).
-- params: $evidence_run, $persona_run (run ids; '' for none), $quotes (quotes per requirement)
WITH evidence AS (
    SELECT req_id, feedback_id, user_id, similarity
    FROM requirement_evidence
    WHERE run_id = $evidence_run
),
texts AS (
    SELECT e.req_id, f.text, max(e.similarity) AS similarity
    FROM evidence AS e
    JOIN feedback AS f ON f.feedback_id = e.feedback_id
    WHERE trim(f.text) <> ''
    GROUP BY e.req_id, f.text
),
ranked AS (
    SELECT req_id, text, similarity,
           row_number() OVER (PARTITION BY req_id ORDER BY similarity DESC, text) AS pos
    FROM texts
),
quotes AS (
    SELECT req_id, list(text ORDER BY pos) AS quotes
    FROM ranked
    WHERE pos <= $quotes
    GROUP BY req_id
),
persona_of AS (
    SELECT m.user_id, min(m.persona_id) AS persona_id
    FROM persona_members AS m
    WHERE m.run_id = $persona_run
    GROUP BY m.user_id
),
named AS (
    SELECT e.req_id, list(DISTINCT coalesce(p.name, 'persona ' || o.persona_id)) AS persona_names
    FROM evidence AS e
    JOIN persona_of AS o ON o.user_id = e.user_id
    LEFT JOIN personas AS p ON p.run_id = $persona_run AND p.persona_id = o.persona_id
    GROUP BY e.req_id
)
SELECT coalesce(q.req_id, p.req_id) AS req_id, q.quotes, list_sort(p.persona_names) AS persona_names
FROM quotes AS q
FULL OUTER JOIN named AS p ON p.req_id = q.req_id
ORDER BY req_id
