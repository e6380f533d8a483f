"""What a workspace holds, for pickers: event names, user attribute keys, evidence behind a requirement."""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.sqlfiles import run_sql


def event_names(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every event name, most frequent first.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.

    Returns
    -------
    polars.DataFrame
        ``event``, ``events`` (rows), ``users`` (distinct users); empty without events.
    """
    return run_sql(con, "event_names")


def user_attribute_keys(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The keys of ``users.attributes`` (plan, country, variant, ...).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.

    Returns
    -------
    polars.DataFrame
        ``key``, ``users`` (users having it), ``distinct_values``; sorted by key.
    """
    return run_sql(con, "user_attribute_keys")


def evidence_quotes(con: duckdb.DuckDBPyConnection, req_id: str) -> pl.DataFrame:
    """The feedback matched to one requirement by the latest linking run.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    req_id : str
        Requirement id as in the backlog.

    Returns
    -------
    polars.DataFrame
        ``feedback_id``, ``user_id``, ``similarity``, ``ts``, ``rating``, ``channel``, ``text``, most
        similar first; empty when nothing matched or no linking run exists.
    """
    return run_sql(con, "evidence_quotes", req_id=req_id)


def kano_segment_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Attribute keys a Kano result can be split by (besides 'persona' and 'cohort').

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.

    Returns
    -------
    list of str
        Keys of the respondents' own attributes and of the linked users' attributes, sorted.
    """
    return run_sql(con, "kano_attribute_keys")["key"].to_list()
