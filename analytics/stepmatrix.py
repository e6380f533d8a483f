"""Step matrix (DESIGN §4 "Paths"): which events users do at each step before and after an event.

For every user with the anchor event E, the collapsed session sequence around their first E (the
path rules of :mod:`analytics.paths`: grouping first, (time, name) order, 30-minute / session_id
sessions, consecutive repeats collapsed) gives at offset 0 the event E, at offset +j the j-th event
after it and at offset -j the j-th event before it, within the session. The share of a cell (event X,
offset j) is::

    users whose event at offset j is X  /  users who have E (in the group, when one is given)

so a column sums to at most 1; the rest are users whose session had ended (or not yet begun) there.
The difference of two groups is share_a - share_b per cell, each over its own group's users with E.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.eventspec import GroupRule, json_path, parse_user_group
from analytics.paths import path_sequences
from analytics.sqlfiles import run_sql

UserSet = Collection[str] | str
MAX_OFFSET = 10


def users_in_group(con: duckdb.DuckDBPyConnection, spec: UserSet) -> set[str]:
    """The user ids of a group: a collection of ids, ``attr:KEY=VALUE`` / ``prop:KEY=VALUE``, or
    ``funnel:A,B,...`` (the users who converted through that funnel).

    For ``prop`` the value is the property on the user's first event that carries the key. ``funnel``
    is the success of the correlation target of that name (:func:`analytics.correlation.target_users`:
    the last step reached in order within the default 14-day window; event names before grouping).
    """
    if not isinstance(spec, str):
        return {str(u) for u in spec}
    if spec.startswith("funnel:"):
        from analytics.correlation import target_users  # correlation imports nothing of the journeys

        pop = target_users(con, target=spec)
        return set(pop.filter(pl.col("success"))["user_id"].to_list())
    breakdown, value = parse_user_group(spec)
    found = run_sql(con, "user_group", kind=breakdown.kind, path=json_path(breakdown.key), value=value)
    return set(found["user_id"].to_list())


def _cells(seqs: pl.DataFrame, event: str, users: set[str] | None) -> tuple[pl.DataFrame, int]:
    """(event, offset, users) cells of a path_sequences frame, and the denominator."""
    if users is not None:
        seqs = seqs.filter(pl.col("user_id").is_in(sorted(users)))
    n = seqs.height
    before = (seqs.select("user_id", pl.col("before").alias("event"),
                          pl.col("before").list.len().alias("n"))
              .explode("event").drop_nulls("event")
              .with_columns(offset=pl.int_range(pl.len()).over("user_id") - pl.col("n")))
    after = (seqs.select("user_id", pl.col("after").alias("event")).explode("event").drop_nulls("event")
             .with_columns(offset=pl.int_range(1, pl.len() + 1).over("user_id")))
    anchor = seqs.select("user_id", event=pl.lit(event), offset=pl.lit(0, pl.Int64))
    cells = pl.concat([before.select("user_id", "event", pl.col("offset").cast(pl.Int64)),
                       anchor, after.select("user_id", "event", pl.col("offset").cast(pl.Int64))])
    counted = cells.group_by("event", "offset").agg(pl.len().cast(pl.Int64).alias("users"))
    return counted, n


def _check(k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_OFFSET:
        raise UserLensError(f"The step matrix reaches 1 to {MAX_OFFSET} steps each way, not {k!r}.")


def step_matrix(con: duckdb.DuckDBPyConnection, *, event: str, k: int = 3,
                groups: Iterable[GroupRule | str] = (), users: UserSet | None = None) -> pl.DataFrame:
    """Share of users with each event at each offset -k..k around their first `event`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    event : str
        The anchor event E (a name after grouping).
    k : int
        Offsets -k..k (1 to 10).
    groups : iterable of GroupRule or ``REGEX=NAME`` str
        Event grouping rules, applied first.
    users : collection of str, or ``attr:KEY=VALUE`` / ``prop:KEY=VALUE``, or None
        Restrict to these users; None: everyone.

    Returns
    -------
    polars.DataFrame
        ``event``, ``offset``, ``users``, ``share`` (users / users who have E — in `users` when
        given), ``base`` (that denominator); only non-empty cells, ordered by event then offset.
    """
    _check(k)
    seqs = path_sequences(con, event=event, steps=k + 1, groups=groups, direction="both")
    chosen = None if users is None else users_in_group(con, users)
    cells, n = _cells(seqs, event, chosen)
    return (cells.with_columns(share=pl.col("users") / n if n else pl.lit(None, pl.Float64),
                               base=pl.lit(n, pl.Int64))
            .sort("event", "offset"))


def step_matrix_difference(con: duckdb.DuckDBPyConnection, *, event: str, group_a: UserSet,
                           group_b: UserSet | None = None, k: int = 3,
                           groups: Iterable[GroupRule | str] = ()) -> pl.DataFrame:
    """Step-matrix shares of group A minus those of group B (e.g. converted vs not).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    event : str
        The anchor event E.
    group_a, group_b : collection of str, or ``attr:KEY=VALUE`` / ``prop:KEY=VALUE`` / ``funnel:A,B``
        The two groups (see :func:`users_in_group`); `group_b` None means every other user who has E.
    k : int
        Offsets -k..k.
    groups : iterable of GroupRule or ``REGEX=NAME`` str
        Event grouping rules.

    Returns
    -------
    polars.DataFrame
        ``event``, ``offset``, ``share_a``, ``share_b`` (0 where a group has no such cell),
        ``difference`` (share_a - share_b), ``base_a``, ``base_b`` (each group's users with E).
    """
    _check(k)
    seqs = path_sequences(con, event=event, steps=k + 1, groups=groups, direction="both")
    a_users = users_in_group(con, group_a)
    b_users = (set(seqs["user_id"].to_list()) - a_users) if group_b is None else users_in_group(con, group_b)
    a, n_a = _cells(seqs, event, a_users)
    b, n_b = _cells(seqs, event, b_users)
    if not n_a or not n_b:
        raise UserLensError(f"Both groups need users who have {event!r}: group A has {n_a}, group B {n_b}.")
    joined = a.join(b, on=["event", "offset"], how="full", coalesce=True, suffix="_b")
    return (joined.select(
        "event", "offset",
        share_a=pl.col("users").fill_null(0) / n_a, share_b=pl.col("users_b").fill_null(0) / n_b)
        .with_columns(difference=pl.col("share_a") - pl.col("share_b"),
                      base_a=pl.lit(n_a, pl.Int64), base_b=pl.lit(n_b, pl.Int64))
        .sort("event", "offset"))
