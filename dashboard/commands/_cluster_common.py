"""Options and output shared by `userlens personas` and `userlens themes`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import polars as pl

from analytics.errors import UserLensError
from analytics.tabular import write_csv
from dashboard.commands._common import add_format_arg, print_frame, print_json


def add_cluster_args(p: argparse.ArgumentParser) -> None:
    """--k, --seed, --assignments, --model, --format."""
    p.add_argument("--k", default="auto", metavar="auto|N", help="number of clusters (default: auto)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same result)")
    p.add_argument("--assignments", metavar="FILE.csv", default=None,
                   help="also write each member's cluster and cluster name to this CSV")
    p.add_argument("--model", metavar="PATH_OR_NAME", default=None,
                   help="local sentence-transformers model (default: $USERLENS_MODEL or the bundled one)")
    add_format_arg(p)


def k_from(value: str) -> int | None:
    """'auto' -> None, a positive integer -> int; anything else is a user error."""
    if str(value).lower() == "auto":
        return None
    try:
        k = int(value)
    except ValueError:
        k = 0
    if k < 1:
        raise UserLensError(f"--k must be 'auto' or a positive whole number, not {value!r}.")
    return k


def progress_printer(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    """Embedding progress on stderr for interactive table output; silent otherwise."""
    if args.format != "table" or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rEmbedding texts: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


def write_assignments(path: str, frame: pl.DataFrame) -> None:
    """CSV of (member id, cluster, name), cells neutralised like every CSV UserLens writes."""
    write_csv(frame, path, flag="--assignments")  # the one safe writer (cluster names are user words)


def cards_frame(clusters: list[dict[str, Any]]) -> pl.DataFrame:
    """The cards as a compact table: id, name, size, share, confidence, keywords."""
    return pl.DataFrame([{"id": c["id"], "name": c["name"], "size": c["size"],
                          "share": round(float(c["share"]), 3),
                          "confidence": round(float(c["confidence"]), 3),
                          "keywords": ", ".join(c["keywords"][:6])} for c in clusters])


def print_cards(document: dict[str, Any], table: pl.DataFrame, fmt: str) -> None:
    """JSON document, CSV of the cards, or the table plus the encoder note on stderr."""
    if fmt == "json":
        print_json(document)
        return
    print_frame(table, fmt)
    if fmt == "table":
        note = document.get("encoder_note")
        line = f"run {document['run_id']} · encoder {document['encoder']}"
        print(line + (f"\nNote: {note}" if note else ""), file=sys.stderr)
