"""`userlens personas`: cluster users into personas from their feedback and behaviour."""

from __future__ import annotations

import argparse

from dashboard.commands._cluster_common import (
    add_cluster_args, cards_frame, k_from, print_cards, progress_printer, write_assignments,
)
from dashboard.commands._common import add_workspace_arg, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    add_cluster_args(p)
    p.add_argument("--text-weight", type=float, default=0.8, metavar="W",
                   help="weight of the feedback text against behaviour, 0..1 (default 0.8)")


def run(args: argparse.Namespace) -> int:
    from embeddings.encoders import default_encoder
    from embeddings.personas import run_personas

    ws = workspace_from(args)
    encoder = default_encoder(model=args.model) if args.model else None
    result = run_personas(ws, k=k_from(args.k), seed=args.seed, encoder=encoder,
                          text_weight=args.text_weight, progress=progress_printer(args))
    if args.assignments:
        write_assignments(args.assignments, result.coords.select(
            "user_id", cluster="persona_id", name="persona"))
    print_cards(result.to_json(), cards_frame(result.clusters), args.format)
    return 0
