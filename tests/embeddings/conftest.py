"""Fixtures for the embeddings tests: a fast deterministic fake encoder and a planted workspace."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from analytics.workspace import Workspace


class FakeEncoder:
    """Hash-based bag-of-words vectors: texts sharing words are close; counts every encoded text."""

    def __init__(self, dim: int = 256, name: str = "fake-bow") -> None:
        self.name = name
        self.dim = dim
        self.note = None
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: list[str], *, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = hashlib.sha256(word.encode()).digest()
                out[i, h[0] % self.dim] += 1.0 if h[1] % 2 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        if progress is not None:
            progress(len(texts), len(texts))
        return out / np.where(norms > 0, norms, 1.0)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


GROUP_TEXTS = {
    "exporters": ["export report to csv fails", "export report as pdf please",
                  "csv export of report is slow", "report export needs csv charts"],
    "integrators": ["jira slack sync breaks", "slack jira integration sync drops",
                    "please add jira slack sync", "jira sync with slack is great"],
}
GROUP_EVENTS = {"exporters": ("export_report", "view_dashboard"), "integrators": ("sync_jira", "post_slack")}


def insert_rows(ws: Workspace, events: list[tuple], feedback: list[tuple]) -> None:
    """Insert (user_id, event, ts) events and (feedback_id, user_id, ts, text, rating, score) feedback."""
    ev = pl.DataFrame(events, schema=["user_id", "event", "ts"], orient="row")
    fb = pl.DataFrame(feedback, schema=["feedback_id", "user_id", "ts", "text", "rating", "score_0_10"],
                      orient="row")
    with ws.write("events", "feedback") as cur:
        if ev.height:
            cur.register("_ev", ev)
            cur.execute("INSERT INTO events (user_id, event, ts) SELECT user_id, event, ts FROM _ev")
            cur.unregister("_ev")
        if fb.height:
            cur.register("_fb", fb)
            cur.execute("INSERT INTO feedback (feedback_id, user_id, ts, text, rating, score_0_10) "
                        "SELECT feedback_id, user_id, ts, text, rating, score_0_10 FROM _fb")
            cur.unregister("_fb")


def planted_rows() -> tuple[list[tuple], list[tuple]]:
    """Two planted groups of 15 users: exporters and integrators, distinct in events and in words."""
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    events, feedback = [], []
    for g, (group, texts) in enumerate(GROUP_TEXTS.items()):
        main, other = GROUP_EVENTS[group]
        for u in range(15):
            uid = f"{group[:3]}{u:02d}"
            for d in range(3 + u % 4):
                ts = t0 + timedelta(days=d * 3, hours=u)
                events += [(uid, main, ts), (uid, main, ts + timedelta(minutes=5)), (uid, other, ts)]
            feedback.append((f"f-{uid}", uid, t0 + timedelta(days=10 + u * 3), texts[u % len(texts)],
                             4.0 if g == 0 else 2.0, 9.0 if g == 0 else 3.0))
    return events, feedback


@pytest.fixture
def planted_ws(ws: Workspace) -> Workspace:
    """The in-memory workspace with `planted_rows` inserted."""
    insert_rows(ws, *planted_rows())
    return ws
