"""`userlens demo`: the bundled Tasklane sample in the dashboard, built on first use.

The first start loads the sample and runs personas, themes and requirement linking with the
bundled model (`sample_data.demo.ensure_demo`, whose progress this verb prints), so every page has
something to show; later starts find the runs in the workspace and open at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO


DEMO_WORKSPACE = Path.home() / ".userlens" / "demo.duckdb"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `demo` options."""
    parser.add_argument("--workspace", metavar="PATH", default=None,
                        help="DuckDB workspace file (default ~/.userlens/demo.duckdb)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")


class ProgressPrinter:
    """A `sample_data.demo.Progress` that prints each line, and "Embedding 3,192 feedback texts … 45 %".

    On a terminal a counted line is rewritten in place; otherwise (logs, tests) it is printed at
    every `step` percent and at the end, so a slow first start shows that it is working.
    """

    def __init__(self, *, step: int = 10, stream: TextIO | None = None) -> None:
        self.step = step
        self.stream = stream or sys.stdout
        self.counting: str | None = None  # the message of the counted line being shown
        self.last = -1

    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None:
        if done is None or total is None:
            self.counting = None
            print(message, file=self.stream, flush=True)
            return
        if message != self.counting:
            self.counting, self.last = message, -1
        pct = 100 if total <= 0 else min(100, int(100 * done / total))
        tty = self.stream.isatty()
        if pct == self.last or (not tty and pct < 100 and pct // self.step == self.last // self.step):
            return
        self.last = pct
        line = f"  {message} … {pct} %"
        if tty:
            print("\r" + line, end="\n" if pct == 100 else "", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)


def run(args: argparse.Namespace) -> int:
    """Build if needed, then serve until Ctrl+C."""
    from dashboard.server import serve
    from sample_data.demo import ensure_demo

    path = Path(args.workspace).expanduser() if args.workspace else DEMO_WORKSPACE
    ensure_demo(path, progress=ProgressPrinter())
    return serve(path, args.port, open_browser=not args.no_browser)
