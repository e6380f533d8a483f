"""`userlens serve`: the dashboard on an existing workspace."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `serve` options."""
    parser.add_argument("--workspace", metavar="PATH", default=None,
                        help="DuckDB workspace file (default: the last one opened in the dashboard, "
                             "else ~/.userlens/workspace.duckdb)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from dashboard.server import serve
    from dashboard.workspaces import default_workspace

    workspace = Path(args.workspace).expanduser() if args.workspace else default_workspace()
    return serve(workspace, args.port, open_browser=not args.no_browser)
