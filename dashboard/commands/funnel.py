"""`userlens funnel --steps A,B,C`: ordered conversion funnel."""

from __future__ import annotations

import argparse

from analytics.funnel import funnel
from analytics.periods import ensure_events
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("funnel", help="ordered conversion funnel over event names")
    add_workspace_arg(p)
    p.add_argument("--steps", required=True, metavar="A,B,C", help="event names in order, comma-separated")
    p.add_argument("--window-days", type=float, default=14, help="conversion window from the step-1 event")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    ensure_events(ws.con, f"the workspace {ws.path}")
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    frame = funnel(ws.con, steps=steps, window_days=args.window_days)
    if args.format == "json":
        print_json({"rows": frame.to_dicts(), "meta": {"steps": steps, "window_days": args.window_days}})
        return 0
    print_frame(frame, args.format)
    return 0
