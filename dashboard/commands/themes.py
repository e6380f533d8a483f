"""`userlens themes`: cluster feedback items into themes."""

from __future__ import annotations

import argparse

from dashboard.commands._cluster_common import (
    add_cluster_args, cards_frame, k_from, print_cards, progress_printer, write_assignments,
)
from dashboard.commands._common import add_workspace_arg, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    add_cluster_args(p)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from embeddings.encoders import default_encoder
    from embeddings.themes import run_themes

    ws = workspace_from(args)
    encoder = default_encoder(model=args.model) if args.model else None
    result = run_themes(ws, k=k_from(args.k), seed=args.seed, encoder=encoder,
                        progress=progress_printer(args))
    if args.assignments:  # unthemed items too (cluster -1), so nothing is lost
        names = {-1: "unthemed", **{c["id"]: c["name"] for c in result.clusters}}
        write_assignments(args.assignments, result.members.select(
            "feedback_id", cluster="theme_id",
            name=pl.col("theme_id").replace_strict(names, return_dtype=pl.Utf8)))
    print_cards(result.to_json(), cards_frame(result.clusters), args.format)
    return 0
