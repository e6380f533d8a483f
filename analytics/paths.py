"""User journeys (DESIGN §4 "Paths"): the paths users take from or to an event, and their edges.

Semantics, exactly:

- Each user's events are ordered by (time, event name) after the grouping rules (``REGEX=NAME``,
  see :mod:`analytics.eventspec`), and split into sessions: events with a ``session_id`` by that id;
  the others where the gap to the previous session-less event is 30 minutes or more (exactly 30 min
  splits, 29:59 does not) — the engagement rule.
- ``start=E``: the path is the user's **first** E followed by the next events of the same session,
  consecutive repeats collapsed (``E E F F E`` -> ``E F E``), at most ``steps`` events including E;
  a path whose session ends earlier is shorter. ``end=E``: the same backwards from the user's first
  E: at most ``steps`` events ending with E, written in time order. Users without E have no path.
- ``paths`` lists each distinct path with its number of users, ordered by users (most first), then
  by the path (element by element, a prefix before its extensions).
- ``edges``: ``step`` i is the move between the event i-1 positions from E and the event i positions
  from E (step 1 touches E). ``source`` is always the earlier event and ``target`` the later one, so in
  ``end`` mode step 1 is (event before E -> E). ``users`` counts the users whose path makes that move at
  that step. Ordered by step, then users (most first), then source and target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.eventspec import GroupRule, check_group_rules, group_rules, require_events, rule_params
from analytics.sqlfiles import run_sql

DEFAULT_STEPS = 5
MAX_STEPS = 20
SESSION_GAP_US = 30 * 60 * 1_000_000  # DESIGN §4: a gap of 30 min or more starts a new session
_SEP = "\x1f"  # joins a path into a sort key that orders element by element


def path_sequences(con: duckdb.DuckDBPyConnection, *, event: str, steps: int = DEFAULT_STEPS,
                   groups: Iterable[GroupRule | str] = (), direction: str = "both") -> pl.DataFrame:
    """Per user with `event`: the collapsed session events before and after their first `event`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    event : str
        The anchor event (a name after grouping).
    steps : int
        Path length including the anchor (2 to 20): ``before`` and ``after`` hold at most steps - 1.
    groups : iterable of GroupRule or ``REGEX=NAME`` str
        Event grouping rules, applied first.
    direction : {'start', 'end', 'both'}
        Which side(s) to compute (the other comes back empty).

    Returns
    -------
    polars.DataFrame
        ``user_id``, ``before`` (list, time order, the last one just before E), ``after`` (list).
    """
    rules = group_rules(groups)
    if direction not in ("start", "end", "both"):
        raise UserLensError(f"direction must be start, end or both, not {direction!r}.")
    if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= MAX_STEPS:
        raise UserLensError(f"A path needs from 2 to {MAX_STEPS} steps, not {steps!r}: e.g. --steps 5.")
    if not event:
        raise UserLensError("Name the event the paths start or end at: --start E or --end E.")
    check_group_rules(con, rules)
    require_events(con, [event], rules=rules, what="path event")
    return run_sql(con, "paths", event=event, steps=steps, direction=direction, gap_us=SESSION_GAP_US,
                   **rule_params(rules))


def _anchor(start: str | None, end: str | None) -> tuple[str, str]:
    if bool(start) == bool(end):
        raise UserLensError("Give exactly one of --start E (paths after E) or --end E (paths before E).")
    return ("start", str(start)) if start else ("end", str(end))


def user_paths(con: duckdb.DuckDBPyConnection, *, start: str | None = None, end: str | None = None,
               steps: int = DEFAULT_STEPS, groups: Iterable[GroupRule | str] = ()) -> pl.DataFrame:
    """Each user's path from their first `start` event, or to their first `end` event.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    start, end : str or None
        Exactly one: the anchor event (after grouping).
    steps : int
        At most this many events per path, the anchor included (2 to 20).
    groups : iterable of GroupRule or ``REGEX=NAME`` str
        Event grouping rules, applied before anything else.

    Returns
    -------
    polars.DataFrame
        ``user_id``, ``path`` (list of event names in time order), one row per user with the anchor.
    """
    mode, event = _anchor(start, end)
    seqs = path_sequences(con, event=event, steps=steps, groups=groups, direction=mode)
    if mode == "start":
        path = pl.concat_list(pl.lit([event]), pl.col("after"))
    else:
        path = pl.concat_list(pl.col("before"), pl.lit([event]))
    return seqs.select("user_id", path.alias("path"))


def paths(con: duckdb.DuckDBPyConnection, *, start: str | None = None, end: str | None = None,
          steps: int = DEFAULT_STEPS, groups: Iterable[GroupRule | str] = ()) -> pl.DataFrame:
    """Distinct paths with their user counts (see the module docstring for the rules and the order).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    start, end : str or None
        Exactly one: the anchor event (after grouping).
    steps : int
        At most this many events per path, the anchor included (2 to 20).
    groups : iterable of GroupRule or ``REGEX=NAME`` str
        Event grouping rules.

    Returns
    -------
    polars.DataFrame
        ``path`` (list of str), ``users`` (Int64), most users first.
    """
    per_user = user_paths(con, start=start, end=end, steps=steps, groups=groups)
    return count_paths(per_user)


def count_paths(per_user: pl.DataFrame) -> pl.DataFrame:
    """Distinct paths of a :func:`user_paths` frame with their users, in the documented order."""
    counted = per_user.group_by("path").agg(pl.len().cast(pl.Int64).alias("users"))
    return (counted.with_columns(key=pl.col("path").list.join(_SEP))
            .sort(["users", "key"], descending=[True, False]).select("path", "users"))


def path_edges(paths_frame: pl.DataFrame, *, anchor: str = "start") -> pl.DataFrame:
    """The Sankey edges of a :func:`paths` result.

    Parameters
    ----------
    paths_frame : polars.DataFrame
        ``path``, ``users``.
    anchor : {'start', 'end'}
        Whether E is the first (``start``) or the last (``end``) element of each path.

    Returns
    -------
    polars.DataFrame
        ``step`` (1 = the move touching E), ``source`` (earlier event), ``target`` (later event),
        ``users``; ordered by step, users (most first), source, target.
    """
    schema = {"step": pl.Int64, "source": pl.Utf8, "target": pl.Utf8, "users": pl.Int64}
    rows: list[tuple[int, str, str, int]] = []
    for path, users in paths_frame.select("path", "users").iter_rows():
        chrono = list(path) if anchor == "start" else list(reversed(path))
        for i in range(1, len(chrono)):
            a, b = chrono[i - 1], chrono[i]
            rows.append((i, a, b, users) if anchor == "start" else (i, b, a, users))
    if not rows:
        return pl.DataFrame(schema=schema)
    edges = pl.DataFrame(rows, schema=schema, orient="row")
    return (edges.group_by("step", "source", "target").agg(pl.col("users").sum())
            .sort(["step", "users", "source", "target"], descending=[False, True, False, False])
            .select(list(schema)))


def paths_json(paths_frame: pl.DataFrame, edges: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The CLI document ``{"paths": [{"path", "users"}], "edges": [{"step", "source", "target",
    "users"}]}``."""
    return {"paths": [{"path": list(p), "users": int(u)}
                      for p, u in paths_frame.select("path", "users").iter_rows()],
            "edges": [{"step": int(s), "source": a, "target": b, "users": int(u)}
                      for s, a, b, u in edges.select("step", "source", "target", "users").iter_rows()]}


def top_paths_table(paths_frame: pl.DataFrame, *, limit: int | None = 20, arrow: str = " → ") -> pl.DataFrame:
    """The most common paths as a table with the share of users behind each.

    Parameters
    ----------
    paths_frame : polars.DataFrame
        A :func:`paths` result (every user with the anchor has exactly one path).
    limit : int or None
        How many paths to keep (None: all).
    arrow : str
        Joins the events of a path into one readable string.

    Returns
    -------
    polars.DataFrame
        ``rank``, ``path`` (str), ``events`` (path length), ``users``, ``share`` (users / all users
        with the anchor, 0..1).
    """
    total = int(paths_frame["users"].sum()) if paths_frame.height else 0
    table = paths_frame.with_row_index("rank", offset=1).select(
        pl.col("rank").cast(pl.Int64), pl.col("path").list.join(arrow).alias("path"),
        pl.col("path").list.len().cast(pl.Int64).alias("events"), "users",
        (pl.col("users") / total if total else pl.lit(None, pl.Float64)).alias("share"))
    return table.head(limit) if limit else table


def parse_groups(items: Sequence[str] | None) -> list[GroupRule]:
    """Repeated ``--group REGEX=NAME`` options as rules, in order."""
    return group_rules(items or [])
