"""The metric declarations (DESIGN §9): each metric is declared once, and the CLI, the pages and the cache
key all come from that one declaration."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.errors import UserLensError
from analytics.queries import QUERIES, FunnelQuery, KanoQuery, PrioritiseQuery, RetentionQuery
from analytics.query import flag_of, option
from analytics.workspace import Workspace
from dashboard.cli import build_parser, verb_parsers
from dashboard.commands._options import add_query_arguments, query_from_args

SQL_DIR = Path(__file__).resolve().parents[2] / "analytics" / "sql"
# Bookkeeping and derived tables: versioned through the tables they are built from (events).
BOOKKEEPING = {"activity", "activity_builds", "table_versions", "schema_migrations"}
VERBS = {RetentionQuery: "retention", FunnelQuery: "funnel", KanoQuery: "kano", PrioritiseQuery: "prioritise"}


def _tables_read(sql: str, tables: set[str]) -> set[str]:
    """Workspace tables named after FROM or JOIN in a SQL text (CTE names are not workspace tables)."""
    return {m.lower() for m in re.findall(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)", sql, re.I)} & tables


@pytest.mark.parametrize("cls", QUERIES, ids=lambda c: c.NAME)
def test_a_declaration_lists_exactly_the_tables_its_sql_reads(cls) -> None:
    ws = Workspace(":memory:")
    try:
        tables = {r[0] for r in ws.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    finally:
        ws.close()
    read: set[str] = set()
    for name in cls.SQL:
        read |= _tables_read((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"), tables)
    assert read - BOOKKEEPING == set(cls.TABLES)


@pytest.mark.parametrize("cls", QUERIES, ids=lambda c: c.NAME)
def test_the_cli_flags_are_the_declared_options(cls) -> None:
    parser = verb_parsers(build_parser())[VERBS[cls]]
    actions = {a.dest: a for a in parser._actions}
    for name, opt in cls.options().items():
        action = actions[name]
        assert flag_of(name, opt) in action.option_strings
        if opt.choices is not None and opt.kind is str:
            assert list(action.choices) == list(opt.choices)
            assert action.default == opt.default


@pytest.mark.parametrize(("options", "match"), [
    ({"period": "year"}, "period must be one of day, week, month"),
    ({"cohort": "last"}, "cohort must be one of first, recurring"),
    ({"periods": 401}, "periods must be a whole number from 0 to 400"),
    ({"periods": 2.5}, "periods must be a whole number"),
    ({"top": 0}, "top N values"),
    ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date range is empty"),
    ({"date_from": "first of May"}, "YYYY-MM-DD"),
    ({"breakdown": "plan"}, "attr:KEY or prop:KEY"),
])
def test_retention_options_are_validated_when_the_query_is_built(options: dict, match: str) -> None:
    with pytest.raises(UserLensError, match=match):
        RetentionQuery(**options)


def test_other_declarations_validate_their_values() -> None:
    with pytest.raises(UserLensError, match="between 0 and 1"):
        KanoQuery(tie_break_threshold=1.5)
    with pytest.raises(UserLensError, match="Unknown prioritisation method 'moscow'"):
        PrioritiseQuery(method="moscow")
    with pytest.raises(UserLensError, match="window_days must be from 0"):
        FunnelQuery(steps=("a", "b"), window_days=-1)
    assert RetentionQuery(period="WEEK", start_event="").params()["start_event"] is None
    assert PrioritiseQuery(weights={"reach": 2}).params()["weights"] == {"reach": 2.0}
    with pytest.raises(UserLensError, match="weights must map names to numbers"):
        PrioritiseQuery(weights={"reach": "lots"})


def test_an_option_added_to_the_declaration_reaches_the_cli() -> None:
    @dataclass(frozen=True)
    class Extended(RetentionQuery):
        granularity: str = option("coarse", choices=("coarse", "fine"), help="a new option")

    parser = argparse.ArgumentParser()
    add_query_arguments(parser, Extended)
    args = parser.parse_args(["--granularity", "fine", "--period", "month", "--breakdown", "attr:plan"])
    query = query_from_args(Extended, args)
    assert (query.granularity, query.period, query.breakdown, query.top) == ("fine", "month", "attr:plan", 10)
    with pytest.raises(SystemExit):
        parser.parse_args(["--granularity", "medium"])


def test_list_and_pair_options_from_the_command_line() -> None:
    parser = argparse.ArgumentParser()
    add_query_arguments(parser, FunnelQuery)
    args = parser.parse_args(["--steps", "a, b,c", "--optional", "b", "--exclude", "x:1-2", "--exclude", "y"])
    assert query_from_args(FunnelQuery, args).params() | {} == {
        "steps": ["a", "b", "c"], "window_days": 14.0, "exclude": ["x:1-2", "y"], "optional": ["b"],
        "breakdown": None, "top": 10}
    parser = argparse.ArgumentParser()
    add_query_arguments(parser, PrioritiseQuery)
    q = query_from_args(PrioritiseQuery, parser.parse_args(["--weight", "reach=2", "--no-evidence"]))
    assert (q.params()["weights"], q.use_evidence) == ({"reach": 2.0}, False)
