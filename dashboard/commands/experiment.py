"""`userlens experiment --group ATTRIBUTE --metric METRIC`: A/B comparison with tests and an SRM check."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, workspace_from


def _split(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise UserLensError(f"--expected-split takes GROUP=SHARE pairs such as A=50,B=50, not {text!r}.")
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    from analytics.experiment import METRIC_HELP  # scipy: `userlens experiment` needs it anyway

    add_workspace_arg(p)
    p.add_argument("--group", required=True, metavar="ATTRIBUTE",
                   help="a user attribute such as variant, or property:<key> of event properties")
    p.add_argument("--metric", required=True, metavar="METRIC", help=METRIC_HELP)
    p.add_argument("--control", default=None, help="control group (default: first alphabetically)")
    p.add_argument("--expected-split", default=None, metavar="A=50,B=50",
                   help="expected share per group for the sample-ratio check (default equal)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.experiment import experiment

    ws = workspace_from(args)
    frame = experiment(ws.con, group=args.group, metric=args.metric, control=args.control,
                       expected_split=_split(args.expected_split))
    return emit(frame, args, {"group": args.group, "metric": args.metric,
                              "srm_p_value": frame["srm_p_value"][0] if frame.height else None})
