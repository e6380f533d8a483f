"""Cohort scoring (DESIGN §4): size, retention at periods 1 / 4 / 12, active days, one engagement score."""

from __future__ import annotations

import json

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.periods import check_event_times, period_params
from analytics.sqlfiles import run_sql

WEIGHTS = {"retention_1": 0.3, "retention_4": 0.3, "retention_12": 0.2, "activity_28": 0.2}
ENGAGEMENT_SCORE_FORMULA = (
    "Engagement score (0-100) = 100 x (0.3 x retention at period 1 + 0.3 x retention at period 4 "
    "+ 0.2 x retention at period 12 + 0.2 x mean active days in the first 28 days / 28). Retention at "
    "period k is the share of the cohort active in the k-th period after their first active period "
    "(weeks; months for signup-month cohorts), among users for whom that period is over. A retention "
    "value not yet observable is left out and the remaining weights are rescaled to sum to 1."
)


def cohort_scores(con: duckdb.DuckDBPyConnection, *, by: str = "signup_week", timezone: str | None = None,
                  week_start: str | None = None) -> pl.DataFrame:
    """Score cohorts of users; the formula is :data:`ENGAGEMENT_SCORE_FORMULA`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    by : str
        ``signup_week``, ``signup_month`` (signup time from ``users.signup_ts``, else the first
        event), ``persona`` (members of the latest personas run) or ``attr:<name>``.
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        ``cohort``, ``size``, ``retention_1``, ``retention_4``, ``retention_12`` (shares 0..1, null
        when not observable), ``mean_active_days``, ``mean_active_days_28``, ``engagement_score``.
    """
    attr_path = "$._"
    if by in ("signup_week", "signup_month"):
        kind = by.removeprefix("signup_")
    elif by == "persona":
        kind = "persona"
    elif by.startswith("attr:") and by[5:]:
        kind, attr_path = "attr", "$." + json.dumps(by[5:], ensure_ascii=False)
    else:
        raise UserLensError(f"Unknown cohort {by!r}: use signup_week, signup_month, persona or attr:<name>.")
    params = period_params(con, period="month" if kind == "month" else "week", timezone=timezone,
                           week_start=week_start)
    check_event_times(con)
    frame = run_sql(con, "cohort_scores", by_kind=kind, attr_path=attr_path, **params)
    if kind == "persona" and frame.is_empty():
        raise UserLensError("No personas found: run personas first (userlens personas, or the Personas "
                            "page).")
    return frame.with_columns(engagement_score(frame))


def engagement_score(frame: pl.DataFrame) -> pl.Series:
    """The engagement score of each row of a :func:`cohort_scores` frame (see the formula)."""
    scores = []
    for row in frame.iter_rows(named=True):
        parts = {"retention_1": row["retention_1"], "retention_4": row["retention_4"],
                 "retention_12": row["retention_12"],
                 "activity_28": min((row["mean_active_days_28"] or 0.0) / 28.0, 1.0)}
        seen = {k: v for k, v in parts.items() if v is not None}
        weight = sum(WEIGHTS[k] for k in seen)
        scores.append(100.0 * sum(WEIGHTS[k] * v for k, v in seen.items()) / weight)
    return pl.Series("engagement_score", scores, dtype=pl.Float64)
