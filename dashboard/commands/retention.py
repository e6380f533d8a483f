"""`userlens retention`: the cohort retention matrix (DESIGN §4, §8), optionally one per breakdown value.

    --breakdown attr:plan | prop:platform   one matrix per value (top --top values, the rest "(other)");
                                            JSON: {"breakdowns": [{"value", "rows": [...]}]}
"""

from __future__ import annotations

import argparse

from analytics.queries import RetentionQuery
from dashboard.commands._common import (add_format_arg, add_workspace_arg, describe_from_docstring, emit,
                                       events_workspace, print_json)
from dashboard.commands._options import add_query_arguments, query_from_args


def add_arguments(p: argparse.ArgumentParser) -> None:
    describe_from_docstring(p, __doc__)
    add_workspace_arg(p)
    add_query_arguments(p, RetentionQuery)  # every metric option, from its one declaration
    # argparse %-formats help strings: a literal percent sign is written %%.
    p.add_argument("--percent", action="store_true", help="show cells as %% of the cohort size")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from analytics.names import period_columns
    from analytics.retention import retention_json, retention_percent

    ws = events_workspace(args)
    query = query_from_args(RetentionQuery, args)
    frame = query.run(ws.con)
    if args.format == "json":  # DESIGN §8's own shape, not {"rows", "meta"}
        if query.breakdown is None:
            print_json(retention_json(frame))
        else:
            print_json({"breakdown": query.breakdown, "top": query.top, "breakdowns": [
                {"value": value, **retention_json(part.drop("breakdown"))}
                for (value,), part in frame.group_by("breakdown", maintain_order=True)]})
        return 0
    if args.percent:
        frame = retention_percent(frame)
        frame = frame.with_columns([pl.col(c).round(1) for c in period_columns(frame)])
    return emit(frame, args)
