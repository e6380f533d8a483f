"""What predicts conversion or retention (DESIGN §4 "Correlation").

Target and population (analytics/sql/correlation_targets.sql):

- ``funnel:A,B,C``: users with an A event; success = reached C in order within the conversion window
  (the funnel rule of :mod:`analytics.funnel`). Candidate predictors are the events a user did from
  their first A until they converted (or, without converting, until the window ended), so what
  converted users do *after* converting does not count. The funnel's own steps are left out.
- ``retained:k``: users whose calendar week k after the week of their first event has ended;
  success = any event in week k (the experiment metric ``retained:k``). Predictors are the events of
  the first week.
- Every attribute value ``KEY=VALUE`` of ``users.attributes`` is a predictor too (keys with more than
  ``max_values`` distinct values — ids, counts — are skipped).

For each predictor the 2×2 table is ``a`` = successes with it, ``b`` = failures with it, ``c`` =
successes without it, ``d`` = failures without it. The odds ratio is ``(a·d) / (b·c)`` and its 95 %
interval uses Woolf's log method: ``exp(ln OR ± 1.96·sqrt(1/a + 1/b + 1/c + 1/d))``. When a cell is
zero, 0.5 is added to all four cells first (the Haldane–Anscombe correction; ``corrected`` says so).
``share`` = (a + b) / population: how many users stand behind the signal. Predictors held by fewer than
``min_users`` users, or by everybody (nothing to compare), are left out. The strongest signals are
ranked by the interval's end nearest to 1 (the lower end for positive ones, the upper end for negative
ones), so a huge ratio from five users does not outrank a solid one.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.eventspec import require_events
from analytics.periods import DAY_US, period_params
from analytics.sqlfiles import run_sql

Z95 = 1.959963984540054
TARGET_HELP = "funnel:A,B,C (reached the last step) or retained:k (active in week k after the first week)"


def parse_target(target: str) -> dict[str, Any]:
    """``funnel:A,B,C`` or ``retained:k`` -> SQL parameters; anything else is a UserLensError."""
    kind, _, rest = str(target).partition(":")
    if kind == "funnel":
        steps = [s.strip() for s in rest.split(",") if s.strip()]
        if len(steps) < 2:
            raise UserLensError(f"The target {target!r} needs at least two funnel steps: "
                                "e.g. funnel:signup,purchase.")
        return {"target_kind": "funnel", "steps": steps, "k": 1}
    if kind == "retained" and rest.strip().isdigit() and int(rest) >= 1:
        return {"target_kind": "retained", "steps": ["_"], "k": int(rest)}
    raise UserLensError(f"Unknown target {target!r}: use {TARGET_HELP}.")


def target_users(con: duckdb.DuckDBPyConnection, *, target: str, window_days: float = 14,
                 timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """The target's population: ``user_id``, ``success``, ``win_from``, ``win_to`` (module docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    target : str
        ``funnel:A,B,C`` or ``retained:k``.
    window_days : float
        Funnel conversion window.
    timezone, week_start : str or None
        Calendar weeks of ``retained``; None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        One row per user of the population.
    """
    params = parse_target(target)
    if params["target_kind"] == "funnel":
        require_events(con, params["steps"], what="target funnel step")
    if not window_days or window_days <= 0:
        raise UserLensError(f"The conversion window must be a positive number of days, not {window_days!r}.")
    params.update(period_params(con, period="week", timezone=timezone, week_start=week_start),
                  window_us=int(round(window_days * DAY_US)))
    return run_sql(con, "correlation_targets", **params)


def odds_ratio(a: int, b: int, c: int, d: int) -> tuple[float, float, float, bool]:
    """Odds ratio of a 2×2 table with its 95 % Woolf interval; 0.5 added to every cell if one is 0.

    Returns
    -------
    tuple
        ``(odds_ratio, ci_low, ci_high, corrected)``.
    """
    corrected = min(a, b, c, d) == 0
    if corrected:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), math.exp(log_or - Z95 * se), math.exp(log_or + Z95 * se), corrected


def correlation(con: duckdb.DuckDBPyConnection, *, target: str, window_days: float = 14, min_users: int = 5,
                max_values: int = 20, timezone: str | None = None, week_start: str | None = None,
                population: pl.DataFrame | None = None) -> pl.DataFrame:
    """Odds ratio of every event name and attribute value for the target (module docstring).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    target : str
        ``funnel:A,B,C`` or ``retained:k``.
    window_days : float
        Funnel conversion window.
    min_users : int
        Leave out predictors held by fewer users.
    max_values : int
        Skip attribute keys with more distinct values.
    timezone, week_start : str or None
        None reads the workspace settings.
    population : polars.DataFrame or None
        A :func:`target_users` result for the same target, when the caller has it already.

    Returns
    -------
    polars.DataFrame
        ``kind`` (event | attribute), ``feature``, ``users`` (a + b), ``share``, ``success_with``,
        ``success_without``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``significant`` (the interval
        excludes 1), ``corrected``, ``a``, ``b``, ``c``, ``d``; by odds ratio, highest first.
    """
    pop = population if population is not None else target_users(
        con, target=target, window_days=window_days, timezone=timezone, week_start=week_start)
    if pop.is_empty():
        raise UserLensError(f"No user is in the population of {target!r}: "
                            + ("nobody did its first step." if target.startswith("funnel") else
                               "no user's week k has ended yet."))
    skip = parse_target(target)["steps"]
    counts = run_sql(con, "correlation_features", user_ids=pop["user_id"].to_list(),
                     success=pop["success"].to_list(), win_from=pop["win_from"].to_list(),
                     win_to=pop["win_to"].to_list(), skip_events=skip, max_values=max_values)
    rows = []
    for kind, feature, a, b, n, s in counts.iter_rows():
        c, d = s - a, (n - s) - b
        if a + b < min_users or a + b == n:
            continue
        ratio, lo, hi, corrected = odds_ratio(a, b, c, d)
        rows.append({"kind": kind, "feature": feature, "users": a + b, "share": (a + b) / n,
                     "success_with": a / (a + b), "success_without": c / (c + d),
                     "odds_ratio": ratio, "ci_low": lo, "ci_high": hi,
                     "significant": lo > 1 or hi < 1, "corrected": corrected,
                     "a": a, "b": b, "c": c, "d": d})
    schema = {"kind": pl.Utf8, "feature": pl.Utf8, "users": pl.Int64, "share": pl.Float64,
              "success_with": pl.Float64, "success_without": pl.Float64, "odds_ratio": pl.Float64,
              "ci_low": pl.Float64, "ci_high": pl.Float64, "significant": pl.Boolean, "corrected": pl.Boolean,
              "a": pl.Int64,
              "b": pl.Int64, "c": pl.Int64, "d": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema)
    return frame.sort(["odds_ratio", "kind", "feature"], descending=[True, False, False])


def strongest(frame: pl.DataFrame, n: int = 10) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `n` strongest positive (odds ratio > 1) and negative (< 1) signals of :func:`correlation`.

    Positive ones are ranked by ``ci_low`` (highest first), negative ones by ``ci_high`` (lowest
    first); ties by odds ratio, then name.
    """
    pos = frame.filter(pl.col("odds_ratio") > 1).sort(
        ["ci_low", "odds_ratio", "feature"], descending=[True, True, False]).head(n)
    neg = frame.filter(pl.col("odds_ratio") < 1).sort(
        ["ci_high", "odds_ratio", "feature"], descending=[False, False, False]).head(n)
    return pos, neg


def correlation_json(frame: pl.DataFrame, *, target: str, population: int, successes: int,
                     n: int = 10) -> dict[str, Any]:
    """The CLI document: target, population, successes and the strongest positive and negative signals."""
    pos, neg = strongest(frame, n)
    return {"target": target, "population": population, "successes": successes,
            "positive": pos.to_dicts(), "negative": neg.to_dicts()}
