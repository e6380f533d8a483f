"""Churn risk: a gradient-boosting model on SQL features, validated on a time-based holdout.

For a cutoff c, every user with an event in the 90 days up to c gets features computed from events
at or before c (recency, tenure, event counts over 7 / 28 days and the 28 days before, active days,
distinct events) and the label "churned" = no event in (c, c + horizon]. With ``as_of`` = t:

- training set: cutoff t - 2·horizon (labels end at t - horizon);
- holdout set: cutoff t - horizon (labels end at t); the model trained on the earlier cutoff is
  scored here and its ROC AUC reported, whatever it is;
- the risks returned are those of a model refitted on the holdout cutoff and applied to the
  features at t (no labels yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from analytics.errors import UserLensError
from analytics.periods import DAY_US, check_event_times, to_timestamp
from analytics.sqlfiles import run_sql

MAX_HORIZON_DAYS = 3660
FEATURES = ["recency_days", "tenure_days", "events_total", "events_7", "events_28", "events_28_56",
            "active_days_28", "active_days_total", "distinct_events"]


@dataclass(frozen=True)
class ChurnResult:
    """Per-user risks and how well the model did on the later (holdout) cutoff."""

    scores: pl.DataFrame
    auc: float | None
    auc_note: str
    as_of: datetime
    train_cutoff: datetime
    test_cutoff: datetime
    n_train: int
    n_test: int
    horizon_days: int


def churn_features(con: duckdb.DuckDBPyConnection, *, cutoff: datetime,
                   horizon_days: int = 28) -> pl.DataFrame:
    """Features as of `cutoff` and the churn label (null when the horizon is not observed yet)."""
    return run_sql(con, "churn_features", cutoff=cutoff, horizon_us=horizon_days * DAY_US)


def _model() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, random_state=0)


def _xy(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    labelled = frame.filter(pl.col("churned").is_not_null())
    return labelled.select(FEATURES).to_numpy().astype(float), labelled["churned"].to_numpy().astype(int)


def churn_risk(con: duckdb.DuckDBPyConnection, *, as_of: datetime | date | str | None = None,
               horizon_days: int = 28) -> ChurnResult:
    """Churn risk of every recently active user, with the model's holdout AUC.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    as_of : datetime, date, str or None
        Scoring time (UTC when naive); None means the last event.
    horizon_days : int
        A user has churned when they have no event in the next `horizon_days` days.

    Returns
    -------
    ChurnResult
        ``scores``: ``user_id``, ``risk`` (0..1, probability of churn), the features; sorted by
        risk descending. ``auc``: ROC AUC on the holdout cutoff (None with ``auc_note`` saying why).
    """
    if not isinstance(horizon_days, int) or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise UserLensError(f"horizon_days must be a whole number from 1 to {MAX_HORIZON_DAYS}, "
                            f"not {horizon_days!r}.")
    check_event_times(con)  # a time Python cannot hold would come back as text
    last = con.execute("SELECT max(ts) FROM events").fetchall()[0][0]
    if last is None:
        raise UserLensError("There are no events: load some with userlens ingest events FILE.")
    t = to_timestamp(as_of) or last
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    horizon = timedelta(days=horizon_days)
    try:
        train_cut, test_cut = t - 2 * horizon, t - horizon
    except OverflowError as exc:
        raise UserLensError(f"Twice the {horizon_days}-day horizon before {t:%Y-%m-%d} lies before year 1: "
                            "choose a later --as-of or a shorter --horizon-days.") from exc
    train = churn_features(con, cutoff=train_cut, horizon_days=horizon_days)
    test = churn_features(con, cutoff=test_cut, horizon_days=horizon_days)
    x_tr, y_tr = _xy(train)
    x_te, y_te = _xy(test)
    auc, note = None, "holdout AUC of the model trained on the earlier cutoff"
    if len(set(y_tr)) < 2:
        note = (f"not enough history: the training cutoff {train_cut:%Y-%m-%d} has "
                f"{'no labelled users' if len(y_tr) == 0 else 'only one outcome'}")
    elif len(set(y_te)) < 2:
        note = f"the holdout cutoff {test_cut:%Y-%m-%d} has only one outcome; AUC is undefined"
    else:
        auc = float(roc_auc_score(y_te, _model().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]))
    now = churn_features(con, cutoff=t, horizon_days=horizon_days).drop("churned")
    if len(set(y_te)) >= 2:
        risk = _model().fit(x_te, y_te).predict_proba(now.select(FEATURES).to_numpy().astype(float))[:, 1]
    elif len(set(y_tr)) >= 2:
        risk = _model().fit(x_tr, y_tr).predict_proba(now.select(FEATURES).to_numpy().astype(float))[:, 1]
    else:
        raise UserLensError(f"Cannot train a churn model: {note}. Load a longer event history or use a "
                            "shorter --horizon-days.")
    scores = now.with_columns(pl.Series("risk", risk, dtype=pl.Float64)).select(
        "user_id", "risk", *FEATURES).sort(["risk", "user_id"], descending=[True, False])
    return ChurnResult(scores=scores, auc=auc, auc_note=note, as_of=t, train_cutoff=train_cut,
                       test_cutoff=test_cut, n_train=len(y_tr), n_test=len(y_te), horizon_days=horizon_days)
