"""`userlens serve`: the dashboard on an existing workspace."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `serve` verb."""
    parser = sub.add_parser("serve", help="open the dashboard on a workspace",
                            description="Open the UserLens dashboard in the browser on a workspace "
                                        "(localhost only; uploads up to 1 GB per file).")
    parser.add_argument("--workspace", metavar="PATH", default=None,
                        help="DuckDB workspace file (default: the last one opened in the dashboard, "
                             "else ~/.userlens/workspace.duckdb)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from dashboard.server import serve
    from dashboard.workspaces import default_workspace

    workspace = Path(args.workspace).expanduser() if args.workspace else default_workspace()
    return serve(workspace, args.port, open_browser=not args.no_browser)
