"""`userlens kano`: Kano categories, Better/Worse, Fong test and DuMouchel scores per feature."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)

TABLE_COLUMNS = ("feature", "n", "M", "O", "A", "I", "R", "Q", "category", "better", "worse", "fong_value",
                 "fong_threshold", "significant", "functional_score", "dysfunctional_score")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--table", choices=["standard", "pouliot"], default="standard",
                   help="evaluation table (pouliot: the same answer twice is Q, except neutral/neutral)")
    p.add_argument("--segment", metavar="COLUMN", default=None,
                   help="split by 'persona', 'cohort' (signup month) or a respondent attribute such as plan")
    p.add_argument("--tie-break-threshold", metavar="SHARE", type=float, default=None,
                   help="prefer M > O > A > I when the category strength is below this share (e.g. 0.05)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.kano import kano_json, kano_results

    ws = workspace_from(args)
    frame = kano_results(ws.con, table=args.table, segment=args.segment,
                         tie_break_threshold=args.tie_break_threshold)
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
