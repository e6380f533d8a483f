"""A small workspace for the report tests, written row by row so every expected number can be
worked out by hand.

Backlog (RICE = reach × impact × confidence / max(effort, 0.5)):

* R1 "Export to PDF"  1000 × 2 × 0.8 / 2    = 800
* R2 "批量导入 CSV"     500 × 3 × 1.0 / 1    = 1500
* R3 "+Dark mode"      200 × 1 × 0.5 / 0.5  = 200  (effort 0.25 raised to 0.5; the title starts with +)
* R4 "Offline sync"    100 × 0.5 × 0.8 / 1  = 40   (effort missing)

R4 has no effort: prioritise uses the backlog median of the known efforts (2, 1, 0.25 → 1), so
RICE = 100 × 0.5 × 0.8 / 1 = 40 and R4 is flagged. Ranking: R2 1500, R1 800, R3 200, R4 40.

Kano (standard table): 'export' has 3 answers like/dislike (O) and 1 like/neutral (A): category O,
Better (1+3)/4 = 1, Worse −3/4 = −0.75. 'dark' has 2 neutral/neutral (I) and 1 expect/dislike (M):
category I, Better 0, Worse −1/3.
"""

from __future__ import annotations

HOSTILE = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script> crashes"


def seed(ws, *, kano: bool = True, evidence: bool = True, events: bool = True) -> None:
    """Write the backlog (always) and optionally the Kano answers, evidence/personas and events."""
    with ws.write("requirements") as cur:
        cur.execute(
            "INSERT INTO batches (batch_id, kind, file_name, rows_read, rows_loaded, rows_rejected) "
            "VALUES (1, 'requirements', 'backlog.csv', 5, 4, 1)"
        )
        cur.execute("INSERT INTO rejects VALUES (1, 5, 'R5,,', 'missing req_id', 'req_id')")
        cur.execute("""INSERT INTO requirements
            (req_id, title, kano_feature, reach, impact, confidence, effort, batch_id) VALUES
            ('R1', 'Export to PDF', 'export', 1000, 2, 0.8, 2, 1),
            ('R2', '批量导入 CSV', NULL, 500, 3, 1.0, 1, 1),
            ('R3', '+Dark mode', 'dark', 200, 1, 0.5, 0.25, 1),
            ('R4', 'Offline sync', NULL, 100, 0.5, 0.8, NULL, 1)""")
    if kano:
        with ws.write("kano_responses") as cur:
            cur.execute("""INSERT INTO kano_responses
                (respondent_id, feature, functional, dysfunctional) VALUES
                ('k1', 'export', 1, 5), ('k2', 'export', 1, 5), ('k3', 'export', 1, 5),
                ('k4', 'export', 1, 3),
                ('k1', 'dark', 3, 3), ('k2', 'dark', 3, 3), ('k3', 'dark', 2, 5)""")
    if evidence:
        with ws.write("feedback", "requirement_evidence", "personas") as cur:
            cur.execute(
                "INSERT INTO batches (batch_id, kind, file_name, rows_read, rows_loaded, rows_rejected) "
                "VALUES (2, 'feedback', 'feedback.csv', 6, 4, 2)"
            )
            cur.execute(
                "INSERT INTO rejects VALUES (2, 3, 'f9,u9,', 'empty text', 'text'), "
                "(2, 6, 'f10,u9,', 'empty text', 'text')"
            )
            cur.execute(
                "INSERT INTO feedback (feedback_id, user_id, text, batch_id) VALUES "
                "('f1', 'u1', $hostile, 2), ('f2', 'u2', 'Please let me export a PDF for my boss', 2), "
                "('f3', 'u3', $script, 2), ('f4', 'u1', '导入太慢了', 2)",
                {"hostile": HOSTILE, "script": SCRIPT},
            )
            cur.execute(
                "INSERT INTO analysis_runs (run_id, kind, params, created_at) VALUES "
                "('ev1', 'evidence', '{\"threshold\": 0.4}', '2026-01-02 00:00:00+00'), "
                "('pe1', 'personas', '{}', '2026-01-01 00:00:00+00')"
            )
            cur.execute("""INSERT INTO requirement_evidence VALUES
                ('ev1', 'R1', 'f1', 'u1', 0.9), ('ev1', 'R1', 'f2', 'u2', 0.8),
                ('ev1', 'R1', 'f3', 'u3', 0.5), ('ev1', 'R2', 'f4', 'u1', 0.7)""")
            cur.execute(
                """INSERT INTO personas VALUES
                ('pe1', 0, 'Power planners', 2, ['export', 'pdf'], ['I plan everything'],
                 '{"share": 0.6667}'),
                ('pe1', 1, 'Casual =users', 1, ['mobile'], [$hostile], '{"share": 0.3333}')""",
                {"hostile": HOSTILE},
            )
            cur.execute(
                "INSERT INTO persona_members (run_id, user_id, persona_id) "
                "VALUES ('pe1', 'u1', 0), ('pe1', 'u2', 0), ('pe1', 'u3', 1)"
            )
    if events:
        # Weekly cohorts (Mondays): u1, u2 start in the week of 2026-01-05, u3 a week later.
        # u1 returns in week 1; u2 never; u3 returns in its week 1. The last event is 2026-01-22,
        # so only the first cohort's week 1 (ending 2026-01-19) is observable: average week 1 = 1/2.
        with ws.write("events") as cur:
            cur.execute("""INSERT INTO events (user_id, event, ts) VALUES
                ('u1', 'open', '2026-01-05 10:00:00+00'), ('u2', 'open', '2026-01-06 10:00:00+00'),
                ('u1', 'open', '2026-01-13 10:00:00+00'), ('u3', 'open', '2026-01-14 10:00:00+00'),
                ('u3', 'open', '2026-01-22 10:00:00+00')""")
