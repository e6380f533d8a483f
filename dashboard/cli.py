"""The `userlens` command line (DESIGN §8).

The verbs are listed in `dashboard.commands.VERBS`; a verb's module (``add_arguments(parser)``,
``run(args) -> int``) is imported only when that verb is chosen, so `userlens --help` starts
without loading scikit-learn, torch or plotly.

Exit status: 0 done; 2 a problem the person can fix (bad input, bad option: one sentence on
stderr); 3 an unexpected error (a bug: one sentence on stderr naming the log file that holds the
traceback); 130 interrupted. Output cut short by a closed pipe (``| head``) ends quietly with 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dashboard.commands import VERBS, Verb

USER_ERROR = 2
INTERNAL_ERROR = 3
LOG_DIR = Path.home() / ".userlens" / "logs"
KEEP_LOGS = 50


class _VerbParsers(argparse._SubParsersAction):
    """Sub-parsers that get their verb's options only when argparse dispatches to them."""

    verbs: dict[str, Verb]

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Sequence[Any], option_string: str | None = None) -> None:
        if values and values[0] in self.verbs:
            load_verb(self._name_parser_map[values[0]], self.verbs[values[0]])
        super().__call__(parser, namespace, values, option_string)


def load_verb(parser: argparse.ArgumentParser, verb: Verb) -> argparse.ArgumentParser:
    """Import `verb`'s module and add its options to its (so far empty) sub-parser, once."""
    if parser.get_default("func") is None:
        module = importlib.import_module(verb.import_path)
        module.add_arguments(parser)
        parser.set_defaults(func=module.run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: every verb of `VERBS`, each loaded when it is chosen."""
    parser = argparse.ArgumentParser(
        prog="userlens",
        description="UserLens: product analytics and user insight on your own machine.",
        epilog="`userlens COMMAND --help` shows a command's options. Exit status: 0 done, 2 a problem "
               "with the input or the options (the message says what to do), 3 an unexpected error "
               "(the message names a log file with the details).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_VerbParsers)
    sub.verbs = {verb.name: verb for verb in VERBS}
    for verb in VERBS:
        sub.add_parser(verb.name, help=verb.help, description=verb.description or verb.help)
    return parser


def verb_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every verb's sub-parser with its options loaded (tests and docs walk these)."""
    sub = next(a for a in parser._actions if isinstance(a, _VerbParsers))
    return {name: load_verb(p, sub.verbs[name]) for name, p in sub.choices.items()}


def write_crash_log(command: str, argv: Sequence[str]) -> Path:
    """Write the exception being handled, with the command line, to a new file under ~/.userlens/logs.

    Falls back to the temporary folder when the home folder is not writable; keeps the newest
    `KEEP_LOGS` logs. Raises OSError when no folder can be written.
    """
    import tempfile

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"userlens {' '.join(argv)}\npython {sys.version.split()[0]} on {sys.platform}\n\n"
            + traceback.format_exc())
    error: OSError | None = None
    for folder in (LOG_DIR, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"userlens-{stamp}-{command}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            error = exc
            continue
        for old in sorted(folder.glob("userlens-*.log"))[:-KEEP_LOGS]:
            old.unlink(missing_ok=True)
        return path
    raise error or OSError("no writable folder for the log")


def _unexpected(command: str, argv: Sequence[str], exc: BaseException) -> int:
    """One sentence on stderr for a bug, with the traceback in a log file."""
    first_line = (str(exc).splitlines() or [""])[0][:200]
    what = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    try:
        where = f"with the log file {write_crash_log(command, argv)}, which holds the details"
    except OSError as log_error:
        where = f"(no log file could be written: {log_error})"
    print(f"userlens {command} failed unexpectedly ({what}); please report this bug {where}.",
          file=sys.stderr)
    return INTERNAL_ERROR


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit cannot raise again (closed pipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run, and turn every error into one line on stderr (never a traceback)."""
    from analytics.errors import UserLensError

    argv = list(sys.argv[1:] if argv is None else argv)
    command = "command"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        command = args.command or command
        if not getattr(args, "func", None):
            parser.print_help()
            return USER_ERROR
        with warnings.catch_warnings():
            if not sys.warnoptions:  # library warnings are noise for a user; `python -W ...` shows them
                warnings.simplefilter("ignore")
            status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handlers, not at exit
        return status
    except UserLensError as exc:
        print(f"userlens {command}: {exc}", file=sys.stderr)
        return USER_ERROR
    except BrokenPipeError:  # `userlens ... | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - anything else is a bug: a sentence here, the traceback in a log
        return _unexpected(command, argv, exc)


if __name__ == "__main__":
    sys.exit(main())
