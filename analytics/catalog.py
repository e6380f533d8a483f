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


def event_property_keys(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The keys of ``events.properties`` that hold a value (platform, campaign, ...), for breakdown pickers.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.

    Returns
    -------
    polars.DataFrame
        ``key``, ``events`` (events with a value, among a sample of up to 200,000); most common first.
    """
    return run_sql(con, "event_property_keys")


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


#: The data kinds each kind of analysis run reads; a run is stale when rows of these arrived after it.
RUN_INPUTS: dict[str, tuple[str, ...]] = {
    "personas": ("events", "users", "feedback"),
    "themes": ("feedback",),
    "evidence": ("requirements", "feedback"),
    "intents": ("feedback",),
}
DATA_KINDS = ("events", "users", "feedback", "kano", "requirements")


def run_freshness(con: duckdb.DuckDBPyConnection, kind: str) -> pl.DataFrame:
    """What was loaded after the latest analysis run of `kind`, per data kind it reads (`RUN_INPUTS`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    kind : str
        The run kind ('personas', 'themes', 'evidence', 'intents', ...); a kind not in `RUN_INPUTS`
        is taken to read every kind of data.

    Returns
    -------
    polars.DataFrame
        ``data_kind``, ``new_rows`` (rows loaded since the run), ``files``; one row per data kind with
        new rows, empty when the run is up to date or there is no run of that kind.
    """
    return run_sql(con, "run_freshness", kind=kind, inputs=list(RUN_INPUTS.get(kind, DATA_KINDS)))


MAX_GROUPS = 20
#: Attribute names that usually hold an experiment or segment assignment (the default grouping).
GROUP_NAMES = ("variant", "experiment", "group", "arm", "treatment", "bucket", "segment", "cohort", "plan")


def user_attribute_profile(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """What each ``users.attributes`` key can be used for.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.

    Returns
    -------
    polars.DataFrame
        ``key``, ``users`` (with a value), ``users_with_events`` (of those, users with at least one
        event), ``values_with_events`` (distinct values among them), ``numeric_values`` (values that
        read as a number or true/false/yes/no), ``all_values``; sorted by key.
    """
    return run_sql(con, "user_attribute_profile")


def group_keys(profile: pl.DataFrame) -> list[str]:
    """Attribute keys that split the users with events into 2 to `MAX_GROUPS` groups, best first.

    Keys named like an assignment (`GROUP_NAMES`) come first, then other text keys, then numeric
    keys (a numeric column such as ``retention_1`` is a measure, not a grouping, so it is never
    the first choice).

    Parameters
    ----------
    profile : polars.DataFrame
        `user_attribute_profile` of the workspace.

    Returns
    -------
    list of str
    """
    usable = profile.filter(pl.col("values_with_events").is_between(2, MAX_GROUPS))

    def rank(row: dict) -> tuple[int, int, str]:
        key = str(row["key"])
        numeric = row["numeric_values"] == row["all_values"]
        named = key.lower() in GROUP_NAMES
        order = GROUP_NAMES.index(key.lower()) if named else len(GROUP_NAMES)
        return (2 if numeric and not named else 0 if named else 1, order, key.lower())

    return [str(r["key"]) for r in sorted(usable.iter_rows(named=True), key=rank)]


def default_group(profile: pl.DataFrame) -> str | None:
    """The grouping a comparison opens on: the first of `group_keys` unless it is numeric (then none)."""
    for key in group_keys(profile):
        row = profile.filter(pl.col("key") == key).row(0, named=True)
        if row["numeric_values"] < row["all_values"] or key.lower() in GROUP_NAMES:
            return key
    return None


def metric_keys(profile: pl.DataFrame, *, exclude: str | None = None) -> list[str]:
    """Attribute keys whose every value is a number or a boolean: usable as a per-user metric.

    Parameters
    ----------
    profile : polars.DataFrame
        `user_attribute_profile` of the workspace.
    exclude : str, optional
        The key the users are grouped by (never also the metric).

    Returns
    -------
    list of str
    """
    numeric = profile.filter((pl.col("numeric_values") == pl.col("all_values")) & (pl.col("all_values") > 0)
                             & (pl.col("key") != (exclude or "")))
    return [str(k) for k in numeric["key"].to_list()]
