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

from analytics.queries import FunnelQuery
from dashboard.commands._common import (add_format_arg, add_workspace_arg, describe_from_docstring, emit,
                                       events_workspace)
from dashboard.commands._options import add_query_arguments, query_from_args


def add_arguments(p: argparse.ArgumentParser) -> None:
    describe_from_docstring(p, __doc__)
    add_workspace_arg(p)
    add_query_arguments(p, FunnelQuery, required=["steps"])  # every option, from its one declaration
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.eventspec import require_events
    from analytics.funnel import funnel, parse_exclusion

    ws = events_workspace(args)
    query = query_from_args(FunnelQuery, args)
    steps, optional = list(query.steps), list(query.optional)
    exclusions = []
    if len(steps) >= 2:  # fewer: funnel() says that a funnel needs two steps
        exclusions = [parse_exclusion(x, len(steps)) for x in query.exclude]
        require_events(ws.con, steps, what="funnel step")
        require_events(ws.con, [x.event for x in exclusions], what="exclusion")
    frame = funnel(ws.con, **{**query.params(), "exclude": exclusions})
    meta: dict = {"steps": steps, "window_days": args.window_days}
    if exclusions:
        meta["exclude"] = [{"event": x.event, "from_step": x.from_step, "to_step": x.to_step}
                           for x in exclusions]
    if optional:
        meta["optional"] = optional
    if query.breakdown:
        meta.update(breakdown=query.breakdown, top=query.top)
    return emit(frame, args, meta)
