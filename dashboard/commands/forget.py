"""`userlens forget USER_ID`: remove one user from every table of a workspace (right to erasure)."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_workspace_arg, print_json, workspace_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `forget` options."""
    parser.add_argument("user_id", help="the user id as in the source data")
    add_workspace_arg(parser)
    parser.add_argument("--format", choices=["table", "json"], default="table")


def run(args: argparse.Namespace) -> int:
    """Forget the user and print the rows removed per table."""
    from analytics.datamgmt import forget_user

    removed = forget_user(workspace_from(args), args.user_id)
    if args.format == "json":
        print_json({"user_id": args.user_id, "removed": removed})
    else:
        total = sum(removed.values())
        print(f"Forgot user {args.user_id!r}: {total:,} rows removed.")
        for table, n in removed.items():
            if n:
                print(f"  {table}: {n:,}")
    return 0
