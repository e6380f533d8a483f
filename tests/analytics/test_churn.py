"""Churn: hand-checked features and labels, a learnable synthetic base, honest AUC reporting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from analytics.churn import churn_features, churn_risk
from analytics.errors import UserLensError
from analytics.workspace import Workspace

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def put(ws: Workspace, rows: list[tuple[str, str, datetime]]) -> None:
    frame = pl.DataFrame(rows, schema={"user_id": pl.Utf8, "event": pl.Utf8, "ts": pl.Datetime("us", "UTC")},
                         orient="row")
    with ws.write("events") as cur:
        cur.register("new_rows", frame)
        cur.execute("INSERT INTO events (user_id, event, ts) SELECT user_id, event, ts FROM new_rows")
        cur.unregister("new_rows")


def test_features_and_labels_by_hand(ws: Workspace) -> None:
    put(ws, [("a", "x", T0), ("a", "y", T0 + timedelta(days=20)), ("a", "x", T0 + timedelta(days=25)),
             ("b", "x", T0 + timedelta(days=10)), ("b", "x", T0 + timedelta(days=40)),
             ("c", "x", T0 - timedelta(days=200)), ("z", "x", T0 + timedelta(days=90))])
    cut = T0 + timedelta(days=27)
    frame = churn_features(ws.con, cutoff=cut, horizon_days=28)
    rows = {r["user_id"]: r for r in frame.iter_rows(named=True)}
    assert set(rows) == {"a", "b"}  # c was last seen 227 days before the cutoff
    a, b = rows["a"], rows["b"]
    assert (a["recency_days"], a["tenure_days"], a["events_total"], a["events_7"]) == (2.0, 27.0, 3, 1)
    assert (a["events_28"], a["active_days_28"], a["distinct_events"]) == (3, 3, 2)
    assert (a["churned"], b["churned"]) == (1, 0)  # b returns on day 40, inside (27, 55]
    late = churn_features(ws.con, cutoff=T0 + timedelta(days=70), horizon_days=28)
    assert late["churned"].to_list() == [None, None]  # the window ends after the last event


def learnable(ws: Workspace, seed: int = 3) -> None:
    """Steady users (every 1-2 days) stay; fading users space out their visits and stop."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(240):
        steady = i % 2 == 0
        stop = 300 if steady else int(rng.integers(40, 300))
        day = float(rng.uniform(0, 5))
        gap = 1.5 if steady else 6.0
        while day < stop:
            rows.append((f"u{i}", "open", T0 + timedelta(days=day)))
            day += float(rng.exponential(gap)) + 0.2
    rows.append(("clock", "open", T0 + timedelta(days=300)))
    put(ws, rows)


def test_model_learns_and_reports_holdout_auc(ws: Workspace) -> None:
    learnable(ws)
    result = churn_risk(ws.con, horizon_days=28)
    assert result.auc is not None and result.auc > 0.8
    assert result.test_cutoff - result.train_cutoff == timedelta(days=28)
    assert result.n_train > 50 and result.n_test > 50
    top = result.scores.head(20)["user_id"].to_list()
    assert sum(int(u[1:]) % 2 == 1 for u in top if u != "clock") >= 15  # fading users rank first
    assert result.scores["risk"].is_between(0, 1).all()


def test_no_history_is_a_user_error(ws: Workspace) -> None:
    with pytest.raises(UserLensError, match="no events"):
        churn_risk(ws.con)
    put(ws, [("a", "x", T0), ("b", "x", T0 + timedelta(days=1))])
    with pytest.raises(UserLensError, match="Cannot train"):
        churn_risk(ws.con)
