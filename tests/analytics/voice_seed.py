"""A hand-made voice-of-the-user workspace: six feedback items with their intents, sentiments, two
themes, two personas and a linking run, so filters and proposals can be checked by hand.

| item | user | intent          | sentiment | theme | persona    | evidence for |
|------|------|-----------------|-----------|-------|------------|--------------|
| F1   | u1   | feature request | neutral   | 0     | Night owls |              |
| F2   | u2   | feature request | positive  | 0     | Night owls |              |
| F3   | u2   | feature request | negative  | 0     | Night owls |              |
| F4   | u3   | bug report      | negative  | 1     | Others     | R1           |
| F5   | u4   | praise          | positive  | —     | Others     | R2           |
| F6   | —    | bug report      | negative  | 1     | —          | R1           |
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from analytics.workspace import Workspace

ITEMS = [
    ("F1", "u1", "please add a dark mode", "feature request", "neutral", 0, None),
    ("F2", "u2", "dark mode would be great", "feature request", "positive", 0, None),
    ("F3", "u2", "add a dark theme, my eyes hurt", "feature request", "negative", 0, None),
    ("F4", "u3", "the app crashes on start", "bug report", "negative", 1, "R1"),
    ("F5", "u4", "love it", "praise", "positive", None, "R2"),
    ("F6", None, "crash when syncing", "bug report", "negative", 1, "R1"),
]
PERSONAS = {"u1": 0, "u2": 0, "u3": 1, "u4": 1}
PERSONA_NAMES = {0: "Night owls", 1: "Others"}


def plant_voice(ws: Workspace) -> None:
    """Write the table above into `ws` (feedback, backlog R1/R2 and one run of each kind)."""
    from embeddings.store import new_run_id, write_clusters, write_evidence, write_intents

    ts = datetime(2026, 3, 1, tzinfo=UTC)
    with ws.write("feedback", "requirements") as cur:
        for fid, user, text, *_ in ITEMS:
            cur.execute("INSERT INTO feedback (feedback_id, user_id, ts, text) VALUES (?, ?, ?, ?)",
                        [fid, user, ts, text])
        cur.execute("INSERT INTO requirements (req_id, title, reach, impact, confidence, effort) VALUES "
                    "('R1', 'Fix crashes', 100, 2, 0.8, 2), ('R2', 'Keep it lovely', 50, 1, 0.5, 1)")
    write_intents(ws, run_id=new_run_id("intents"), params={}, summary={}, assignments=pl.DataFrame(
        {"feedback_id": [i[0] for i in ITEMS], "intent": [i[3] for i in ITEMS],
         "confidence": [0.9] * len(ITEMS), "sentiment": [i[4] for i in ITEMS],
         "sentiment_source": ["text"] * len(ITEMS)}))
    themed = [i for i in ITEMS if i[5] is not None]
    write_clusters(ws, kind="themes", run_id=new_run_id("themes"), params={}, summary={}, clusters=[
        {"id": 0, "name": "dark, mode", "size": 3, "share": 0.5, "keywords": ["dark", "mode"],
         "quotes": ["please add a dark mode"], "confidence": 0.9, "figures": {}},
        {"id": 1, "name": "crash", "size": 2, "share": 1 / 3, "keywords": ["crash"],
         "quotes": ["the app crashes on start"], "confidence": 0.8, "figures": {}}],
        members=pl.DataFrame({"feedback_id": [i[0] for i in themed], "theme_id": [i[5] for i in themed]}))
    write_clusters(ws, kind="personas", run_id=new_run_id("personas"), params={}, summary={}, clusters=[
        {"id": p, "name": n, "size": 2, "share": 0.5, "keywords": [], "quotes": [], "confidence": 0.5,
         "figures": {}} for p, n in PERSONA_NAMES.items()],
        members=pl.DataFrame({"user_id": list(PERSONAS), "persona_id": list(PERSONAS.values())}))
    linked = [i for i in ITEMS if i[6] is not None]
    write_evidence(ws, run_id=new_run_id("evidence"), params={}, summary={}, evidence=pl.DataFrame(
        {"req_id": [i[6] for i in linked], "feedback_id": [i[0] for i in linked],
         "user_id": [i[1] for i in linked], "similarity": [0.8] * len(linked)},
        schema={"req_id": pl.Utf8, "feedback_id": pl.Utf8, "user_id": pl.Utf8, "similarity": pl.Float64}))
