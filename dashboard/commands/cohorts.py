"""`userlens cohorts --by ...`: cohort scoring with the engagement score and its formula."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, events_workspace


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--by", default="signup_week", metavar="signup_week|signup_month|persona|attr:NAME")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.cohorts import ENGAGEMENT_SCORE_FORMULA, cohort_scores

    ws = events_workspace(args)
    frame = cohort_scores(ws.con, by=args.by)
    meta = {"by": args.by, "engagement_score_formula": ENGAGEMENT_SCORE_FORMULA}
    return emit(frame, args, meta, note=ENGAGEMENT_SCORE_FORMULA)
