"""`userlens funnel --steps A,B,C`: ordered conversion funnel."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, events_workspace


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--steps", required=True, metavar="A,B,C", help="event names in order, comma-separated")
    p.add_argument("--window-days", type=float, default=14, help="conversion window from the step-1 event")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.funnel import funnel

    ws = events_workspace(args)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    frame = funnel(ws.con, steps=steps, window_days=args.window_days)
    return emit(frame, args, {"steps": steps, "window_days": args.window_days})
