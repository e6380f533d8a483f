"""`userlens cohorts --by ...`: cohort scoring with the engagement score and its formula."""

from __future__ import annotations

import argparse
import sys

from analytics.cohorts import ENGAGEMENT_SCORE_FORMULA, cohort_scores
from analytics.periods import ensure_events
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cohorts", help="score cohorts: size, retention 1/4/12, active days, engagement score")
    add_workspace_arg(p)
    p.add_argument("--by", default="signup_week", metavar="signup_week|signup_month|persona|attr:NAME")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    ensure_events(ws.con, f"the workspace {ws.path}")
    frame = cohort_scores(ws.con, by=args.by)
    if args.format == "json":
        meta = {"by": args.by, "engagement_score_formula": ENGAGEMENT_SCORE_FORMULA}
        print_json({"rows": frame.to_dicts(), "meta": meta})
        return 0
    print_frame(frame, args.format)
    if args.format == "table":
        print(ENGAGEMENT_SCORE_FORMULA, file=sys.stderr)
    return 0
