"""`userlens ingest KIND FILE`: load events, users, feedback, Kano answers or requirements."""

from __future__ import annotations

import argparse

from analytics.ingest import ingest_file
from analytics.ingest_detect import KINDS, check_kind
from dashboard.commands._common import add_workspace_arg, parse_pairs, print_json, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", metavar="{" + "|".join(KINDS) + "}", help="what the file holds")
    p.add_argument("file", help="CSV (any delimiter, UTF-8/GBK/Latin-1, .gz ok), Parquet or XLSX")
    add_workspace_arg(p)
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="use COLUMN for FIELD (repeatable)")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE", help="set FIELD to VALUE on every row")
    p.add_argument("--timezone", metavar="TZ",
                   help="IANA zone of naive times in the file (default: workspace)")
    p.add_argument("--pseudonymise", action="store_true",
                   help="store user ids as HMAC-SHA256 and redact emails/phones/ID numbers in feedback text")
    p.add_argument("--replace", action="store_true", help="replace an earlier load of the same file")
    p.add_argument("--format", choices=["table", "json"], default="table")


def run(args: argparse.Namespace) -> int:
    check_kind(args.kind)
    mapping = parse_pairs(args.map, "--map", example="user_id=CustomerID")
    constants = parse_pairs(args.set, "--set", example="event=purchase")
    ws = workspace_from(args)
    result = ingest_file(ws, args.kind, args.file, mapping=mapping, constants=constants,
                         timezone=args.timezone, pseudonymise=args.pseudonymise, replace=args.replace)
    if args.format == "json":
        print_json(result.to_json())
        return 0
    print(f"batch {result.batch_id}: {result.kind} from {result.file_name}")
    print(f"rows read {result.rows_read:>12,}")
    print(f"loaded    {result.rows_loaded:>12,}")
    print(f"rejected  {result.rows_rejected:>12,}")
    for reason, count in result.reject_reasons.items():
        print(f"  {count:>10,}  {reason}")
    print("mapping   " + ", ".join(f"{k}={v}" for k, v in result.mapping.items()))
    for warning in result.warnings:
        print(f"note: {warning}")
    return 0
