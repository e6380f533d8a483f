"""`userlens demo`: the bundled Tasklane sample in the dashboard, built on first use."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.commands._common import add_workspace_arg

DEMO_WORKSPACE = Path.home() / ".userlens" / "demo.duckdb"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` verb."""
    parser = sub.add_parser("demo", help="the dashboard on the bundled sample data",
                            description="Build the demo workspace (~/.userlens/demo.duckdb) from the bundled "
                                        "Tasklane sample if it is not there yet, then open the dashboard.")
    add_workspace_arg(parser)
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.set_defaults(func=run)


def ensure_demo(path: Path) -> bool:
    """Load the bundled sample into `path` unless it already holds events; True when it loaded."""
    from analytics.ingest import ingest_file
    from analytics.workspace import open_workspace
    from sample_data.demo import DEMO_KINDS, DISPLAY_NAMES, demo_files

    ws = open_workspace(path)
    if ws.row_counts()["events"] > 0:
        print(f"Demo workspace {path} is ready.", flush=True)
        return False
    files = demo_files()
    print(f"Building the demo workspace {path} from the bundled Tasklane sample ...", flush=True)
    for i, kind in enumerate(DEMO_KINDS, 1):
        result = ingest_file(ws, kind, files[kind], replace=True, display_name=DISPLAY_NAMES[kind])
        print(f"  [{i}/{len(DEMO_KINDS)}] {DISPLAY_NAMES[kind]}: {result.rows_loaded:,} rows loaded, "
              f"{result.rows_rejected:,} rejected", flush=True)
    ws.close()
    return True


def run(args: argparse.Namespace) -> int:
    """Build if needed, then serve until Ctrl+C."""
    from dashboard.server import serve

    path = Path(args.workspace).expanduser() if args.workspace else DEMO_WORKSPACE
    ensure_demo(path)
    return serve(path, args.port, open_browser=not args.no_browser)
