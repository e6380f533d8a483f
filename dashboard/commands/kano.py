"""`userlens kano`: Kano categories, Better/Worse, Fong test and DuMouchel scores per feature."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from analytics.queries import KanoQuery
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)
from dashboard.commands._options import add_query_arguments, query_from_args

TABLE_COLUMNS = ("feature", "n", "M", "O", "A", "I", "R", "Q", "category", "better", "worse", "fong_value",
                 "fong_threshold", "significant", "functional_score", "dysfunctional_score")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    add_query_arguments(p, KanoQuery)  # every option, from its one declaration
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.kano import kano_json

    ws = workspace_from(args)
    frame = query_from_args(KanoQuery, args).run(ws.con)
    if frame.is_empty():
        raise UserLensError(f"No Kano answers in the workspace {ws.path}: load a survey first with "
                            "`userlens ingest kano FILE`.")
    if args.format == "json":
        print_json(kano_json(frame))
        return 0
    columns = (["segment"] if args.segment else []) + list(TABLE_COLUMNS)
    shown = frame.select(columns) if args.format == "table" else frame
    if args.format == "table":
        shown = shown.with_columns([shown[c].round(3) for c in ("better", "worse", "fong_threshold",
                                                                "functional_score", "dysfunctional_score")])
    print_frame(shown, args.format)
    return 0
