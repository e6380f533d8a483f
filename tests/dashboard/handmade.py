"""A small hand-made workspace whose numbers are worked out by hand in the tests (issue 12).

Weeks start on Monday; 2024-01-01 is a Monday, so week 1 is Jan 1–7, week 2 Jan 8–14, week 3
Jan 15–21, week 5 Jan 29 – Feb 4. The last event is 2024-01-31 12:00 UTC.

user  variant country retention_1 cohort  events (UTC)
u1    A       DE      0.5         x       Jan 1 10:00, Jan 1 10:01:30, Jan 8 10:00
u2    A       FR      0.25        y       Jan 2 10:00, Jan 2 10:01:30
u3    B       DE      1                   Jan 3 10:00, Jan 3 10:01:30, Jan 10 10:00
u4    B       US      0                   Jan 4 10:00, Jan 4 10:01:30, Jan 20 10:00
u5    C       US                          Jan 29 10:00, Jan 31 12:00
u6    C       DE                          Jan 30 10:00
u10..u29 (users file only, no events): cohort x / y alternating

Feedback: three items without a time (f1 u1, f2 u3, f3 u5).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analytics.ingest import ingest_file
from analytics.workspace import Workspace
from embeddings.store import new_run_id, write_clusters

EVENTS = [
    ("u1", "2024-01-01T10:00:00Z"), ("u1", "2024-01-01T10:01:30Z"), ("u1", "2024-01-08T10:00:00Z"),
    ("u2", "2024-01-02T10:00:00Z"), ("u2", "2024-01-02T10:01:30Z"),
    ("u3", "2024-01-03T10:00:00Z"), ("u3", "2024-01-03T10:01:30Z"), ("u3", "2024-01-10T10:00:00Z"),
    ("u4", "2024-01-04T10:00:00Z"), ("u4", "2024-01-04T10:01:30Z"), ("u4", "2024-01-20T10:00:00Z"),
    ("u5", "2024-01-29T10:00:00Z"), ("u5", "2024-01-31T12:00:00Z"),
    ("u6", "2024-01-30T10:00:00Z"),
]
USERS = [("u1", "A", "DE", "0.5", "x"), ("u2", "A", "FR", "0.25", "y"), ("u3", "B", "DE", "1", ""),
         ("u4", "B", "US", "0", ""), ("u5", "C", "US", "", ""), ("u6", "C", "DE", "", "")]
USERS += [(f"u{i}", "", "", "", "xy"[i % 2]) for i in range(10, 30)]


def write_csv(path: Path, header: str, rows: list[tuple]) -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def build(path: Path, folder: Path) -> Path:
    """Load the hand-made events, users and feedback into a new workspace file at `path`."""
    ws = Workspace(path)
    try:
        ingest_file(ws, "events", write_csv(folder / "events.csv", "user_id,event,timestamp",
                                            [(u, "app_open", t) for u, t in EVENTS]))
        ingest_file(ws, "users", write_csv(folder / "users.csv", "user_id,variant,country,retention_1,cohort",
                                           USERS))
        ingest_file(ws, "feedback", write_csv(folder / "feedback.csv", "feedback_id,user_id,text,rating",
                                              [("f1", "u1", "Love the calendar", "5"),
                                               ("f2", "u3", "Sync is slow", "2"),
                                               ("f3", "u5", "Where is export", "3")]))
    finally:
        ws.close()
    return path


PERSONAS = {0: ("Early planners", ["u1", "u2"]), 1: ("Steady users", ["u3", "u4"]),
            2: ("Late starters", ["u5", "u6"])}


def write_persona_run(ws: Workspace, *, auto: bool = True) -> None:
    """A one-stage persona run over the six users, nobody clustered on text (nobody wrote feedback
    under a user id the run knew), with a stored week-1 figure that differs from cohort scoring."""
    clusters = [{"id": pid, "name": name, "size": 2, "share": 2 / 6, "keywords": [], "quotes": [],
                 "confidence": 0.4,
                 "figures": {"retention_p1": 0.45, "retention_p4": None, "events_per_user": 2.0,
                             "base_events_per_user": 2.3, "n_with_text": 0, "n_with_behaviour": 2,
                             "n_clustered": 2, "n_assigned": 0, "confidence_text": 0.4,
                             "confidence_assigned": None, "top_events": []}}
                for pid, (name, _) in PERSONAS.items()]
    members = pl.DataFrame([{"user_id": u, "persona_id": pid, "x": float(i), "y": float(pid)}
                            for pid, (_, users) in PERSONAS.items() for i, u in enumerate(users)])
    k_scores = [{"k": 2, "silhouette": 0.2, "davies_bouldin": 1.5}, {"k": 3, "silhouette": 0.3,
                                                                    "davies_bouldin": 1.2}]
    write_clusters(ws, kind="personas", run_id=new_run_id("personas"),
                   params={"k": 3, "auto_k": auto, "method": "one-stage"},
                   summary={"n_users": 6, "n_with_text": 0, "n_with_behaviour": 6,
                            "k_scores": k_scores if auto else None},
                   clusters=clusters, members=members)


def write_theme_run(ws: Workspace) -> None:
    """A two-theme run over the three feedback items, which have no dates (no trend)."""
    clusters = [{"id": 0, "name": "calendar, love", "size": 2, "share": 2 / 3, "keywords": ["calendar"],
                 "quotes": ["Love the calendar"], "confidence": 0.5,
                 "figures": {"mean_rating": 3.5, "nps": None, "nps_impact": None, "trend": []}},
                {"id": 1, "name": "export", "size": 1, "share": 1 / 3, "keywords": ["export"],
                 "quotes": ["Where is export"], "confidence": 0.5,
                 "figures": {"mean_rating": 3.0, "nps": None, "nps_impact": None, "trend": []}}]
    members = pl.DataFrame({"feedback_id": ["f1", "f2", "f3"], "theme_id": [0, 0, 1]})
    write_clusters(ws, kind="themes", run_id=new_run_id("themes"), params={"k": 2, "auto_k": True},
                   summary={"n_items": 3, "nps": None, "k_scores": [{"k": 2, "silhouette": 0.3}]},
                   clusters=clusters, members=members)
