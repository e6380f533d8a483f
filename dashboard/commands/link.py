"""`userlens link`: match requirements to the feedback that speaks of them (evidence)."""

from __future__ import annotations

import argparse
import sys

from dashboard.commands._common import (
    add_format_arg, add_workspace_arg, print_frame, print_json, workspace_from,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--threshold", type=float, default=0.45, metavar="T",
                   help="minimum cosine similarity between requirement and feedback (default 0.45)")
    p.add_argument("--quotes", type=int, default=3, metavar="N", help="quotes per requirement (default 3)")
    p.add_argument("--model", metavar="PATH_OR_NAME", default=None,
                   help="local sentence-transformers model (default: $USERLENS_MODEL or the bundled one)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from embeddings.encoders import default_encoder
    from embeddings.linking import link_requirements

    ws = workspace_from(args)
    encoder = default_encoder(model=args.model) if args.model else None
    frame = link_requirements(ws, threshold=args.threshold, encoder=encoder, top_quotes=args.quotes)
    run_id = frame["run_id"][0] if frame.height else None
    frame = frame.drop("run_id")
    if args.format == "json":
        print_json({"run_id": run_id, "threshold": args.threshold, "requirements": frame.to_dicts()})
    else:
        print_frame(frame, args.format)
        if args.format == "table":
            print(f"run {run_id}: evidence stored for {frame.height} requirements", file=sys.stderr)
    return 0
