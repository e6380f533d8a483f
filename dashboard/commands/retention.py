"""`userlens retention`: the cohort retention matrix (DESIGN §4, §8)."""

from __future__ import annotations

import argparse

import polars as pl

from analytics.periods import ensure_events
from analytics.retention import retention, retention_json, retention_percent
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retention", help="cohort retention matrix (counts or percentages)")
    add_workspace_arg(p)
    p.add_argument("--period", choices=["day", "week", "month"], default="week")
    p.add_argument("--cohort", choices=["first", "recurring"], default="first",
                   help="first: anchor on the first start event; recurring: every period with a start event")
    p.add_argument("--unbounded", action="store_true",
                   help="count a user in every period up to their latest return ('on or after')")
    p.add_argument("--window", choices=["calendar", "rolling"], default="calendar",
                   help="calendar periods in the workspace timezone, or exact 24 h / 7 d / 30 d after "
                   "the anchor")
    p.add_argument("--periods", type=int, default=8, metavar="N", help="periods after the cohort period")
    p.add_argument("--start-event", metavar="E", default=None, help="anchor event (default: any event)")
    p.add_argument("--return-event", metavar="E", default=None, help="return event (default: any event)")
    p.add_argument("--from", dest="date_from", metavar="DATE", default=None,
                   help="first anchor date (YYYY-MM-DD, local); anchors are still first events over all data")
    p.add_argument("--to", dest="date_to", metavar="DATE", default=None, help="last anchor date (inclusive)")
    p.add_argument("--percent", action="store_true", help="show cells as % of the cohort size")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    ensure_events(ws.con, f"the workspace {ws.path}")
    frame = retention(ws.con, period=args.period, cohort=args.cohort, unbounded=args.unbounded,
                      window=args.window, periods=args.periods, start_event=args.start_event,
                      return_event=args.return_event, date_from=args.date_from, date_to=args.date_to)
    if args.format == "json":
        print_json(retention_json(frame))
        return 0
    if args.percent:
        frame = retention_percent(frame)
        frame = frame.with_columns([pl.col(c).round(1) for c in frame.columns if c[0] == "p"])
    print_frame(frame, args.format)
    return 0
