"""`userlens serve`: the dashboard on an existing workspace."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.workspace import DEFAULT_WORKSPACE
from dashboard.commands._common import add_workspace_arg


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `serve` verb."""
    parser = sub.add_parser("serve", help="open the dashboard on a workspace",
                            description="Open the UserLens dashboard in the browser on a workspace "
                                        "(localhost only; uploads up to 1 GB per file).")
    add_workspace_arg(parser)
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from dashboard.server import serve

    workspace = Path(args.workspace).expanduser() if args.workspace else DEFAULT_WORKSPACE
    return serve(workspace, args.port, open_browser=not args.no_browser)
