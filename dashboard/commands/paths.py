"""`userlens paths (--start E | --end E)`: user journeys from or to an event (DESIGN §4 "Paths", §8).

--format json prints {"paths": [{"path": [...], "users": n}], "edges": [{"step", "source", "target",
"users"}]}: every distinct path (most users first, then by path) and the Sankey edges (step 1 touches E;
source is the earlier event). Table and CSV print the top paths with their share of users, or the
edges with --edges.
"""

from __future__ import annotations

import argparse

from dashboard.commands._common import (add_format_arg, add_workspace_arg, describe_from_docstring,
                                       events_workspace, print_frame, print_json)


def add_arguments(p: argparse.ArgumentParser) -> None:
    describe_from_docstring(p, __doc__)
    add_workspace_arg(p)
    anchor = p.add_mutually_exclusive_group(required=True)
    anchor.add_argument("--start", metavar="E", help="paths from each user's first E onwards, in its session")
    anchor.add_argument("--end", metavar="E", help="paths leading up to each user's first E, in its session")
    p.add_argument("--steps", type=int, default=5, metavar="N",
                   help="events per path, E included (2-20; default 5)")
    p.add_argument("--group", action="append", default=[], metavar="REGEX=NAME",
                   help="rename events matching REGEX to NAME before the paths (first matching rule wins); "
                   "repeatable")
    p.add_argument("--edges", action="store_true",
                   help="table/csv: print the Sankey edges instead of the paths")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="table/csv: at most N rows (default 20 for a table, all for csv)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.paths import path_edges, paths, paths_json, top_paths_table

    ws = events_workspace(args)
    frame = paths(ws.con, start=args.start, end=args.end, steps=args.steps, groups=args.group)
    edges = path_edges(frame, anchor="start" if args.start else "end")
    if args.format == "json":
        print_json(paths_json(frame, edges))
        return 0
    limit = args.limit if args.limit is not None else (20 if args.format == "table" else None)
    if args.edges:
        print_frame(edges.head(limit) if limit else edges, args.format)
    else:
        print_frame(top_paths_table(frame, limit=limit), args.format)
    return 0
