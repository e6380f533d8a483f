"""`userlens serve`: the dashboard on an existing workspace."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.workspace import DEFAULT_WORKSPACE
from dashboard.commands._common import add_workspace_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `serve` options."""
    add_workspace_arg(parser)
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from dashboard.server import serve

    workspace = Path(args.workspace).expanduser() if args.workspace else DEFAULT_WORKSPACE
    return serve(workspace, args.port, open_browser=not args.no_browser)
