"""`userlens report --out FILE`: the prioritised requirement report; the format follows the extension."""

from __future__ import annotations

import argparse

from analytics.prioritise import METHODS
from analytics.report import FORMATS
from dashboard.commands._common import add_workspace_arg, parse_number_pairs, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    exts = ", ".join(ext for ext, _ in FORMATS.values())
    add_workspace_arg(p)
    p.add_argument(
        "--out", required=True, metavar="FILE", help=f"output file; the format follows its extension ({exts})"
    )
    p.add_argument("--method", choices=list(METHODS), default="rice")
    p.add_argument(
        "--weight",
        metavar="NAME=W",
        action="append",
        default=[],
        help="change one weight of the method (repeatable), e.g. --weight reach=2",
    )
    p.add_argument(
        "--default",
        metavar="NAME=V",
        action="append",
        default=[],
        help="value used where the backlog has none and nothing can be derived, e.g. effort=2",
    )
    p.add_argument(
        "--no-evidence",
        action="store_true",
        help="do not derive missing inputs from feedback evidence and Kano results",
    )
    p.add_argument("--kano-table", choices=["standard", "pouliot"], default="standard")
    p.add_argument("--title", default=None, help="report title (default 'Prioritised requirements')")
    p.add_argument("--intent", metavar="INTENT", action="append", default=[],
                   help="keep only requirements, themes, personas and proposals with feedback of this intent "
                        "(repeatable or comma-separated), e.g. --intent 'feature request'")
    p.add_argument("--sentiment", metavar="SENTIMENT", action="append", default=[],
                   help="the same for a sentiment: negative, neutral or positive (repeatable)")


def run(args: argparse.Namespace) -> int:
    from analytics.report import write_report
    from analytics.voice_filter import VoiceFilter

    ws = workspace_from(args)
    weights = parse_number_pairs(args.weight, "--weight")
    defaults = parse_number_pairs(args.default, "--default")
    voice = VoiceFilter.parse(",".join(args.intent), ",".join(args.sentiment))
    path = write_report(
        ws.con,
        args.out,
        method=args.method,
        weights=weights or None,
        defaults=defaults or None,
        use_evidence=not args.no_evidence,
        kano_table=args.kano_table,
        title=args.title,
        intents=list(voice.intents) or None,
        sentiments=list(voice.sentiments) or None,
    )
    print(f"Report written to {path}")
    return 0
