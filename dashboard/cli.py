"""The `userlens` command line (DESIGN §8).

Each verb lives in its own module in dashboard/commands/ exposing
`register(subparsers) -> None` which adds its parser and sets `func=run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from analytics.errors import UserLensError
from dashboard import commands


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every verb found in dashboard/commands/."""
    parser = argparse.ArgumentParser(
        prog="userlens",
        description="UserLens: product analytics and user insight on your own machine.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"dashboard.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse, run, and turn known errors into one actionable line on stderr."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserLensError as exc:
        print(f"userlens {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
