"""A/B comparison of groups on a per-user metric (DESIGN §4).

The per-user values come from SQL (analytics/sql/experiment_users.sql); the statistics are computed
here with scipy:

- binary metrics: rate per group; difference vs control with a 95 % Wald interval
  ``d ± 1.96·sqrt(p1(1-p1)/n1 + p0(1-p0)/n0)``; p-value of the pooled two-proportion z-test;
- numeric metrics: mean per group; Welch's t-test (``scipy.stats.ttest_ind(equal_var=False)``) and
  a 95 % interval ``d ± t(0.975, ν)·se`` with the Welch–Satterthwaite ν;
- relative difference = difference / control value (its interval is the absolute one scaled);
- sample-ratio mismatch: χ² of the group sizes against the expected split (equal by default).

Users whose value is not measurable (a retention week not yet observable, a non-numeric attribute)
are left out of n; the frame reports how many were left out.
"""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb
import polars as pl
from scipy import stats

from analytics.errors import UserLensError
from analytics.periods import DAY_US, period_params
from analytics.sqlfiles import run_sql

METRIC_HELP = ("'events', 'active_days', 'retained:<k>' (any event in week k after the first week), "
               "'funnel:<A,B,C>:<s>' (reached step s within 14 days), or 'attr:<name>'")


def _path(key: str) -> str:
    """A JSONPath for one key, quoted (the key comes from the user)."""
    return "$." + json.dumps(key, ensure_ascii=False)


def parse_metric(metric: str) -> dict[str, Any]:
    """Split a metric spec into SQL parameters; raise a UserLensError explaining the forms."""
    kind, _, rest = metric.partition(":")
    out: dict[str, Any] = {"metric_kind": kind, "k": 1, "steps": ["_"], "step": 1,
                           "window_us": 14 * DAY_US, "metric_path": "$._"}
    try:
        if kind in ("events", "active_days") and not rest:
            return out
        if kind == "retained" and rest:
            out["k"] = int(rest)
            if out["k"] < 1:
                raise ValueError
            return out
        if kind == "funnel" and rest:
            names, _, step = rest.rpartition(":")
            out["steps"] = [s.strip() for s in names.split(",") if s.strip()]
            out["step"] = int(step)
            if len(out["steps"]) < 2 or not 1 <= out["step"] <= len(out["steps"]):
                raise ValueError
            return out
        if kind == "attr" and rest:
            out["metric_path"] = _path(rest)
            return out
    except ValueError:
        pass
    raise UserLensError(f"Unknown metric {metric!r}: use {METRIC_HELP}.")


def experiment_users(con: duckdb.DuckDBPyConnection, *, group: str, metric: str,
                     timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """Per-user rows ``user_id, group, value`` (value null when not measurable)."""
    if not group:
        raise UserLensError("Name the group: a user attribute (e.g. variant) or property:<event property>.")
    if group.startswith("property:"):
        kind, key = "property", group.split(":", 1)[1]
    else:
        kind, key = "attribute", group
    params = period_params(con, period="week", timezone=timezone, week_start=week_start)
    params.update(parse_metric(metric), group_kind=kind, group_path=_path(key))
    return run_sql(con, "experiment_users", **params)


def experiment(con: duckdb.DuckDBPyConnection, *, group: str, metric: str, control: str | None = None,
               expected_split: dict[str, float] | None = None, timezone: str | None = None,
               week_start: str | None = None) -> pl.DataFrame:
    """Compare groups on a per-user metric.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    group : str
        A key of ``users.attributes`` (e.g. ``variant``) or ``property:<key>`` of event properties.
    metric : str
        ``events``, ``active_days``, ``retained:<k>``, ``funnel:<A,B,C>:<s>`` or ``attr:<name>``.
    control : str or None
        Control group; default the first group alphabetically.
    expected_split : dict or None
        Expected share per group for the sample-ratio check (normalised); default equal.
    timezone, week_start : str or None
        None reads the workspace settings.

    Returns
    -------
    polars.DataFrame
        One row per group: ``group``, ``is_control``, ``kind`` (binary/numeric), ``n``,
        ``excluded``, ``value`` (rate or mean), ``std``, ``diff``, ``diff_ci_low``, ``diff_ci_high``,
        ``rel_diff``, ``rel_ci_low``, ``rel_ci_high``, ``p_value`` (null for the control),
        ``srm_p_value`` (same on every row).
    """
    users = experiment_users(con, group=group, metric=metric, timezone=timezone, week_start=week_start)
    if users.is_empty():
        raise UserLensError(f"No user has a value for the group {group!r}: check the attribute name "
                            "(userlens ingest users ...) or use property:<key> for an event property.")
    groups = sorted(users["group"].unique().to_list())
    if len(groups) < 2:
        raise UserLensError(f"The group {group!r} has only one value ({groups[0]!r}); nothing to compare.")
    control = control if control is not None else groups[0]
    if control not in groups:
        raise UserLensError(f"Control group {control!r} is not among {groups}.")
    values = {g: users.filter(pl.col("group") == g)["value"] for g in groups}
    measured = {g: v.drop_nulls().to_list() for g, v in values.items()}
    every = [x for v in measured.values() for x in v]
    binary = parse_metric(metric)["metric_kind"] in ("retained", "funnel") or set(every) <= {0.0, 1.0}
    rows = [_row(g, measured[g], measured[control], binary, g == control, len(values[g]) - len(measured[g]))
            for g in groups]
    srm = srm_p_value({g: len(values[g]) for g in groups}, expected_split)
    return pl.DataFrame(rows).with_columns(pl.lit(srm, pl.Float64).alias("srm_p_value"))


def _row(name: str, x: list[float], c: list[float], binary: bool, is_control: bool, excluded: int
         ) -> dict[str, Any]:
    """Statistics of one group against the control."""
    n, n0 = len(x), len(c)
    mean = sum(x) / n if n else math.nan
    mean0 = sum(c) / n0 if n0 else math.nan
    out: dict[str, Any] = {"group": name, "is_control": is_control, "kind": "binary" if binary else "numeric",
                           "n": n, "excluded": excluded, "value": mean,
                           "std": float(stats.tstd(x)) if n > 1 else None}
    diff = lo = hi = p = None
    if not is_control and n and n0:
        diff = mean - mean0
        if binary:
            se = math.sqrt(mean * (1 - mean) / n + mean0 * (1 - mean0) / n0)
            lo, hi = diff - 1.959963984540054 * se, diff + 1.959963984540054 * se
            pooled = (sum(x) + sum(c)) / (n + n0)
            se0 = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n0))
            p = 2 * stats.norm.sf(abs(diff) / se0) if se0 > 0 else 1.0
        elif n > 1 and n0 > 1:
            v1, v0 = stats.tvar(x) / n, stats.tvar(c) / n0
            se = math.sqrt(v1 + v0)
            if se > 0:
                dof = (v1 + v0) ** 2 / (v1 ** 2 / (n - 1) + v0 ** 2 / (n0 - 1))
                half = stats.t.ppf(0.975, dof) * se
                lo, hi = diff - half, diff + half
                p = float(stats.ttest_ind(x, c, equal_var=False).pvalue)
    def rel(v: float | None) -> float | None:
        return v / mean0 if v is not None and mean0 else None

    out.update(diff=diff, diff_ci_low=lo, diff_ci_high=hi, rel_diff=rel(diff), rel_ci_low=rel(lo),
               rel_ci_high=rel(hi), p_value=None if p is None else float(p))
    return out


def srm_p_value(sizes: dict[str, int], expected_split: dict[str, float] | None = None) -> float:
    """χ² p-value of the group sizes against the expected split (equal when None).

    Parameters
    ----------
    sizes : dict
        Users per group.
    expected_split : dict or None
        Weights per group (any scale); every group in `sizes` must have one.

    Returns
    -------
    float
        p-value; a small value (< 0.001) signals a sample-ratio mismatch.
    """
    names = list(sizes)
    if expected_split:
        missing = [g for g in names if g not in expected_split]
        if missing:
            raise UserLensError(f"The expected split has no share for group(s) {missing}.")
        weights = [float(expected_split[g]) for g in names]
    else:
        weights = [1.0] * len(names)
    total, wsum = sum(sizes.values()), sum(weights)
    expected = [total * w / wsum for w in weights]
    return float(stats.chisquare([sizes[g] for g in names], expected).pvalue)
