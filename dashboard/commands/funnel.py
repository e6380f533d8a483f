"""`userlens funnel --steps A,B,C`: ordered conversion funnel, with exclusions, optional steps and a
breakdown (DESIGN §4 "Funnel", "Funnel options"; the exact rules are in analytics/funnel.py).

    --exclude X          X anywhere between step 1 and the last step drops the attempt there
    --exclude X:2        ... only between step 2 and step 3
    --exclude X:1-3      ... between step 1 and step 3
    --optional B         step B (a name, or a position such as 2) may be skipped; repeat or comma-separate
    --breakdown attr:plan | prop:platform   one funnel per value (top --top values, the rest "(other)")
"""

from __future__ import annotations

import argparse

from dashboard.commands._common import (add_format_arg, add_workspace_arg, describe_from_docstring, emit,
                                       events_workspace)


def add_arguments(p: argparse.ArgumentParser) -> None:
    describe_from_docstring(p, __doc__)
    add_workspace_arg(p)
    p.add_argument("--steps", required=True, metavar="A,B,C", help="event names in order, comma-separated")
    p.add_argument("--window-days", type=float, default=14, help="conversion window from the step-1 event")
    p.add_argument("--exclude", action="append", default=[], metavar="X[:i[-j]]",
                   help="exclusion step: an X between step i and step j (default 1 to the last) drops the "
                   "attempt at the step before it; repeatable")
    p.add_argument("--optional", action="append", default=[], metavar="STEP",
                   help="a step (name or position, not the first or last) users may skip; repeatable")
    p.add_argument("--breakdown", metavar="attr:KEY|prop:KEY", default=None,
                   help="one funnel per value of a user attribute or of the step-1 event's property")
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="breakdown values with their own funnel; the rest are '(other)' (default 10)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.eventspec import require_events
    from analytics.funnel import funnel, parse_exclusion

    ws = events_workspace(args)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    optional = [o.strip() for item in args.optional for o in item.split(",") if o.strip()]
    exclusions = []
    if len(steps) >= 2:  # fewer: funnel() says that a funnel needs two steps
        exclusions = [parse_exclusion(x, len(steps)) for x in args.exclude]
        require_events(ws.con, steps, what="funnel step")
        require_events(ws.con, [x.event for x in exclusions], what="exclusion")
    frame = funnel(ws.con, steps=steps, window_days=args.window_days, exclude=exclusions, optional=optional,
                   breakdown=args.breakdown, top=args.top)
    meta: dict = {"steps": steps, "window_days": args.window_days}
    if exclusions:
        meta["exclude"] = [{"event": x.event, "from_step": x.from_step, "to_step": x.to_step}
                           for x in exclusions]
    if optional:
        meta["optional"] = optional
    if args.breakdown:
        meta.update(breakdown=args.breakdown, top=args.top)
    return emit(frame, args, meta)
