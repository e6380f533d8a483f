"""`userlens lifecycle`: new / returning / resurrecting / dormant users per period."""

from __future__ import annotations

import argparse

from analytics.lifecycle import lifecycle
from analytics.periods import ensure_events, resolve_settings
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lifecycle", help="new, returning, resurrecting and dormant users per period")
    add_workspace_arg(p)
    p.add_argument("--period", choices=["day", "week", "month"], default="week")
    p.add_argument("--wide", action="store_true", help="one row per period, one column per status")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    ensure_events(ws.con, f"the workspace {ws.path}")
    frame = lifecycle(ws.con, period=args.period)
    if args.format == "json":
        tz, week_start = resolve_settings(ws.con)
        print_json({"rows": frame.to_dicts(),
                    "meta": {"period": args.period, "timezone": tz, "week_start": week_start,
                             "note": "dormant users are negative"}})
        return 0
    if args.wide:
        frame = frame.pivot(on="status", index="period_start", values="users")
    print_frame(frame, args.format)
    return 0
