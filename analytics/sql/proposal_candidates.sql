-- purpose: every member of the latest themes run with its intent (latest intents run), user, text, persona
--          (latest persona run) and a backlog item it is evidence for (latest evidence run, null when none):
--          the input of proposed requirements.
WITH theme_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'themes' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
intent_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'intents' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
evidence_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'evidence' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
persona_run AS (
    SELECT run_id FROM analysis_runs WHERE kind = 'personas' ORDER BY created_at DESC, run_id DESC LIMIT 1
),
members AS (
    SELECT m.run_id, m.feedback_id, m.theme_id, t.name AS theme
    FROM theme_members AS m
    JOIN theme_run AS r ON r.run_id = m.run_id
    JOIN themes AS t ON t.run_id = m.run_id AND t.theme_id = m.theme_id
),
intents AS (
    SELECT i.feedback_id, any_value(i.intent) AS intent
    FROM feedback_intents AS i
    JOIN intent_run AS r ON r.run_id = i.run_id
    GROUP BY i.feedback_id
),
evidence AS (
    SELECT e.feedback_id, min(e.req_id) AS req_id
    FROM requirement_evidence AS e
    JOIN evidence_run AS r ON r.run_id = e.run_id
    GROUP BY e.feedback_id
),
personas AS (
    SELECT pm.user_id, any_value(p.name) AS persona
    FROM persona_members AS pm
    JOIN persona_run AS r ON r.run_id = pm.run_id
    JOIN personas AS p ON p.run_id = pm.run_id AND p.persona_id = pm.persona_id
    GROUP BY pm.user_id
),
items AS (
    SELECT DISTINCT ON (feedback_id) feedback_id, user_id, text
    FROM feedback
    ORDER BY feedback_id
)
SELECT m.run_id, m.theme_id, m.theme, m.feedback_id, f.user_id, f.text, i.intent, e.req_id, p.persona
FROM members AS m
LEFT JOIN items AS f ON f.feedback_id = m.feedback_id
LEFT JOIN intents AS i ON i.feedback_id = m.feedback_id
LEFT JOIN evidence AS e ON e.feedback_id = m.feedback_id
LEFT JOIN personas AS p ON p.user_id = f.user_id
ORDER BY m.theme_id, m.feedback_id
