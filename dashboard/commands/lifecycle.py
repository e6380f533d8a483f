"""`userlens lifecycle`: new / returning / resurrecting / dormant users per period."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, events_workspace


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--period", choices=["day", "week", "month"], default="week")
    p.add_argument("--wide", action="store_true", help="one row per period, one column per status")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.lifecycle import lifecycle
    from analytics.periods import resolve_settings

    ws = events_workspace(args)
    frame = lifecycle(ws.con, period=args.period)
    if args.wide and args.format != "json":  # JSON keeps the long shape
        frame = frame.pivot(on="status", index="period_start", values="users")
    tz, week_start = resolve_settings(ws.con)
    return emit(frame, args, {"period": args.period, "timezone": tz, "week_start": week_start,
                              "note": "dormant users are negative"})
