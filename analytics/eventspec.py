"""Shared input rules of the journey metrics: event-name checks, grouping rules, breakdown specs.

- A grouping rule ``REGEX=NAME`` renames every event whose name the regular expression matches
  *anywhere* (search semantics, as Python's ``re.search``; anchor it with ``^...$`` for a whole-name
  match). Rules are tried in the order given and the first match wins; names no rule matches stay.
  The regular expression is compiled by DuckDB (RE2 syntax), the engine that applies it.
- A breakdown is ``attr:KEY`` (a key of ``users.attributes``) or ``prop:KEY`` (an event property).
- A group of users (step-matrix comparisons) is ``attr:KEY=VALUE`` or ``prop:KEY=VALUE``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql

BREAKDOWN_KINDS = ("attr", "prop")
OTHER = "(other)"  # the bucket of the values outside the top N of a breakdown
NONE = "(none)"  # users without a value for the breakdown key


@dataclass(frozen=True)
class GroupRule:
    """One event grouping rule: events whose name matches `pattern` are renamed to `name`."""

    pattern: str
    name: str


def parse_group_rule(text: str) -> GroupRule:
    """``REGEX=NAME`` -> GroupRule; the last ``=`` separates them (a regex may contain ``=``)."""
    pattern, sep, name = str(text).rpartition("=")
    if not sep or not pattern or not name.strip():
        raise UserLensError(f"The grouping rule {text!r} is not REGEX=NAME: write it like "
                            "--group '^task_=task' (events matching the regex are renamed to NAME).")
    return GroupRule(pattern, name.strip())


def group_rules(rules: Iterable[GroupRule | str] | None) -> list[GroupRule]:
    """Rules from GroupRule objects or ``REGEX=NAME`` strings, in order."""
    return [r if isinstance(r, GroupRule) else parse_group_rule(r) for r in rules or []]


def check_group_rules(con: duckdb.DuckDBPyConnection, rules: Sequence[GroupRule]) -> None:
    """Raise a UserLensError naming the first rule whose regular expression does not compile."""
    for rule in rules:
        try:
            con.execute("SELECT regexp_matches('', $pattern)", {"pattern": rule.pattern}).fetchall()
        except duckdb.Error as exc:
            reason = str(exc).split(":", 1)[-1].strip()
            raise UserLensError(f"The grouping rule {rule.pattern!r}={rule.name!r} is not a valid regular "
                                f"expression ({reason}): fix it, or escape special characters with a "
                                "backslash.") from exc


def rule_params(rules: Sequence[GroupRule]) -> dict[str, list[str]]:
    """SQL parameters ``$patterns`` and ``$names`` of the grouping rules."""
    return {"patterns": [r.pattern for r in rules], "names": [r.name for r in rules]}


def grouped_event_names(con: duckdb.DuckDBPyConnection, rules: Sequence[GroupRule] = ()) -> list[str]:
    """Every event name after grouping, most frequent first (a rule that does not compile: one sentence)."""
    check_group_rules(con, rules)
    return run_sql(con, "grouped_event_names", **rule_params(rules))["name"].to_list()


def require_events(con: duckdb.DuckDBPyConnection, names: Iterable[str], *,
                   rules: Sequence[GroupRule] = (), what: str = "event") -> None:
    """Raise a UserLensError for the first name that no event has (after grouping `rules`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    names : iterable of str
        The names a metric was asked for.
    rules : sequence of GroupRule
        Grouping rules applied before the check (a grouped name is then the name to use).
    what : str
        What the names are, for the message ("step", "start event" ...).
    """
    wanted = [n for n in dict.fromkeys(names) if n]
    if not wanted:
        return
    known = grouped_event_names(con, rules)
    have = set(known)
    for name in wanted:
        if name not in have:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known names include {', '.join(known[:5])}."
            grouped = " after grouping" if rules else ""
            raise UserLensError(f"No event is named {name!r}{grouped} (the {what}): {hint}")


def json_path(key: str) -> str:
    """A JSONPath for one key, quoted (the key comes from the user)."""
    return "$." + json.dumps(key, ensure_ascii=False)


@dataclass(frozen=True)
class Breakdown:
    """A breakdown dimension: ``kind`` 'attr' (users.attributes) or 'prop' (event property), and the key."""

    kind: str
    key: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.key}"


def parse_breakdown(text: str | Breakdown | None) -> Breakdown | None:
    """``attr:KEY`` / ``prop:KEY`` -> Breakdown; None or '' -> None."""
    if text is None or isinstance(text, Breakdown):
        return text
    if not str(text).strip():
        return None
    kind, sep, key = str(text).strip().partition(":")
    if not sep or kind not in BREAKDOWN_KINDS or not key.strip():
        raise UserLensError(f"The breakdown {text!r} is not attr:KEY or prop:KEY: write --breakdown "
                            "attr:plan for a user attribute or --breakdown prop:platform for an event "
                            "property.")
    return Breakdown(kind, key.strip())


def breakdown_params(breakdown: Breakdown | None) -> dict[str, str]:
    """SQL parameters ``$bd_kind`` ('none' | 'attr' | 'prop') and ``$bd_path``."""
    if breakdown is None:
        return {"bd_kind": "none", "bd_path": "$._"}
    return {"bd_kind": breakdown.kind, "bd_path": json_path(breakdown.key)}


def parse_user_group(text: str) -> tuple[Breakdown, str]:
    """``attr:KEY=VALUE`` / ``prop:KEY=VALUE`` -> (Breakdown, value)."""
    spec, sep, value = str(text).partition("=")
    if not sep:
        raise UserLensError(f"The group {text!r} is not attr:KEY=VALUE or prop:KEY=VALUE "
                            "(e.g. attr:plan=pro).")
    breakdown = parse_breakdown(spec)
    assert breakdown is not None
    return breakdown, value
