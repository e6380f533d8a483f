"""`userlens retention`: the cohort retention matrix (DESIGN §4, §8)."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, events_workspace, print_json


def add_arguments(p: argparse.ArgumentParser) -> None:
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
    # argparse %-formats help strings: a literal percent sign is written %%.
    p.add_argument("--percent", action="store_true", help="show cells as %% of the cohort size")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from analytics.retention import retention, retention_json, retention_percent

    ws = events_workspace(args)
    frame = retention(ws.con, period=args.period, cohort=args.cohort, unbounded=args.unbounded,
                      window=args.window, periods=args.periods, start_event=args.start_event,
                      return_event=args.return_event, date_from=args.date_from, date_to=args.date_to)
    if args.format == "json":
        print_json(retention_json(frame))  # DESIGN §8's own shape, not {"rows", "meta"}
        return 0
    if args.percent:
        frame = retention_percent(frame)
        frame = frame.with_columns([pl.col(c).round(1) for c in frame.columns if c[0] == "p"])
    return emit(frame, args)
