"""`userlens correlate --target funnel:A,B,C | retained:k`: what predicts conversion or retention
(DESIGN §4 "Correlation"; the rules are in analytics/correlation.py).

Lists the strongest positive and negative signals among event names and attribute values: odds ratio
with its 95 % CI (Woolf; 0.5 added to every cell when one is zero) and the share of users behind it.
--format json prints {"target", "population", "successes", "positive": [...], "negative": [...]}.
"""

from __future__ import annotations

import argparse

from dashboard.commands._common import (add_format_arg, add_workspace_arg, describe_from_docstring,
                                       events_workspace, print_frame, print_json)

COLUMNS = ["kind", "feature", "users", "share", "success_with", "success_without", "odds_ratio", "ci_low",
           "ci_high", "significant"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    describe_from_docstring(p, __doc__)
    add_workspace_arg(p)
    p.add_argument("--target", required=True, metavar="funnel:A,B,C|retained:k",
                   help="converted through a funnel, or active in week k after the first week")
    p.add_argument("--window-days", type=float, default=14, help="funnel conversion window (default 14)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="signals listed each way (default 10)")
    p.add_argument("--min-users", type=int, default=5, metavar="N",
                   help="leave out events and values fewer users have (default 5)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from analytics.correlation import correlation, correlation_json, strongest, target_users

    ws = events_workspace(args)
    pop = target_users(ws.con, target=args.target, window_days=args.window_days)
    frame = correlation(ws.con, target=args.target, window_days=args.window_days, min_users=args.min_users,
                        population=pop)
    population, successes = pop.height, int(pop["success"].sum())
    if args.format == "json":
        print_json(correlation_json(frame, target=args.target, population=population, successes=successes,
                                    n=args.top))
        return 0
    pos, neg = strongest(frame, args.top)
    if args.format == "csv":
        both = [pos.select(COLUMNS).with_columns(direction=pl.lit("positive")),
                neg.select(COLUMNS).with_columns(direction=pl.lit("negative"))]
        print_frame(pl.concat(both).select("direction", *COLUMNS), "csv")
        return 0
    print(f"{args.target}: {successes:,} of {population:,} users succeeded ({successes / population:.1%}).")
    print("Strongest positive signals:")
    print_frame(pos.select(COLUMNS), "table")
    print("Strongest negative signals:")
    print_frame(neg.select(COLUMNS), "table")
    return 0
