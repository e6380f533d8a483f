"""`userlens settings`: show or set the workspace timezone and week start."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, print_json, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--timezone", metavar="TZ", help="IANA timezone for every period computation")
    p.add_argument("--week-start", choices=["monday", "sunday"])
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    if args.timezone:
        ws.set_setting("timezone", args.timezone)
    if args.week_start:
        ws.set_setting("week_start", args.week_start)
    values = {"workspace": ws.path, **ws.settings()}
    if args.format == "json":
        print_json(values)
    else:
        for key, value in values.items():
            print(f"{key:12} {value}")
    return 0
