"""Helpers shared by the tests of several packages (imported by tests and conftests, never from a conftest).

- `FakeEncoder`, `planted_rows`, `insert_rows`: a fast deterministic encoder and a workspace with two
  planted user groups (exporters, integrators) that differ in events and in words.
- `APP`, `texts`, `metrics`, `charts`, `chart_specs`: the dashboard under `AppTest` and what a run shows.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from analytics.workspace import Workspace

if TYPE_CHECKING:  # streamlit loads only in the tests that run the app
    from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


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


def texts(at: AppTest) -> str:
    """Every piece of text the run rendered (markdown, captions, metrics, alerts, titles), joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "code", "text"):
        parts.extend(str(getattr(e, "value", "")) for e in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)


def metrics(at: AppTest) -> dict[str, str]:
    """Metric label -> value of the last run."""
    return {m.label: m.value for m in at.metric}


def charts(at: AppTest) -> int:
    """How many Plotly charts the last run drew."""
    return len(at.get("plotly_chart"))


def chart_specs(at: AppTest) -> list[dict]:
    """The Plotly figure of every chart the last run drew, as dicts."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
