"""Ordered conversion funnel (DESIGN §4 "Funnel" and "Funnel options").

Semantics, exactly (analytics/sql/funnel.sql computes them; tests/analytics/test_funnel_options.py
checks them against an exhaustive search over chains):

- **Chains.** Every step-1 event starts an attempt. A chain is a sequence of the user's events, one
  per step in order: each event comes after the previous one (a later time, or the same instant when
  the names differ) and at most ``window_days`` after the chain's step-1 event (the edge included).
  A user reaches step k when some chain reaches it; the result is the furthest step reached in any
  attempt. It is computed greedily, as ClickHouse's ``windowFunnel``: a step-k event continues the
  latest step-(k-1) chain end before it; that end carries the latest start, so no chain reaches further.
- **Exclusions** ``(X, i, j)``: an event X *strictly* between (in time) a chain's step-p event and its
  step-(p+1) event, for any p in i..j-1, breaks that link: the attempt is dropped at step p (it still
  counts for steps 1..p, it does not go on through that event). ``X:i`` is ``(X, i, i+1)``; a bare
  ``X`` excludes it between step 1 and the last step. An X at the same instant as either step event
  does not count; an X before step 1 or after the step-(p+1) event does not matter (the window only
  bounds the steps). Greedily: a step-(p+1) event continues the latest step-p end before it only when
  no X lies between them; when one does, every earlier end is cut off by the same X, so the greedy
  choice still finds the furthest clean chain.
- **Optional steps** (never the first or the last): a chain may skip them. Skipping never makes a
  chain worse, so a required step's count is the count of the funnel without the optional steps; an
  optional step counts the users who reached it in order. A link that skips optional steps p+1..q-1
  (from step p straight to step q) is broken by an exclusion of any pair p..q-1. Greedily: a step-q
  event continues, among the eligible levels (q-1, and earlier ones while the steps between are
  optional), the clean end with the latest start (ties: the latest end).
- **Conversion and times.** ``conversion_from_start`` = users / users at step 1;
  ``conversion_from_previous`` = users / users at the previous *required* step (the previous step
  when none is optional). The median time for step k is taken over users: the gap between their first
  counted step-k event and the event it continues (``median_seconds_from_previous``) and, with a
  breakdown, the chain's step-1 event (``median_seconds_from_start``: time to convert).
- **Breakdown** ``attr:KEY`` (a user attribute) or ``prop:KEY`` (the property on the user's first
  step-1 event): one funnel per value, computed exactly as the whole funnel over that value's users.
  Values are ranked by users at step 1 (ties by value); the top ``top`` keep their own funnel, the rest
  share one funnel called ``(other)``; users without a value are ``(none)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.eventspec import Breakdown, breakdown_params, parse_breakdown
from analytics.periods import DAY_US
from analytics.sqlfiles import run_sql

MAX_STEPS = 10
BASE_COLUMNS = ["step", "step_name", "users", "conversion_from_start", "conversion_from_previous",
                "median_seconds_from_previous"]
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


@dataclass(frozen=True)
class Exclusion:
    """Event `event` excluded between step `from_step` and step `to_step` (1-based, from < to)."""

    event: str
    from_step: int
    to_step: int


def parse_exclusion(text: str | Exclusion, n_steps: int) -> Exclusion:
    """``X`` (step 1 to the last), ``X:i`` (step i to i+1) or ``X:i-j`` (step i to j) -> Exclusion.

    Only a trailing ``:i`` or ``:i-j`` of digits is a range, so event names may contain colons.
    """
    if isinstance(text, Exclusion):
        ex = text
    else:
        raw = str(text).strip()
        name, sep, tail = raw.rpartition(":")
        match = _RANGE.match(tail) if sep else None
        if match and name:
            lo = int(match.group(1))
            ex = Exclusion(name, lo, int(match.group(2)) if match.group(2) else lo + 1)
        else:
            ex = Exclusion(raw, 1, n_steps)
    if not ex.event:
        raise UserLensError("An exclusion needs an event name: write --exclude EVENT[:i[-j]].")
    if not 1 <= ex.from_step < ex.to_step <= n_steps:
        raise UserLensError(f"The exclusion {ex.event!r} between steps {ex.from_step} and {ex.to_step} is "
                            f"outside this {n_steps}-step funnel: use steps 1 to {n_steps}, the first before "
                            "the second (e.g. --exclude EVENT:1-2).")
    return ex


def _optional_positions(optional: Sequence[int | str], steps: list[str]) -> set[int]:
    """1-based positions of the optional steps, given by position or by (unique) name."""
    out: set[int] = set()
    for item in optional:
        if isinstance(item, int) or (str(item).strip().isdigit() and str(item).strip() not in steps):
            pos = int(item)
        else:
            name = str(item).strip()
            where = [i + 1 for i, s in enumerate(steps) if s == name]
            if len(where) != 1:
                raise UserLensError(
                    f"The optional step {name!r} is {'not a step' if not where else 'more than one step'} of "
                    f"this funnel: name one of {', '.join(steps)} or give its position (e.g. --optional 2).")
            pos = where[0]
        if not 1 < pos < len(steps):
            raise UserLensError(f"Step {pos} cannot be optional: only steps between the first and the last "
                                f"(2 to {len(steps) - 1}) can be.")
        out.add(pos)
    return out


def funnel_params(steps: list[str], window_days: float, exclude: Sequence[Exclusion | str],
                  optional: Sequence[int | str], breakdown: Breakdown | None, top: int) -> dict:
    """Validate the funnel options and build the SQL parameters of analytics/sql/funnel.sql."""
    n = len(steps)
    opt = _optional_positions(optional, steps)
    exclusions = [parse_exclusion(x, n) for x in exclude]
    if not isinstance(top, int) or top < 1:
        raise UserLensError(f"The breakdown shows the top N values: N must be a whole number >= 1, "
                            f"not {top!r}.")
    link_k, link_j = [], []
    for k in range(2, n + 1):
        j = k - 1
        while True:  # the previous level, and earlier ones while the steps skipped are optional
            link_k.append(k)
            link_j.append(j)
            if j not in opt:
                break
            j -= 1
    prev_req = [0] + [max(j for j in range(1, k) if j not in opt) for k in range(2, n + 1)]
    return {"steps": steps, "window_us": int(round(window_days * DAY_US)),
            "optional": [k in opt for k in range(1, n + 1)], "link_k": link_k, "link_j": link_j,
            "multi": [link_k.count(k) > 1 for k in range(1, n + 1)], "has_x": bool(exclusions),
            "prev_req": prev_req, "x_names": [x.event for x in exclusions],
            "x_from": [x.from_step for x in exclusions], "x_to": [x.to_step for x in exclusions],
            "top": top, **breakdown_params(breakdown)}


def funnel(con: duckdb.DuckDBPyConnection, *, steps: list[str], window_days: float = 14,
           exclude: Sequence[Exclusion | str] = (), optional: Sequence[int | str] = (),
           breakdown: str | Breakdown | None = None, top: int = 10,
           timezone: str | None = None, week_start: str | None = None) -> pl.DataFrame:
    """Users reaching each step of an ordered funnel (semantics: the module docstring).

    Every step-1 event starts an attempt; an attempt reaches step k+1 with an event named
    ``steps[k]`` after its step-k event (the same timestamp is allowed when the names differ) and at
    most ``window_days`` after the attempt's step-1 event, the edge included. A user's result is the
    furthest step reached in any attempt. It is computed greedily: a step-k event continues the
    latest step-(k-1) event before it, whose chain has the latest start, so no attempt reaches
    further (the ClickHouse ``windowFunnel`` rule). The median time for step k is taken over users:
    the gap between their first counted step-k event and the step-(k-1) event it continues.
    Without the options below the result is exactly that of the plain funnel.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    steps : list of str
        Event names in order (2 to 10).
    window_days : float
        Conversion window measured from the step-1 event.
    exclude : sequence of Exclusion or str
        Exclusions: ``X`` (step 1 to the last step), ``X:i`` (step i to i+1), ``X:i-j``.
    optional : sequence of int or str
        Optional steps by 1-based position or (unique) name; not the first or the last step.
    breakdown : str or Breakdown or None
        ``attr:KEY`` or ``prop:KEY``: one funnel per value (top `top` values, the rest ``(other)``).
    top : int
        How many breakdown values keep their own funnel.
    timezone, week_start : str or None
        Accepted for a uniform signature; a funnel uses exact elapsed time, not calendar periods.

    Returns
    -------
    polars.DataFrame
        ``step`` (1-based), ``step_name``, ``users``, ``conversion_from_start``,
        ``conversion_from_previous`` (null for step 1), ``median_seconds_from_previous``. With a
        breakdown, ``breakdown`` comes first and ``median_seconds_from_start`` last; rows are ordered by
        the value's rank, ``(other)`` last, then by step.
    """
    steps = [str(s).strip() for s in steps if str(s).strip()]
    if len(steps) < 2:
        raise UserLensError("A funnel needs at least two steps, e.g. --steps signup,activate,purchase.")
    if len(steps) > MAX_STEPS:
        raise UserLensError(f"A funnel has at most {MAX_STEPS} steps, not {len(steps)}: split it in two.")
    if not window_days or window_days <= 0:
        raise UserLensError(f"The conversion window must be a positive number of days, not {window_days!r}.")
    bd = parse_breakdown(breakdown)
    frame = run_sql(con, "funnel", **funnel_params(steps, window_days, exclude, optional, bd, top))
    if bd is None:
        return frame.select(BASE_COLUMNS)
    return frame


def funnel_breakdown_summary(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per breakdown value: entered, converted, conversion and median time to convert.

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`funnel` result with a breakdown.

    Returns
    -------
    polars.DataFrame
        ``breakdown``, ``entered`` (users at step 1), ``converted`` (users at the last step),
        ``conversion``, ``median_seconds_to_convert`` (step-1 event to the last step's event), in the
        funnel's order of values.
    """
    last = frame["step"].max() if frame.height else 0
    first = frame.filter(pl.col("step") == 1).select("breakdown", entered="users")
    final = frame.filter(pl.col("step") == last).select(
        "breakdown", converted="users", median_seconds_to_convert="median_seconds_from_start")
    return first.join(final, on="breakdown", how="left", maintain_order="left", nulls_equal=True).select(
        "breakdown", "entered", "converted",
        conversion=pl.col("converted") / pl.when(pl.col("entered") > 0).then(pl.col("entered")),
        median_seconds_to_convert="median_seconds_to_convert")
