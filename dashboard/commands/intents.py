"""`userlens intents`: an intent and a sentiment for every feedback item (zero- or few-shot)."""

from __future__ import annotations

import argparse
import sys

from dashboard.commands._common import (
    add_format_arg, add_workspace_arg, print_frame, print_json, workspace_from,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--labels", metavar="FILE.csv", default=None,
                   help="CSV of feedback_id,label to store and learn from (stored labels accumulate)")
    p.add_argument("--assignments", metavar="OUT.csv", default=None,
                   help="also write feedback_id,intent,confidence,sentiment for every item to this CSV")
    p.add_argument("--method", choices=["self-training", "logistic"], default="self-training",
                   help="few-shot classifier when labels allow (default self-training)")
    p.add_argument("--model", metavar="PATH_OR_NAME", default=None,
                   help="local sentence-transformers model (default: routed by the feedback's language)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same result)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from analytics.errors import UserLensError
    from embeddings.encoders import default_encoder
    from embeddings.intent_labels import add_labels, read_labels_file
    from embeddings.intents import run_intents

    ws = workspace_from(args)
    label_messages: list[str] = []
    if args.labels:
        report = add_labels(ws, read_labels_file(args.labels), source="csv", file=args.labels)
        label_messages = [f"{report.stored} labels stored from {args.labels}.", *report.messages]
    encoder = default_encoder(model=args.model) if args.model else None
    result = run_intents(ws, encoder=encoder, method=args.method, seed=args.seed)
    result.messages[:0] = label_messages
    if args.assignments:
        try:
            result.assignments.select("feedback_id", "intent", "confidence", "sentiment").write_csv(
                args.assignments)
        except OSError as exc:
            raise UserLensError(f"Cannot write the assignments file {args.assignments}: {exc.strerror}. "
                                "Choose a writable path with --assignments.") from exc
    if args.format == "json":
        print_json(result.to_json())
        return 0
    counts = result.counts("intent")
    table = pl.DataFrame({"intent": list(result.intents),
                          "count": [counts.get(k, 0) for k in result.intents],
                          "description": list(result.intents.values())})
    print_frame(table, args.format)
    if args.format == "table":
        score = result.heldout
        line = f"run {result.run_id} · {result.method} · encoder {result.encoder}"
        if score:
            line += f" · held-out macro-F1 {score['macro_f1']:.2f} ({score['note']})"
        print(line, file=sys.stderr)
    for message in result.messages:
        print(f"Note: {message}", file=sys.stderr)
    return 0
