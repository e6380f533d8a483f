"""`userlens ingest KIND FILE`: load events, users, feedback, Kano answers or requirements."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from analytics.ingest import ingest_file, parse_date_window
from analytics.ingest_detect import KINDS, check_kind
from analytics.ingest_load import DEFAULT_MAX_REJECT_SHARE
from dashboard.commands._common import add_workspace_arg, parse_pairs, print_json, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", metavar="{" + "|".join(KINDS) + "}", help="what the file holds")
    p.add_argument("file", help="CSV (any delimiter, UTF-8/GBK/Latin-1, .gz ok), Parquet or XLSX")
    add_workspace_arg(p)
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="use COLUMN for FIELD (repeatable)")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE", help="set FIELD to VALUE on every row")
    p.add_argument("--timezone", metavar="TZ",
                   help="IANA zone of naive times in the file (default: workspace)")
    p.add_argument("--delimiter", metavar="D",
                   help="comma, tab, semicolon, pipe, whitespace or one character (default: detected)")
    p.add_argument("--sheet", metavar="NAME", help="XLSX worksheet to read (default: the first)")
    p.add_argument("--allow-dates", metavar="FROM..TO",
                   help="accept timestamps in this window instead of 1970-01-01..2100-01-01 "
                        "(dates or years, TO excluded; e.g. 1900..2200)")
    p.add_argument("--max-reject-share", type=float, default=DEFAULT_MAX_REJECT_SHARE, metavar="SHARE",
                   help="refuse the load when more than this share of rows would be rejected "
                        "(0..1, default 0.5)")
    p.add_argument("--pseudonymise", action="store_true",
                   help="store user ids as HMAC-SHA256 and redact emails/phones/ID numbers in feedback text")
    p.add_argument("--replace", action="store_true", help="replace an earlier load of the same file")
    p.add_argument("--format", choices=["table", "json"], default="table")


def run(args: argparse.Namespace) -> int:
    check_kind(args.kind)
    mapping = parse_pairs(args.map, "--map", example="user_id=CustomerID")
    constants = parse_pairs(args.set, "--set", example="event=purchase")
    window = parse_date_window(args.allow_dates)
    if not 0 <= args.max_reject_share <= 1:
        raise UserLensError(f"--max-reject-share must be between 0 and 1, got {args.max_reject_share}.")
    ws = workspace_from(args)
    result = ingest_file(ws, args.kind, args.file, mapping=mapping, constants=constants,
                         timezone=args.timezone, pseudonymise=args.pseudonymise, replace=args.replace,
                         delimiter=args.delimiter, sheet=args.sheet, allow_dates=window,
                         max_reject_share=args.max_reject_share)
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
    notes = list(result.warnings)
    if result.rows_rejected:  # the first note says how much was rejected: shown where nobody misses it
        print(f"WARNING: {notes.pop(0)}")
    for warning in notes:
        print(f"note: {warning}")
    return 0
